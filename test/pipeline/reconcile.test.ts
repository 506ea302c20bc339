import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { reconcile } from '../../shared/pipeline/reconcile.ts';
import { syncCluster } from '../../shared/pipeline/sync-cluster.ts';
import type { JobQueue, SyncJob } from '../../shared/pipeline/sync-job.ts';
import { syncJobSchema } from '../../shared/pipeline/sync-job.ts';
import { ensureNamespace, writeSyncState, type Clock } from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { memorySource } from '../support/memory-source.ts';
import { configMap, deployment, fakeEnvironment, fastClock, testConnector, testSettings, yamlDocs } from '../clusters/cluster-fixtures.ts';

function queue(): JobQueue & { jobs: SyncJob[] } {
  const jobs: SyncJob[] = [];
  return { jobs, async send(j) { jobs.push(syncJobSchema.parse(j)); } };
}

const FILES = {
  'development-configs/ns.yaml': yamlDocs({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }),
  'development-configs/web.yaml': yamlDocs(deployment('web', 'shop'), configMap('web', 'shop')),
};

describe('reconcile', () => {
  const names = ['weekly-46', 'weekly-47', 'weekly-48', 'weekly-49', 'weekly-50'];
  let fakes: KubeFake[];
  before(async () => { fakes = await Promise.all(names.map((name) => startKubeFake({ name }))); });
  after(() => Promise.all(fakes.map((f) => f.close())));

  it('sends a full job to new and behind clusters, a drift job to a cluster whose last full sync is old, and none to current or unreachable ones', async () => {
    const source = memorySource({ master: FILES });
    const old = source.head('master');
    source.commit('master', { ...FILES, 'development-configs/extra.yaml': yamlDocs(configMap('extra', 'shop')) });
    const head = source.head('master');
    const now = Date.parse('2026-03-01T12:00:00Z');
    const clock: Clock = { now: () => now, sleep: fastClock.sleep };
    const connector = testConnector();
    const env = fakeEnvironment(fakes);
    const write = async (i: number, revision: string, fullSyncAt: string) => {
      const conn = await connector.connect((await connector.discover(env))[i]!);
      await ensureNamespace(conn.client, 'gitops-system');
      await writeSyncState(conn.client, 'gitops-system', { environment: 'development', revision, syncedAt: fullSyncAt, fullSyncAt, inventory: [], errors: [], trimmed: undefined });
    };
    // weekly-46: no state (new); weekly-47: behind; weekly-48: current; weekly-49: current but last full sync 2 h ago; weekly-50: down.
    await write(1, old, '2026-03-01T11:50:00.000Z');
    await write(2, head, '2026-03-01T11:50:00.000Z');
    await write(3, head, '2026-03-01T10:00:00.000Z');
    await fakes[4]!.setDown(true);
    const q = queue();
    const r = await reconcile([env], { source, connector, queue: q, clock, log: memoryLogger(), settings: { driftIntervalMs: 60 * 60_000 } });
    await fakes[4]!.setDown(false);
    assert.deepEqual(r.clusters.map((c) => [c.cluster, c.decision]), [
      ['weekly-46', 'new'], ['weekly-47', 'behind'], ['weekly-48', 'current'], ['weekly-49', 'drift'], ['weekly-50', 'unreachable'],
    ]);
    assert.deepEqual(q.jobs.map((j) => [j.cluster, j.reason, j.full, j.revision]), [
      ['weekly-46', 'reconcile', true, head], ['weekly-47', 'reconcile', true, head], ['weekly-49', 'drift', true, head],
    ]);
    assert.deepEqual(r.errors, []);
  });

  it('gives a new weekly cluster everything: its reconcile job applies the whole environment', async () => {
    const fresh = await startKubeFake({ name: 'weekly-51' });
    try {
      const source = memorySource({ master: FILES });
      const env = fakeEnvironment([fresh], { name: 'newcomer' });
      const connector = testConnector();
      const q = queue();
      await reconcile([env], { source, connector, queue: q, clock: fastClock, log: memoryLogger(), settings: {} });
      assert.equal(q.jobs.length, 1);
      const job = q.jobs[0]!;
      const result = await syncCluster(env, job.cluster, { source, connector, clock: fastClock, log: memoryLogger(), settings: testSettings() }, { job });
      assert.equal(result.full, true);
      assert.equal(result.counts.applied, 3);
      assert.ok(fresh.get('apps/v1', 'Deployment', 'shop', 'web'));
      const q2 = queue();
      await reconcile([env], { source, connector, queue: q2, clock: fastClock, log: memoryLogger(), settings: {} });
      assert.deepEqual(q2.jobs, [], 'once synced, the cluster is current');
    } finally {
      await fresh.close();
    }
  });

  it('reports an environment whose branch cannot be resolved and carries on with the others', async () => {
    const source = memorySource({ master: FILES });
    const q = queue();
    const broken = fakeEnvironment([], { name: 'broken', branch: 'no-such-branch' });
    const r = await reconcile([broken, fakeEnvironment([fakes[2]!])], { source, connector: testConnector(), queue: q, clock: fastClock, log: memoryLogger(), settings: {} });
    assert.equal(r.errors[0]?.environment, 'broken');
    assert.equal(r.clusters.length, 1);
  });
});
