/**
 * Every environment of the radix-flux snapshots c64ff3f45 (2020) and dcceda6a2 (2021) builds, through
 * `gitops build --var clusterName=… --var dnsZone=…`, to what Flux v1 and its generators deployed on a cluster.
 *
 * The oracle is independent of our code: the generators as they ran, then the real `kubectl kustomize`
 * (kustomize v5.5.0), then the patch file merged by a second `kubectl kustomize` layer.
 * - With the real scripts in the snapshot (`update_radix_patch.sh`, `patch-kured-if-active-cluster.sh`), they
 *   run with a stub `kubectl` on PATH that answers `get configmap` with the variables (and hands `kustomize`
 *   to the real kubectl). The corpus keeps only YAML files, so that part skips, saying so.
 * - Without them, radix-patch.yaml is written as `update_radix_patch.sh` wrote it (corpus README: it
 *   shell-templates `external-dns.yaml` from the ConfigMap), and `patch-kured-if-active-cluster.sh` writes
 *   nothing: the cluster is not the active one (`activeClusterName` in radix-operator.yaml).
 * Skips with a message where kubectl or the corpus is absent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusDir } from '../support/corpus.ts';
import { runCli } from '../support/run-cli.ts';
import { parseYamlDocuments } from '../../shared/manifests/index.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = !corpusDir() ? 'the radix-flux corpus (../shared/corpus/radix-flux beside the repo) is absent'
  : !hasKubectl ? 'kubectl (with kustomize v5.5.0) is not installed: no oracle' : false;

const VARS = { clusterName: 'weekly-99', dnsZone: 'dev.radix.equinor.com' };
type Obj = { kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;
const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function kustomize(dir: string): Obj[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const parsed = parseYamlDocuments(r.stdout, 'kubectl-kustomize-output.yaml');
  assert.ok(parsed.ok);
  return parsed.documents.map((d) => d.value as Obj).filter((o) => o !== null);
}

/** What Flux v1 deployed for a patchUpdated environment of a snapshot on a non-active cluster. */
function oracle(snapshot: string, env: string): Obj[] {
  const work = mkdtempSync(path.join(os.tmpdir(), 'oracle-'));
  try {
    cpSync(path.join(corpusDir()!, snapshot, env), path.join(work, env), { recursive: true });
    const dns = readFileSync(path.join(work, env, 'third-party/external-dns.yaml'), 'utf8');
    writeFileSync(path.join(work, env, 'radix-patch.yaml'),
      dns.replaceAll('${clusterName}', VARS.clusterName).replaceAll('${dnsZone}', VARS.dnsZone));
    const generated = kustomize(path.join(work, env));
    const patch = readFileSync(path.join(work, env, 'flux-patch.yaml'), 'utf8');
    if (patch.trim() === '') return generated;
    mkdirSync(path.join(work, 'layer'));
    writeFileSync(path.join(work, 'layer', 'generated.yaml'), generated.map((o) => JSON.stringify(o)).join('\n---\n'));
    writeFileSync(path.join(work, 'layer', 'flux-patch.yaml'), patch);
    writeFileSync(path.join(work, 'layer', 'kustomization.yaml'), 'resources:\n- generated.yaml\npatchesStrategicMerge:\n- flux-patch.yaml\n');
    return kustomize(path.join(work, 'layer'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function repoCopy(snapshot: string): { dir: string; envs: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `snapshot-${snapshot}-`));
  cpSync(path.join(corpusDir()!, snapshot), dir, { recursive: true });
  for (const f of ['TREE.txt', 'COMMIT.txt']) rmSync(path.join(dir, f));
  const envs = readdirSync(dir).filter((d) => d.endsWith('-configs'));
  const all = [...envs, 'demos/factorization/configs'];
  writeFileSync(path.join(dir, 'gitops.yaml'), `environments:\n${all.map((e, i) => `  env-${i}:\n    branch: master\n    path: ${e}\n`).join('')}`);
  return { dir, envs: all };
}

async function build(dir: string, envIndex: number) {
  const r = await runCli(['build', '--repo', dir, '--env', `env-${envIndex}`, '--var', `clusterName=${VARS.clusterName}`, '--var', `dnsZone=${VARS.dnsZone}`, '--json']);
  return { code: r.code, stderr: r.stderr, objects: r.stdout ? (JSON.parse(r.stdout) as { objects: Obj[] }).objects : [] };
}

describe('the issue\'s new-user run on dcceda6a2 (the state Flux v1 left, before G20/G21)', { skip: corpusDir() ? false : 'the radix-flux corpus is absent' }, () => {
  it('a .flux.yaml environment is never rendered from raw files: no objects its kustomization leaves out, images from flux-patch.yaml', async () => {
    const { dir, envs } = repoCopy('dcceda6a2');
    try {
      const byEnv = async (env: string) => (await build(dir, envs.indexOf(env))).objects;
      const production = await byEnv('production-configs');
      assert.ok(production.length > 0);
      assert.equal(production.find((o) => o.metadata.name === 'dynatrace'), undefined, 'production gets no dynatrace');
      const operator = production.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'radix-operator') as unknown as { spec: { values: { image: { tag: string } } } };
      assert.equal(operator.spec.values.image.tag, 'release-f6d6721e-1636644103', 'the tag in flux-patch.yaml, not the stale base');
      const development = await byEnv('development-configs');
      for (const name of ['cgroup-garbagecollector', 'systemd-cgroup-gc', 'aad-pod-identity']) {
        assert.equal(development.find((o) => o.metadata.name === name), undefined, `development gets no ${name}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const snapshot of ['c64ff3f45', 'dcceda6a2']) {
  describe(`snapshot ${snapshot}: every environment builds to what Flux v1 and its generators deployed`, { skip }, () => {
    it('patchUpdated environments: our build equals generators + kubectl kustomize + the patch file, object for object', async () => {
      const { dir, envs } = repoCopy(snapshot);
      try {
        for (const [i, env] of envs.entries()) {
          if (!existsSync(path.join(dir, env, 'flux-patch.yaml'))) continue;
          const ours = await build(dir, i);
          assert.equal(ours.code, 0, `${env}: ${ours.stderr}`);
          assert.match(ours.stderr, /not run: `\.\.\/update_radix_patch\.sh/);
          const expected = new Map(oracle(snapshot, env).map((o) => [key(o), o]));
          const got = new Map(ours.objects.map((o) => {
            const want = expected.get(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`) ?? expected.get(`${o.kind}//${o.metadata.name}`);
            // the oracle names no namespace where the manifest names none; we apply the effective one
            if (want && want.metadata.namespace === undefined) delete o.metadata.namespace;
            return [key(o), o];
          }));
          assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), `${env}: the same objects`);
          for (const [k, o] of got) assert.deepEqual(o, expected.get(k), `${env}: ${k}`);
          const dns = ours.objects.find((o) => o.metadata.name === 'external-dns') as unknown as { spec: { values: { txtOwnerId: string } } };
          assert.equal(dns.spec.values.txtOwnerId, VARS.clusterName);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    it('the commandUpdated demo is refused as a whole, naming the generator that is never run', async () => {
      const { dir, envs } = repoCopy(snapshot);
      try {
        const r = await build(dir, envs.indexOf('demos/factorization/configs'));
        assert.equal(r.code, 1);
        assert.deepEqual(r.objects, []);
        assert.match(r.stderr, /radixify\.sh/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    it('with the real generator scripts and a stub kubectl', { skip: existsSync(path.join(corpusDir() ?? '', snapshot, 'update_radix_patch.sh')) ? false : 'the snapshot keeps only YAML files: update_radix_patch.sh is not in the corpus' }, async () => {
      const { dir, envs } = repoCopy(snapshot);
      const bin = mkdtempSync(path.join(os.tmpdir(), 'stub-kubectl-'));
      const real = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\ncase "$*" in *kustomize*) exec ${real} "$@";; esac\nprintf 'clusterName: ${VARS.clusterName}\\ndnsZone: ${VARS.dnsZone}\\n'\n`, { mode: 0o755 });
      try {
        for (const [i, env] of envs.entries()) {
          if (!existsSync(path.join(dir, env, 'flux-patch.yaml'))) continue;
          const config = readFileSync(path.join(dir, env, '.flux.yaml'), 'utf8');
          const commands = [...config.matchAll(/- command: (.*)$/gm)].map((m) => m[1]!.trim()).filter((c) => !c.startsWith('kustomize'));
          for (const c of commands) {
            const r = spawnSync('sh', ['-c', c], { cwd: path.join(dir, env), encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
            assert.equal(r.status, 0, `${c}: ${r.stderr}`);
          }
          const expected = new Map(kustomize(path.join(dir, env)).map((o) => [key(o), o]));
          rmSync(path.join(dir, env, 'radix-patch.yaml'));
          const ours = await build(dir, i);
          assert.equal(ours.code, 0, ours.stderr);
          const dns = (o: Map<string, Obj> | Obj[]) => [...o.values()].find((x) => x.metadata.name === 'external-dns');
          assert.deepEqual((dns(ours.objects) as unknown as { spec: unknown }).spec, (dns(expected) as unknown as { spec: unknown }).spec, `${env}: external-dns as the script templated it`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(bin, { recursive: true, force: true });
      }
    });
  });
}
