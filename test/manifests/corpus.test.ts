/**
 * Golden tests on the radix-flux corpus (../shared/corpus/radix-flux): for each snapshot and environment,
 * the exact resource ids Flux v1 would apply from the raw files, worked out by reading the corpus.
 *
 * From 2019-09 on, Flux v1 ran these environments through their `.flux.yaml` (`patchUpdated`: two shell
 * generators, then `kustomize build .`, then `flux-patch.yaml` merged on top). The pipeline builds them that way
 * (test/build/snapshots.test.ts); these tests exercise the raw loader on their files (the patch file left out,
 * as it is a patch and never a resource), so for c64ff3f45 and dcceda6a2 the raw set differs from what
 * Flux v1 deployed; each test below says how:
 * - kustomize deploys only what `kustomization.yaml` `resources:` lists; files present but not listed are
 *   raw-only resources here;
 * - `radix-patch.yaml` (named by `patchesStrategicMerge`) is git-ignored and made by a generator, so the raw
 *   files lack its cluster-specific values (and `kustomize build` would fail on a raw checkout);
 * - `flux-patch.yaml` is the patch file: never a resource, but its image tags are merged into the objects.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifests, parseYamlDocuments, planManifestReads, sortForApply } from '../../shared/manifests/index.ts';
import type { ManifestSet } from '../../shared/manifests/index.ts';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';

const skip = skipWithoutCorpus();

function loadSnapshot(snapshot: string, envPath: string): ManifestSet {
  const dir = path.join(corpusDir() as string, snapshot);
  const allPaths = readFileSync(path.join(dir, 'TREE.txt'), 'utf8').split('\n').filter(Boolean)
    .map((line) => line.slice(line.indexOf('\t') + 1));
  const plan = planManifestReads(allPaths.filter((p) => !p.endsWith('/flux-patch.yaml')), envPath);
  const contents = new Map<string, string>();
  for (const file of [...plan.files, ...plan.fluxConfigs]) {
    const full = path.join(dir, file);
    if (existsSync(full)) contents.set(file, readFileSync(full, 'utf8'));
  }
  return loadManifests({ plan, contents, defaultNamespace: 'default' });
}
const ids = (set: ManifestSet): string[] => set.resources.map((r) => r.id);

const CGROUP_GC = [
  '<cluster>:namespace/cgroup-garbagecollector',
  'cgroup-garbagecollector:configmap/systemd-cgroup-gc',
  'cgroup-garbagecollector:daemonset/systemd-cgroup-gc',
];

describe('corpus 92b98a8ac (2019-04, raw manifests, a Helm chart folder at the root)', { skip }, () => {
  it('development-configs applies the radix-operator HelmRelease (Flux v1 ran raw files then: no difference)', () => {
    const set = loadSnapshot('92b98a8ac', 'development-configs');
    assert.deepEqual(ids(set), ['default:helmrelease/radix-operator']);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(set.skipped, [{ file: 'development-configs/README.md', reason: 'not a .yaml or .yml file' }]);
    const [r] = set.resources;
    assert.equal(r?.annotations['flux.weave.works/automated'], 'true', 'the unquoted YAML bool is the string "true"');
    assert.equal(r?.policies.automated, true);
    assert.deepEqual(r?.policies.tagFilters, { 'chart-image': 'glob:master-*' });
    assert.equal(r?.line, 2);
  });
  it('production-configs applies the radix-operator HelmRelease', () => {
    const set = loadSnapshot('92b98a8ac', 'production-configs');
    assert.deepEqual(ids(set), ['default:helmrelease/radix-operator']);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(set.resources[0]?.policies.tagFilters, { 'chart-image': 'glob:release-*' });
  });
  it('the repository root skips the chart folder charts/radix-operator (its templates do not even parse) and reports the duplicated radix-operator', () => {
    const set = loadSnapshot('92b98a8ac', '');
    assert.deepEqual(ids(set), []);
    assert.deepEqual(set.errors, [{
      file: 'production-configs/radix-platform/radix-operator.yaml', line: 2,
      message: "duplicate definition of 'default:helmrelease/radix-operator' (in development-configs/radix-platform/radix-operator.yaml:2 and production-configs/radix-platform/radix-operator.yaml:2); none of them is applied",
    }]);
    assert.ok(set.skipped.some((s) => s.file === 'charts/radix-operator' && /Helm chart folder.*\(16 files\)/.test(s.reason)));
  });
  it('the chart folder itself as environment loads nothing', () => {
    const set = loadSnapshot('92b98a8ac', 'charts/radix-operator/templates');
    assert.deepEqual(ids(set), []);
    assert.deepEqual(set.errors, []);
  });
});

const C64_ENV = [
  ...CGROUP_GC,
  'default:helmrelease/radix-acr-cleanup',
  'radix-cicd-canary:helmrelease/radix-cicd-canary',
  'radix-cost-allocation:helmrelease/radix-cost-allocation',
  'default:helmrelease/radix-operator',
  'default:helmrelease/external-dns',
  'kube-system:helmrelease/kubed',
  'default:helmrelease/kured',
  'default:helmrelease/nginx-ingress',
  'velero:schedule/all-hourly',
  'velero:helmrelease/velero',
];

describe('corpus c64ff3f45 (2020-06, kustomize + flux-patch.yaml era)', { skip }, () => {
  for (const env of ['development-configs', 'playground-configs', 'production-configs']) {
    it(`${env}: raw ids equal kustomize's, since kustomization.yaml lists every file; kustomize differs only in content (flux-patch.yaml tags, git-ignored radix-patch.yaml)`, () => {
      const set = loadSnapshot('c64ff3f45', env);
      assert.deepEqual(ids(set), C64_ENV);
      assert.deepEqual(set.errors, []);
      assert.deepEqual(set.skipped.map((s) => [s.file, s.reason]), [
        [`${env}/.flux.yaml`, 'Flux manifest-generation config (.flux.yaml) is not a resource'],
        [`${env}/kustomization.yaml`, 'kustomize configuration (kustomization.yaml) is not a resource'],
      ]);
    });
  }
  it('the 4-space-indented radix-cost-allocation document loads like any other', () => {
    const set = loadSnapshot('c64ff3f45', 'development-configs');
    const r = set.resources.find((x) => x.id === 'radix-cost-allocation:helmrelease/radix-cost-allocation');
    assert.equal(r?.line, 2);
    assert.equal(r?.policies.automated, true);
  });
  it('defaultMode: 0755 in the cgroup-gc DaemonSet is the YAML 1.1 octal 493', () => {
    const set = loadSnapshot('c64ff3f45', 'production-configs');
    const ds = set.resources.find((x) => x.id === 'cgroup-garbagecollector:daemonset/systemd-cgroup-gc');
    const volumes = (ds?.object.spec as { template: { spec: { volumes: { configMap: { defaultMode: unknown } }[] } } }).template.spec.volumes;
    assert.equal(volumes[0]?.configMap.defaultMode, 493);
    assert.equal(ds?.line, 34);
    assert.equal(ds?.docIndex, 2);
  });
  it('the apply order puts the namespace first and HelmReleases last', () => {
    const order = sortForApply(loadSnapshot('c64ff3f45', 'development-configs').resources).map((r) => r.id);
    assert.deepEqual(order, [
      '<cluster>:namespace/cgroup-garbagecollector',
      'cgroup-garbagecollector:configmap/systemd-cgroup-gc',
      'cgroup-garbagecollector:daemonset/systemd-cgroup-gc',
      'velero:schedule/all-hourly',
      'default:helmrelease/external-dns',
      'kube-system:helmrelease/kubed',
      'default:helmrelease/kured',
      'default:helmrelease/nginx-ingress',
      'default:helmrelease/radix-acr-cleanup',
      'radix-cicd-canary:helmrelease/radix-cicd-canary',
      'radix-cost-allocation:helmrelease/radix-cost-allocation',
      'default:helmrelease/radix-operator',
      'velero:helmrelease/velero',
    ]);
  });
});

/** dcceda6a2 environments in walk order, before per-environment differences. */
const DCC_COMMON_THIRD_PARTY = [
  'kube-system:helmrelease/blob-csi-driver',
  'kube-system:daemonset/blobfuse-flexvol-installer',
  'cert-manager:helmrelease/cert-manager',
  'kube-system:daemonset/csi-blobfuse-proxy',
  'dynatrace:helmrelease/dynatrace',
  'default:helmrelease/external-dns',
  'default:helmrelease/grafana',
  'default:helmrelease/kube-prometheus-stack',
  'kube-system:helmrelease/kubed',
  'default:helmrelease/kured',
  'default:helmrelease/ingress-nginx',
  'kube-system:daemonset/sysctl-install-blobfuse',
  'velero:schedule/all-hourly',
  'velero:helmrelease/velero',
];
const DCC_RADIX = [
  'default:helmrelease/radix-acr-cleanup',
  'radix-cicd-canary:helmrelease/radix-cicd-canary',
  'radix-cost-allocation:helmrelease/radix-cost-allocation',
  'default:helmrelease/radix-operator',
];

