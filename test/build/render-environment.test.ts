/**
 * An environment follows its mode: no `.flux.yaml` (or `scanForFiles`) = raw files; `patchUpdated` /
 * `commandUpdated` = built as Flux v1 and its generators built it, or refused as a whole. Never raw files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../support/memory-source.ts';
import { renderEnvironment, MAX_BUILD_ROUNDS } from '../../shared/pipeline/render-environment.ts';
import type { Environment } from '../../shared/config/index.ts';

const env: Environment = { name: 'dev', branch: 'main', path: 'env', namespace: 'default', clusters: { static: [] }, registries: [], imageUpdates: 'commit', prune: false };
const cm = (name: string, data = 'x: "1"'): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  ${data}\n`;
const hr = (name: string, tag: string, extra = ''): string =>
  `apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: default\n  annotations:\n    fluxcd.io/automated: "true"\n    filter.fluxcd.io/chart-image: glob:master-*\nspec:\n  values:\n${extra}    image:\n      repository: radixdev.azurecr.io/${name}\n      tag: ${tag}\n`;
const patchUpdated = (generators: string[]) =>
  `version: 1\npatchUpdated:\n  generators:\n${generators.map((g) => `  - command: ${g}\n`).join('')}  patchFile: ./flux-patch.yaml\n`;

async function render(files: Record<string, string>, options: Parameters<typeof renderEnvironment>[3] = {}) {
  const source = memorySource({ main: files });
  return renderEnvironment(source, env, source.head('main'), options);
}
const ids = (r: { resources: { id: string }[] }) => r.resources.map((x) => x.id).sort();

describe('an environment with a .flux.yaml', () => {
  it('is built from its kustomization, never from raw files: objects the kustomization leaves out are not deployed', async () => {
    const r = await render({
      'env/.flux.yaml': patchUpdated(['kustomize build .']),
      'env/kustomization.yaml': 'resources:\n- a.yaml\n',
      'env/a.yaml': cm('a'),
      'env/left-out.yaml': cm('left-out'),
      'env/flux-patch.yaml': '',
    });
    assert.deepEqual(r.errors, []);
    assert.equal(r.mode, 'patchUpdated');
    assert.deepEqual(ids(r), ['default:configmap/a']);
    assert.deepEqual(r.generators.map((g) => g.status), ['native']);
  });
  it('takes each container\'s image from the patch file, not the stale base manifest', async () => {
    const r = await render({
      'env/.flux.yaml': patchUpdated(['kustomize build .']),
      'env/kustomization.yaml': 'resources:\n- op.yaml\n',
      'env/op.yaml': hr('radix-operator', 'master-old'),
      'env/flux-patch.yaml': '---\napiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: radix-operator\n  namespace: default\nspec:\n  values:\n    image:\n      tag: master-new\n',
    });
    assert.deepEqual(r.errors, []);
    const values = (r.resources[0]!.object as { spec: { values: { image: { tag: string } } } }).spec.values;
    assert.equal(values.image.tag, 'master-new');
  });
  it('is refused as a whole when a generator is not run and nothing accounts for its output', async () => {
    const r = await render({
      'env/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators:\n  - command: ./render-everything.sh\n',
      'env/a.yaml': cm('a'),
    });
    assert.equal(r.refused, true);
    assert.deepEqual(r.resources, []);
    assert.match(r.errors[0]!.message, /render-everything\.sh.*is not run.*cannot be reproduced/);
    assert.equal(r.errors[0]!.line, 4);
  });
  it('is refused, naming file, line and key, when the .flux.yaml breaks the schema', async () => {
    const r = await render({ 'env/.flux.yaml': `${patchUpdated(['kustomize build .'])}extra: true\n`, 'env/a.yaml': cm('a') });
    assert.equal(r.refused, true);
    assert.deepEqual(r.resources, []);
    assert.deepEqual([r.errors[0]!.file, r.errors[0]!.line], ['env/.flux.yaml', 6]);
    assert.match(r.errors[0]!.message, /^extra: not a \.flux\.yaml field/);
  });
  it('is governed by a .flux.yaml in a parent folder; scanForFiles there means raw files as before', async () => {
    const generated = await render({ '.flux.yaml': patchUpdated(['kustomize build .']), 'env/kustomization.yaml': 'resources:\n- a.yaml\n', 'env/a.yaml': cm('a'), 'env/b.yaml': cm('b') });
    assert.deepEqual(ids(generated), ['default:configmap/a']);
    const raw = await render({ '.flux.yaml': 'version: 1\nscanForFiles: {}\n', 'env/a.yaml': cm('a'), 'env/b.yaml': cm('b') });
    assert.equal(raw.mode, 'raw');
    assert.deepEqual(ids(raw), ['default:configmap/a', 'default:configmap/b']);
  });
  it('counts a git-ignored file a not-run generator writes as empty, with a warning, and substitutes the cluster\'s variables', async () => {
    const r = await render({
      'env/.flux.yaml': patchUpdated(['../update_radix_patch.sh "$PWD/dns.yaml" ./radix-patch.yaml', 'kustomize build .']),
      'env/kustomization.yaml': 'resources:\n- dns.yaml\n- gc.yaml\npatchesStrategicMerge:\n- ./radix-patch.yaml\n',
      'env/dns.yaml': cm('dns', 'owner: ${clusterName}.${dnsZone}'),
      'env/gc.yaml': cm('gc', 'script: "seq ${count}; echo $${clusterName}"'),
    }, { variables: new Map([['clusterName', 'weekly-46'], ['dnsZone', 'dev.radix.equinor.com']]), variablesSource: 'ConfigMap default/radix-platform-config' });
    assert.deepEqual(r.errors, []);
    assert.equal(r.generators[0]!.status, 'not-run');
    assert.match(r.generators[0]!.detail, /^not run: `\.\.\/update_radix_patch\.sh .*` \(env\/radix-patch\.yaml counts as empty; variables from ConfigMap default\/radix-platform-config replace its templating\)$/);
    assert.ok(r.warnings.some((w) => w.message.includes('env/radix-patch.yaml')));
    const data = (name: string) => (r.resources.find((x) => x.name === name)!.object as { data: Record<string, string> }).data;
    assert.equal(data('dns').owner, 'weekly-46.dev.radix.equinor.com');
    assert.equal(data('gc').script, 'seq ${count}; echo ${clusterName}');
  });
  it('is refused when a patch document has no generated object, as Flux refused it', async () => {
    const r = await render({
      'env/.flux.yaml': patchUpdated(['kustomize build .']),
      'env/kustomization.yaml': 'resources:\n- a.yaml\n',
      'env/a.yaml': cm('a'),
      'env/flux-patch.yaml': '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n  namespace: default\ndata:\n  x: "2"\n',
    });
    assert.equal(r.refused, true);
    assert.match(r.errors[0]!.message, /missing resource \(default:configmap\/gone\) for patch/);
  });
  it('tolerates a missing patch file when its folder exists', async () => {
    const r = await render({ 'env/.flux.yaml': patchUpdated(['kustomize build .']), 'env/kustomization.yaml': 'resources:\n- a.yaml\n', 'env/a.yaml': cm('a') });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(ids(r), ['default:configmap/a']);
  });
  it('stops a build that keeps asking for files after a bounded number of rounds', async () => {
    const files: Record<string, string> = { 'env/.flux.yaml': patchUpdated(['kustomize build .']), 'env/kustomization.yaml': 'resources:\n- k0\n' };
    for (let i = 0; i < MAX_BUILD_ROUNDS + 4; i++) files[`env/k${i}/kustomization.yaml`] = `resources:\n- ../k${i + 1}\n`;
    files[`env/k${MAX_BUILD_ROUNDS + 4}/kustomization.yaml`] = 'resources:\n- a.yaml\n';
    files[`env/k${MAX_BUILD_ROUNDS + 4}/a.yaml`] = cm('a');
    const r = await render(files);
    assert.equal(r.refused, true);
    assert.match(r.errors[0]!.message, /the build was stopped/);
  });
});
