/**
 * Issue 10, items 3 and 4, at the render: what is too large is never requested from the source, and objects
 * that would write the engine's own state are refused with the file, line and the setting to look at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Environment } from '../../shared/config/index.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import type { SourceReader, TreeFile } from '../../shared/sources/port.ts';

const env: Environment = { name: 'development', branch: 'master', path: 'dev', namespace: 'default', clusters: { static: [] }, registries: [], imageUpdates: 'commit', prune: true };
const cm = (name: string, namespace = 'default', value = 'v') => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${namespace}}\ndata: {value: "${value}"}\n`;

/** A source whose tree reports sizes, recording every path it is asked to read. */
function spySource(files: Record<string, string>, sizes: Record<string, number> = {}): SourceReader & { requested: string[] } {
  const requested: string[] = [];
  return {
    description: 'spy', requested,
    defaultBranch: async () => 'master',
    resolveBranch: async () => 'r1',
    listFiles: async (): Promise<TreeFile[]> => Object.keys(files).map((p) => ({ path: p, size: sizes[p] ?? Buffer.byteLength(files[p]!) })),
    readFiles: async (_r, paths) => { requested.push(...paths); return new Map(paths.map((p) => [p, files[p]!])); },
  };
}

test('a file over the per-file limit is never requested, fails only itself, with its size and the setting', async () => {
  const source = spySource({ 'dev/a.yaml': cm('a'), 'dev/huge.yaml': cm('huge') }, { 'dev/huge.yaml': 45 * 1024 * 1024 });
  const r = await renderEnvironment(source, env, 'r1');
  assert.deepEqual(source.requested, ['dev/a.yaml']);
  assert.deepEqual(r.resources.map((x) => x.id), ['default:configmap/a']);
  assert.deepEqual(r.errors, [{ file: 'dev/huge.yaml', message: 'not read: 47185920 bytes (45.0 MiB), over the per-file limit of 2097152 bytes (GITOPS_MAX_FILE_BYTES)' }]);
});

test('ten 45 MB files: nothing is requested and the environment is refused as a whole when the rest is over the total cap', async () => {
  const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`dev/f${i}.yaml`, cm(`f${i}`)]));
  const sizes = Object.fromEntries(Object.keys(files).map((p) => [p, 45 * 1000 * 1000]));
  const source = spySource(files, sizes);
  const r = await renderEnvironment(source, env, 'r1');
  assert.deepEqual(source.requested, []);
  assert.equal(r.errors.length, 10);
  const small = spySource(files, Object.fromEntries(Object.keys(files).map((p) => [p, 1024 * 1024])));
  const whole = await renderEnvironment(small, env, 'r1', { limits: { maxFileBytes: 2 * 1024 * 1024, maxEnvironmentBytes: 8 * 1024 * 1024 } });
  assert.deepEqual(small.requested, [], 'refused before reading');
  assert.deepEqual(whole.resources, []);
  assert.equal(whole.errors[0]!.message, 'environment refused as a whole: its files add up to 10485760 bytes (10.0 MiB), over the cap of 8388608 bytes (GITOPS_MAX_ENVIRONMENT_BYTES); nothing is applied or pruned');
});

test('a source that knows no sizes is held to the same limits after the read', async () => {
  const source = spySource({ 'dev/a.yaml': cm('a'), 'dev/b.yaml': cm('b', 'default', 'x'.repeat(5000)) });
  const sizeless: SourceReader = { ...source, listFiles: async () => (await source.listFiles('r1')).map(({ path }) => ({ path })) };
  const r = await renderEnvironment(sizeless, env, 'r1', { limits: { maxFileBytes: 4096, maxEnvironmentBytes: 1 << 20 } });
  assert.deepEqual(r.resources.map((x) => x.id), ['default:configmap/a']);
  assert.match(r.errors[0]!.message, /^not used: 50\d\d bytes \(5 KiB\), over the per-file limit of 4096 bytes/);
});

test('objects in the state namespace, the namespace itself and the state names are refused with file and line', async () => {
  const text = [
    cm('ok'),
    cm('anything', 'ops-state'),
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: ops-state}\n',
    'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: gitops-development, namespace: default}\nspec: {leaseDurationSeconds: 2000000000}\n',
    cm('gitops-development', 'kube-public'),
    cm('gitops-production'),
  ].join('---\n');
  const r = await renderEnvironment(spySource({ 'dev/all.yaml': text }), env, 'r1', { stateNamespace: 'ops-state' });
  assert.deepEqual(r.resources.map((x) => x.id).sort(), ['default:configmap/gitops-production', 'default:configmap/ok']);
  assert.deepEqual(r.errors.map((e) => `${e.file}:${e.line}: ${e.message.replace(/; manifests may not.*$/, '')}`), [
    'dev/all.yaml:6: refused: ops-state:configmap/anything is in ops-state, the namespace holding the engine\'s leases and sync state',
    'dev/all.yaml:11: refused: <cluster>:namespace/ops-state is the namespace holding the engine\'s leases and sync state',
    'dev/all.yaml:15: refused: default:lease/gitops-development bears the name of this environment\'s lease (gitops-development)',
    'dev/all.yaml:20: refused: kube-public:configmap/gitops-development bears the name of this environment\'s sync state (gitops-development)',
  ]);
  assert.match(r.errors[0]!.message, /manifests may not write the engine's own objects \(GITOPS_STATE_NAMESPACE\)$/);
});