describe('corpus dcceda6a2 (2021-11, late annotations)', { skip }, () => {
  it('development-configs: raw files add cgroup-gc (3 resources) and aad-pod-identity, which kustomization.yaml leaves out (kustomize-only difference)', () => {
    const set = loadSnapshot('dcceda6a2', 'development-configs');
    assert.deepEqual(ids(set), [...CGROUP_GC, ...DCC_RADIX, 'aad-pod-identity:helmrelease/aad-pod-identity', ...DCC_COMMON_THIRD_PARTY]);
    assert.deepEqual(set.errors, []);
  });
  it('playground-configs: raw ids equal kustomize\'s (kustomization.yaml lists every file); content differs by flux-patch.yaml and radix-patch.yaml', () => {
    const set = loadSnapshot('dcceda6a2', 'playground-configs');
    assert.deepEqual(ids(set), [...CGROUP_GC, ...DCC_RADIX, ...DCC_COMMON_THIRD_PARTY]);
    assert.deepEqual(set.errors, []);
  });
  it('production-configs: raw files add dynatrace, which kustomization.yaml leaves out (kustomize-only difference)', () => {
    const set = loadSnapshot('dcceda6a2', 'production-configs');
    assert.deepEqual(ids(set), [...CGROUP_GC, ...DCC_RADIX, ...DCC_COMMON_THIRD_PARTY]);
    assert.deepEqual(set.errors, []);
  });
  it('classic-configs (no .flux.yaml, so Flux v1 read raw files here too) applies aad-pod-identity', () => {
    const set = loadSnapshot('dcceda6a2', 'classic-configs');
    assert.deepEqual(ids(set), ['aad-pod-identity:helmrelease/aad-pod-identity']);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(set.skipped, []);
  });
  it('fluxcd.io/ignore: "false" has no effect and filter.fluxcd.io/ is the chart-image tag filter', () => {
    const set = loadSnapshot('dcceda6a2', 'production-configs');
    const kubed = set.resources.find((r) => r.id === 'kube-system:helmrelease/kubed');
    assert.equal(kubed?.policies.ignore, undefined);
    const operator = set.resources.find((r) => r.id === 'default:helmrelease/radix-operator');
    assert.deepEqual(operator?.policies.tagFilters, { 'chart-image': 'glob:release-*' });
    assert.equal(operator?.policies.automated, true);
  });
  it('the demo folder, whose .flux.yaml is commandUpdated, has no patch file: both raw files load', () => {
    const set = loadSnapshot('dcceda6a2', 'demos/factorization/configs');
    assert.deepEqual(ids(set), ['<cluster>:namespace/demo', 'demo:configmap/resource-1']);
    assert.deepEqual(set.errors, []);
  });
  it('the whole repository loads its environments side by side, reporting every cross-environment duplicate', () => {
    const set = loadSnapshot('dcceda6a2', '');
    assert.ok(set.errors.length > 0);
    assert.ok(set.errors.every((e) => e.message.startsWith('duplicate definition of ')));
    assert.deepEqual(ids(set), ['<cluster>:namespace/demo', 'demo:configmap/resource-1']);
  });
});

