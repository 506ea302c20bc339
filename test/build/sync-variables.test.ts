/**
 * A patch-era environment (radix-flux 2019-2021: `.flux.yaml` patchUpdated, a git-ignored radix-patch.yaml
 * written by a generator script, flux-patch.yaml) synced to the Kubernetes fake, with the per-cluster variables
 * read from a ConfigMap in that cluster.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { syncCluster, type SyncClusterDeps } from '../../shared/pipeline/sync-cluster.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { memorySource, memoryStatus } from '../support/memory-source.ts';
import { configMap, deployment, fakeEnvironment, fastClock, testConnector, testSettings, yamlDocs } from '../clusters/cluster-fixtures.ts';

const files = {
  'development-configs/.flux.yaml': [
    'version: 1', 'patchUpdated:', '  generators:',
    '    - command: ../update_radix_patch.sh "$PWD/dns.yaml" ./radix-patch.yaml',
    '    - command: kustomize build .', '  patchFile: ./flux-patch.yaml', '',
  ].join('\n'),
  'development-configs/kustomization.yaml': 'resources:\n- ./dns.yaml\n- ./web.yaml\npatchesStrategicMerge:\n- ./radix-patch.yaml\n',
  'development-configs/dns.yaml': yamlDocs(configMap('external-dns', 'default', { txtOwnerId: '${clusterName}', domain: '${dnsZone}', script: 'echo ${count}' })),
  'development-configs/web.yaml': yamlDocs(deployment('web', 'default', 'radixdev.azurecr.io/web:master-stale')),
  'development-configs/not-in-kustomization.yaml': yamlDocs(configMap('stray', 'default')),
  'development-configs/flux-patch.yaml': '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  template:\n    spec:\n      $setElementOrder/containers:\n      - name: web\n      containers:\n      - image: radixdev.azurecr.io/web:master-current\n        name: web\n',
};
const variables = { configMap: { namespace: 'default', name: 'radix-platform-config', key: 'platform' } };

function deps(): { deps: SyncClusterDeps; status: ReturnType<typeof memoryStatus> } {
  const status = memoryStatus();
  const source = memorySource({ master: files });
  return { status, deps: { source, connector: testConnector(), clock: fastClock, log: memoryLogger(), status, settings: testSettings() } };
}

describe('syncing a patchUpdated environment with per-cluster variables', () => {
  let withConfig: KubeFake;
  let without: KubeFake;
  before(async () => {
    withConfig = await startKubeFake({ name: 'weekly-46' });
    without = await startKubeFake({ name: 'weekly-47' });
    withConfig.put(configMap('radix-platform-config', 'default', { platform: 'clusterName: weekly-46\ndnsZone: dev.radix.equinor.com\n' }));
  });
  after(async () => {
    await withConfig.close();
    await without.close();
  });

  it('applies what Flux v1 and its generators applied: the kustomization\'s objects, the cluster\'s variables, the patch file\'s image', async () => {
    const { deps: d, status } = deps();
    const r = await syncCluster(fakeEnvironment([withConfig], { variables }), 'weekly-46', d);
    assert.equal(r.outcome, 'synced', r.description);
    assert.deepEqual(r.renderErrors, []);
    const dns = withConfig.get('v1', 'ConfigMap', 'default', 'external-dns');
    assert.deepEqual(dns?.data, { txtOwnerId: 'weekly-46', domain: 'dev.radix.equinor.com', script: 'echo ${count}' });
    assert.equal(withConfig.get('apps/v1', 'Deployment', 'default', 'web')?.spec.template.spec.containers[0].image, 'radixdev.azurecr.io/web:master-current');
    assert.equal(withConfig.get('v1', 'ConfigMap', 'default', 'stray'), undefined, 'a file the kustomization leaves out is never applied');
    assert.equal(status.statuses.at(-1)?.state, 'success');
  });

  it('fails the sync of a cluster without the ConfigMap, with a status naming it, and applies nothing', async () => {
    const { deps: d, status } = deps();
    const r = await syncCluster(fakeEnvironment([without], { variables }), 'weekly-47', d);
    assert.equal(r.outcome, 'failed');
    assert.match(r.description, /ConfigMap default\/radix-platform-config key platform does not exist in cluster weekly-47/);
    assert.equal(status.statuses.at(-1)?.state, 'failure');
    assert.match(status.statuses.at(-1)?.description ?? '', /radix-platform-config/);
    assert.equal(without.get('apps/v1', 'Deployment', 'default', 'web'), undefined);
  });

  it('refuses the environment when no variables source replaces what the not-run generator templated', async () => {
    const { deps: d } = deps();
    const r = await syncCluster(fakeEnvironment([without], { name: 'no-vars' }), 'weekly-47', d);
    assert.equal(r.outcome, 'failed');
    assert.match(r.description, /no-vars is refused as a whole, nothing applied/);
    assert.match(r.error ?? '', /development-configs\/\.flux\.yaml:4: not run: `\.\.\/update_radix_patch\.sh/);
    assert.match(r.error ?? '', /no variables source replaces its templating; name the ConfigMap it read in gitops\.yaml \(environments\.no-vars\.variables\.configMap\)/);
    assert.equal(without.get('v1', 'ConfigMap', 'default', 'external-dns'), undefined);
  });
});
