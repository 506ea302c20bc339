import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SEED_ENVIRONMENTS } from '../../shared/config/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { syncCluster } from '../../shared/pipeline/sync-cluster.ts';
import { GC_MARK_LABEL, gcMark, syncSetName } from '../../shared/clusters/index.ts';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';
import { startKubeFake } from '../support/kube-fake/index.ts';
import { memorySource, memoryStatus, readTree } from '../support/memory-source.ts';
import { fastClock, GIT_URL, testConnector, testSettings } from '../clusters/cluster-fixtures.ts';

/** A CRD that keeps every field (as helm-operator's and velero's schemas effectively do for values/spec). */
function openCrd(group: string, kind: string, plural: string): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${group}` },
    spec: {
      group, scope: 'Namespaced', names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

describe('a Flux-era environment from the radix-flux corpus', () => {
  it('applies development-configs at dcceda6a2 as Flux v1 built it (kustomization, flux-patch.yaml), with Flux v1 marks', { skip: skipWithoutCorpus() }, async () => {
    const root = path.join(corpusDir()!, 'dcceda6a2');
    const source = memorySource({ master: await readTree(root, path.join(root, 'development-configs')) });
    const fake = await startKubeFake({ name: 'weekly-46' });
    try {
      fake.put(openCrd('helm.fluxcd.io', 'HelmRelease', 'helmreleases'));
      fake.put(openCrd('velero.io', 'Schedule', 'schedules'));
      for (const ns of ['aad-pod-identity', 'cert-manager', 'dynatrace', 'radix-cicd-canary', 'radix-cost-allocation', 'velero']) {
        fake.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      }
      // What radix-flux's generator read: the cluster's ConfigMap radix-platform-config, key platform.
      fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'radix-platform-config', namespace: 'default' }, data: { platform: 'clusterName: weekly-46\ndnsZone: dev.radix.equinor.com\n' } });
      const env = {
        ...SEED_ENVIRONMENTS[0]!, clusters: { static: [{ name: 'weekly-46', server: fake.url, auth: 'none' as const }] },
        variables: { configMap: { namespace: 'default', name: 'radix-platform-config', key: 'platform' } },
      };
      const status = memoryStatus();
      const r = await syncCluster(env, 'weekly-46', { source, connector: testConnector(), clock: fastClock, log: memoryLogger(), status, settings: testSettings() });
      assert.deepEqual(r.objects.filter((o) => o.action !== 'applied'), []);
      // kustomization.yaml leaves out cgroup-garbagecollector.yaml (3 objects) and aad-pod-identity.yaml
      assert.equal(r.counts.applied, 18);
      assert.equal(r.description, 'weekly-46: 18 applied (18 new)');
      const operator = fake.get('helm.fluxcd.io/v1', 'HelmRelease', 'default', 'radix-operator')!;
      assert.equal(operator.spec.values.activeClusterName, 'weekly-40');
      assert.equal(operator.spec.values.image.tag, 'master-1c7489ffa1c70a023bc30e0d68c3e1f2099da0c3', 'the tag in flux-patch.yaml');
      assert.equal(operator.spec.values.app.limitrange.default.memory, '1500Mi');
      assert.equal(operator.metadata.annotations['filter.fluxcd.io/chart-image'], 'glob:master-*');
      const set = syncSetName(GIT_URL, 'master', ['development-configs']);
      assert.equal(operator.metadata.labels[GC_MARK_LABEL], gcMark(set, 'default:helmrelease/radix-operator'));
      assert.ok(fake.get('velero.io/v1', 'Schedule', 'velero', 'all-hourly'));
      const dns = fake.get('helm.fluxcd.io/v1', 'HelmRelease', 'default', 'external-dns')!;
      assert.equal(dns.spec.values.txtOwnerId, 'weekly-46');
      assert.deepEqual(dns.spec.values.domainFilters, ['dev.radix.equinor.com']);
      assert.equal(fake.get('apps/v1', 'DaemonSet', 'cgroup-garbagecollector', 'systemd-cgroup-gc'), undefined);
      assert.ok(fake.get('apps/v1', 'DaemonSet', 'kube-system', 'blobfuse-flexvol-installer'));
    } finally {
      await fake.close();
    }
  });
});