describe('corpus edge cases and load time', { skip }, () => {
  it('the flux-patch.yaml a merge left without --- separators (cases/c6bc11a58) is a duplicated-key error at line 11, where go-yaml silently kept the last key', () => {
    const file = 'development-configs/flux-patch.yaml';
    const text = readFileSync(path.join(corpusDir() as string, 'cases/c6bc11a58/before', file), 'utf8');
    const result = parseYamlDocuments(text, file);
    assert.deepEqual(result, { ok: false, error: { file, line: 11, message: 'does not parse as YAML: duplicated mapping key (column 1)' } });
  });
  // How fast this is lives in bench/ (`npm run bench -- --only parse`), not in a test on a shared machine.
  it('about 2,000 corpus files (about 2.6 MB) load side by side: every copy parses, only the copies collide', () => {
    const root = corpusDir() as string;
    const texts: string[] = [];
    for (const snapshot of ['c64ff3f45', 'dcceda6a2']) {
      const dir = path.join(root, snapshot);
      for (const line of readFileSync(path.join(dir, 'TREE.txt'), 'utf8').split('\n')) {
        const file = line.slice(line.indexOf('\t') + 1);
        if (file.endsWith('.yaml') && existsSync(path.join(dir, file))) texts.push(readFileSync(path.join(dir, file), 'utf8'));
      }
    }
    const contents = new Map<string, string>();
    for (let i = 0; contents.size < 2000; i++) texts.forEach((t, j) => contents.set(`env/copy-${i}/f${j}.yaml`, t));
    const plan = planManifestReads([...contents.keys()], 'env');
    const set = loadManifests({ plan, contents, defaultNamespace: 'default' });
    assert.equal(plan.files.length, contents.size);
    assert.ok(set.errors.length > 0, 'the copies do collide');
    assert.ok(set.errors.every((e) => e.message.startsWith('duplicate definition')), 'every copy parses; only the copies collide');
  });
});
