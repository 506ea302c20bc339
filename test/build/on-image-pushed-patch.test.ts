/**
 * A registry push to a patchUpdated environment (radix-flux 2019-2021) becomes one commit that rewrites only
 * the patch file, as Flux v1's commits did; the base manifests are never edited.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../shared/config/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { onImagePushed } from '../../shared/pipeline/on-image-pushed.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { makeRepo } from '../support/git-repo.ts';

const base = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: radix-operator
  namespace: default
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:master-*
spec:
  values:
    image:
      repository: radixdev.azurecr.io/radix-operator
      tag: master-stale
`;
const patch = (tag: string) => `---\napiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: radix-operator\n  namespace: default\nspec:\n  values:\n    image:\n      tag: ${tag}\n`;

test('an image push to a patchUpdated environment commits the rewritten flux-patch.yaml and nothing else', async () => {
  const repo = makeRepo({
    'development-configs/.flux.yaml': 'version: 1\npatchUpdated:\n  generators:\n  - command: kustomize build .\n  patchFile: flux-patch.yaml\n',
    'development-configs/kustomization.yaml': 'resources:\n- radix-operator.yaml\n',
    'development-configs/radix-operator.yaml': base,
    'development-configs/flux-patch.yaml': patch('master-2'),
  }, ['master', 'release']);
  const source = new LocalGitSource(repo.dir, { author: { name: 'serverless-gitops', email: 'gitops@example.com' } });
  const deps = { config: async () => DEFAULT_CONFIG, source, log: memoryLogger(), sleep: async () => {} };
  const r = await onImagePushed({ id: 'e1', registry: 'radixdev.azurecr.io', repository: 'radix-operator', tag: 'master-3', digest: `sha256:${'a'.repeat(64)}`, pushedAt: new Date() }, deps);
  assert.equal(r.kind, 'released');
  assert.equal(repo.git('log', '-1', '--format=%s', 'master'), 'Auto-release radixdev.azurecr.io/radix-operator:master-3');
  assert.equal(repo.git('diff', '--name-only', 'master~1', 'master'), 'development-configs/flux-patch.yaml');
  assert.equal(repo.show('master', 'development-configs/flux-patch.yaml'), patch('master-3'));
  assert.equal(repo.show('master', 'development-configs/radix-operator.yaml'), base);
});
