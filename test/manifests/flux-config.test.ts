import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cm, ids, load } from './load-env.ts';

describe('.flux.yaml patch files', () => {
  const patchUpdated = (patchFile: string): string => `version: 1\npatchUpdated:\n  generators:\n  - command: kustomize build .\n  patchFile: ${patchFile}\n`;
  it('the file named by patchUpdated.patchFile is never a resource (and need not be read)', () => {
    const set = load({ 'env/.flux.yaml': patchUpdated('./flux-patch.yaml'), 'env/a.yaml': cm('a') }, { paths: ['env/.flux.yaml', 'env/a.yaml', 'env/flux-patch.yaml'] });
    assert.deepEqual(ids(set), ['default:configmap/a']);
    assert.deepEqual(set.errors, []);
    assert.deepEqual(set.skipped.map((s) => [s.file, s.reason]), [
      ['env/.flux.yaml', 'Flux manifest-generation config (.flux.yaml) is not a resource'],
      ['env/flux-patch.yaml', 'patch file named by env/.flux.yaml (patchUpdated.patchFile): a patch, not a resource'],
    ]);
  });
  it('a .flux.yaml in a parent directory governs the environment; patchFile is relative to the environment path, as in Flux v1', () => {
    const set = load({
      '.flux.yaml': patchUpdated('patches/flux-patch.yaml'), 'env/a.yaml': cm('a'),
      'env/patches/flux-patch.yaml': cm('a'), 'patches/flux-patch.yaml': cm('root'),
    });
    assert.deepEqual(ids(set), ['default:configmap/a']);
    assert.ok(set.skipped.some((s) => s.file === 'env/patches/flux-patch.yaml' && /patch file named by \.flux\.yaml/.test(s.reason)));
  });
  it('a commandUpdated .flux.yaml names no patch file', () => {
    const set = load({ 'env/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators:\n  - command: x\n', 'env/flux-patch.yaml': cm('p') });
    assert.deepEqual(ids(set), ['default:configmap/p']);
    assert.deepEqual(set.errors, []);
  });
  it('a .flux.yaml that does not parse or breaks the schema is an error', () => {
    assert.equal(load({ 'env/.flux.yaml': 'version: 1\n\tbad', 'env/a.yaml': cm('a') }).errors[0]?.file, 'env/.flux.yaml');
    const set = load({ 'env/.flux.yaml': 'version: 2\npatchUpdated:\n  patchFile: 3\n', 'env/a.yaml': cm('a') });
    assert.deepEqual(ids(set), ['default:configmap/a']);
    assert.deepEqual(set.errors.map((e) => e.message), ['a .flux.yaml must have "version: 1"', 'patchUpdated.patchFile must be a non-empty string']);
  });
  it('a patchFile that leaves the repository is an error', () => {
    const set = load({ 'env/.flux.yaml': patchUpdated('../../x.yaml'), 'env/a.yaml': cm('a') });
    assert.match(set.errors[0]?.message ?? '', /leaves the repository/);
  });
  it('a planned .flux.yaml with no content is an error', () => {
    const set = load({ 'env/a.yaml': cm('a') }, { paths: ['env/.flux.yaml', 'env/a.yaml'] });
    assert.deepEqual(set.errors, [{ file: 'env/.flux.yaml', message: 'no content was read for this planned file' }]);
  });
});
