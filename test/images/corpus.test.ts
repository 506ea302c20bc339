/**
 * Golden tests against Flux v1's own commits in the radix-flux corpus: the direct-edit cases G01-G05
 * must come out byte for byte, with Flux's commit message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';
import { loadManifests, planManifestReads, type Resource } from '../../shared/manifests/index.ts';
import { listImages, parseImageRef, planRelease } from '../../shared/images/index.ts';

const skip = skipWithoutCorpus();

function walk(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = dir ? `${dir}/${name}` : name;
    return statSync(path.join(root, rel)).isDirectory() ? walk(root, rel) : [rel];
  });
}

/** Loads one environment of a checked-out tree with the project's manifest loader. */
function loadEnv(root: string, envPath: string): { resources: Resource[]; files: Map<string, string> } {
  // Raw loading: a patchUpdated environment's patch file is a patch, never a resource.
  const plan = planManifestReads(walk(root).filter((p) => !p.endsWith('/flux-patch.yaml')), envPath);
  const files = new Map<string, string>();
  for (const f of [...plan.files, ...plan.fluxConfigs]) files.set(f, readFileSync(path.join(root, f), 'utf8'));
  const set = loadManifests({ plan, contents: files, defaultNamespace: 'default' });
  assert.deepEqual(set.errors, [], `loading ${envPath}`);
  return { resources: set.resources, files };
}

/** The commit message as `git show` printed it (git adds the trailing newline). */
function commitMessage(caseDir: string): string {
  const diff = readFileSync(path.join(caseDir, 'commit.diff'), 'utf8');
  const body = diff.slice(diff.indexOf('\n\n') + 2, diff.indexOf('\ndiff --git'));
  return body.replace(/\s+$/, '');
}

const GOLDEN = [
  ['G01', '452d52f02'],
  ['G02', 'c60595631'],
  ['G03', '2aa45ce01'],
  ['G04', 'e2fc7d4ff'],
  ['G05', 'c0c4dd2eb'],
] as const;

for (const [id, sha] of GOLDEN) {
  test(`${id} ${sha}: releasing the commit's image reproduces Flux's edit and message byte for byte`, { skip }, () => {
    const caseDir = path.join(corpusDir()!, 'cases', sha);
    const before = path.join(caseDir, 'before');
    const after = path.join(caseDir, 'after');
    const changed = walk(after);
    const envPath = changed[0]!.split('/')[0]!;
    const { resources, files } = loadEnv(before, envPath);
    const message = commitMessage(caseDir);
    const image = parseImageRef(message.replace(/^Auto-release /, ''));

    const plan = planRelease({ environments: [{ name: envPath, resources }], files, images: [image] });
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.message, message);
    assert.deepEqual([...plan.files.keys()].sort(), changed.sort());
    for (const f of changed) assert.equal(plan.files.get(f), readFileSync(path.join(after, f), 'utf8'), f);

    const again = loadEnv(after, envPath);
    const rerun = planRelease({ environments: [{ name: envPath, resources: again.resources }], files: again.files, images: [image] });
    assert.equal(rerun.message, undefined, 'idempotent');
    assert.deepEqual(rerun.skipped.map((s) => s.reason), ['up-to-date']);
  });
}

test('G02 over the whole snapshot 92b98a8ac: only the development environment takes the radixdev image', { skip }, () => {
  const root = path.join(corpusDir()!, '92b98a8ac');
  const envs = ['development-configs', 'production-configs'].map((name) => ({ name, ...loadEnv(root, name) }));
  const files = new Map(envs.flatMap((e) => [...e.files]));
  const image = parseImageRef('radixdev.azurecr.io/radix-operator:master-ca6fb1a1c2b513ed5ab61e84fb56d7eb6e32a49f');
  const plan = planRelease({ environments: envs, files, images: [image] });
  const file = 'development-configs/radix-platform/radix-operator.yaml';
  assert.deepEqual([...plan.files.keys()], [file]);
  const expected = readFileSync(path.join(corpusDir()!, 'cases', 'c60595631', 'after', file), 'utf8');
  assert.equal(plan.files.get(file), expected);
  assert.deepEqual(plan.changes.map((c) => c.env), ['development-configs']);
});

test('G19 kured: a HelmRelease repository without a tag becomes repository: repo:tag', { skip }, () => {
  const root = path.join(corpusDir()!, 'cases', '553011fff', 'before');
  const { resources, files } = loadEnv(root, 'development-configs');
  const plan = planRelease({
    environments: [{ name: 'development', resources }],
    files,
    images: [parseImageRef('docker.io/weaveworks/kured:master-f6e4062')],
  });
  const file = 'development-configs/third-party/kured.yaml';
  const text = files.get(file)!;
  assert.equal(plan.files.get(file), text.replace(
    'repository: "docker.io/weaveworks/kured"', 'repository: "docker.io/weaveworks/kured:master-f6e4062"'));
  assert.equal(plan.message, 'Auto-release docker.io/weaveworks/kured:master-f6e4062');
});

test('the radix environments of the 2020 and 2021 snapshots list automated chart-images, and no image problems', { skip }, () => {
  for (const snapshot of ['c64ff3f45', 'dcceda6a2']) {
    const root = path.join(corpusDir()!, snapshot);
    const envs = readdirSync(root).filter((d) => d.endsWith('-configs'));
    assert.ok(envs.length > 0);
    for (const env of envs) {
      const rows = listImages(loadEnv(root, env).resources);
      if (existsSync(path.join(root, env, 'radix-platform'))) {
        const automated = rows.filter((r) => r.automated && r.kind === 'HelmRelease' && r.container === 'chart-image');
        assert.ok(automated.length >= 3, `${snapshot} ${env}`);
      }
      assert.deepEqual(rows.filter((r) => r.problem || r.filterError), [], `${snapshot} ${env}`);
    }
  }
});
