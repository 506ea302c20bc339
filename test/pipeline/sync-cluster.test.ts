import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { syncCluster, type SyncClusterDeps } from '../../shared/pipeline/sync-cluster.ts';
import { SYNC_STEPS, type SyncStep } from '../../shared/pipeline/sync-steps.ts';
import type { SyncJob } from '../../shared/pipeline/sync-job.ts';
import { readSyncState, type ClusterConnector } from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { memorySource, memoryStatus, type MemorySource } from '../support/memory-source.ts';
import { configMap, deployment, fakeEnvironment, fastClock, testConnector, testSettings, yamlDocs } from '../clusters/cluster-fixtures.ts';

function files(version: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'development-configs/namespace.yaml': yamlDocs({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }),
    'development-configs/web.yaml': yamlDocs(deployment('web', 'shop', `nginx:${version}`), configMap('web-config', 'shop', { version })),
    'development-configs/other.yaml': yamlDocs(configMap('static', undefined, { fixed: 'yes' })),
    'README.md': 'not a manifest',
    ...extra,
  };
}

function deps(source: MemorySource, connector: ClusterConnector, extra: Partial<SyncClusterDeps> = {}) {
  const status = memoryStatus();
  const log = memoryLogger();
  return { status, log, deps: { source, connector, clock: fastClock, log, status, settings: testSettings(), ...extra } satisfies SyncClusterDeps };
}

const job = (revision: string, extra: Partial<SyncJob> = {}): SyncJob => ({ v: 1, environment: 'development', cluster: 'weekly-1', reason: 'push', revision, full: false, changed: [], removed: [], ...extra });
const appliesTo = (fake: KubeFake, fragment: string) => Object.entries(fake.requestCount().byVerbAndPath).filter(([k]) => k.startsWith('apply ') && k.includes(fragment)).reduce((n, [, v]) => n + v, 0);

describe('syncCluster against the Kubernetes API fake', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake({ name: 'weekly-1' }); });
  after(() => fake.close());

  it('applies HEAD on a first (full) sync, records the state, reports its result (no pending status for a sync this short), then finds the next sync up to date', async () => {
    const source = memorySource({ master: files('1.0') });
    const env = fakeEnvironment([fake], { name: 'development' });
    const { deps: d, status } = deps(source, testConnector());
    const r = await syncCluster(env, 'weekly-1', d);
    assert.equal(r.outcome, 'synced', r.description);
    assert.equal(r.full, true);
    assert.deepEqual(r.counts, { applied: 4, created: 4, configured: 0, unchanged: 0, failed: 0, pruned: 0, renderErrors: 0 });
    assert.equal(r.revision, source.head('master'));
    assert.equal(fake.get('apps/v1', 'Deployment', 'shop', 'web')?.spec.template.spec.containers[0].image, 'nginx:1.0');
    const state = await readSyncState((await d.connector.connect((await d.connector.discover(env))[0]!)).client, 'gitops-system', 'development');
    assert.equal(state?.revision, source.head('master'));
    assert.equal(state?.inventory.length, 4);
    assert.deepEqual(status.statuses.map((s) => [s.context, s.state]), [['gitops/development/weekly-1', 'success']]);
    assert.equal(status.statuses[0]!.description, 'weekly-1: 4 applied (4 new)');
    assert.equal(fake.get('coordination.k8s.io/v1', 'Lease', 'gitops-system', 'gitops-development')?.spec.holderIdentity, undefined, 'the lease is released');

    fake.resetCounts();
    const again = await syncCluster(env, 'weekly-1', d);
    assert.equal(again.outcome, 'up-to-date');
    assert.equal(fake.requestCount().byVerb.apply ?? 0, 0, 'nothing is applied, not even the state namespace (it exists)');
  });

  it('tells the commit it is syncing once the sync has run pendingStatusAfterMs, and then its result', async () => {
    const source = memorySource({ master: files('3.0') });
    const env = fakeEnvironment([fake], { name: 'development' });
    const seen = memoryStatus();
    let pendingSent!: () => void;
    const pending = new Promise<void>((resolve) => { pendingSent = resolve; });
    const status = { statuses: seen.statuses, setStatus: async (...a: Parameters<typeof seen.setStatus>) => { await seen.setStatus(...a); if (a[1].state === 'pending') pendingSent(); } };
    const { deps: d } = deps(source, testConnector(), { status, settings: testSettings({ pendingStatusAfterMs: 5 }) });
    // The apply waits until the pending status is out: a sync that outlasts the delay.
    const slow: SyncStep = { name: 'slow', run: async () => { await pending; return undefined; } };
    const at = SYNC_STEPS.findIndex((s) => s.name === 'apply');
    const r = await syncCluster(env, 'weekly-1', d, {}, [...SYNC_STEPS.slice(0, at), slow, ...SYNC_STEPS.slice(at)]);
    assert.equal(r.outcome, 'synced', r.description);
    assert.deepEqual(seen.statuses.map((s) => [s.state, s.description]), [['pending', `weekly-1: syncing ${r.revision!.slice(0, 7)}`], ['success', r.description]]);
  });

  it('with pendingStatusAfterMs 0 tells the commit it is syncing at once', async () => {
    const source = memorySource({ master: files('3.1') });
    const env = fakeEnvironment([fake], { name: 'development' });
    const { deps: d, status } = deps(source, testConnector(), { settings: testSettings({ pendingStatusAfterMs: 0 }) });
    const r = await syncCluster(env, 'weekly-1', d);
    assert.equal(r.outcome, 'synced', r.description);
    assert.deepEqual(status.statuses.map((s) => s.state), ['pending', 'success']);
  });

  it('runs its steps in order, and a step added to the list can end the sync before anything is applied', async () => {
    const source = memorySource({ master: files('1.0') });
    const env = fakeEnvironment([fake], { name: 'extra-step' });
    const { deps: d, log } = deps(source, testConnector());
    const seen: string[] = [];
    fake.resetCounts();
    // What a suspend check would be: after state+HEAD, before build.
    const suspended: SyncStep = { name: 'suspended', run: async () => ({ outcome: 'up-to-date' }) };
    const steps = SYNC_STEPS.flatMap((s) => (s.name === 'build' ? [suspended, s] : [s])).map((s): SyncStep => ({ name: s.name, run: (run) => (seen.push(s.name), s.run(run)) }));
    const r = await syncCluster(env, 'weekly-1', d, {}, steps);
    assert.deepEqual(seen, ['connect', 'lease', 'state+HEAD', 'pending status', 'suspended']);
    assert.equal(r.outcome, 'up-to-date');
    assert.equal(appliesTo(fake, '/namespaces/shop/'), 0, 'nothing applied');
    assert.equal(log.entries.filter((e) => e.event === 'sync.done').length, 1, 'sync.done is logged once');
  });

  it('applies only the objects whose content changed since the inventory', async () => {
    const source = memorySource({ master: files('1.0') });
    const env = fakeEnvironment([fake], { name: 'incremental' });
    const { deps: d } = deps(source, testConnector());
    await syncCluster(env, 'weekly-1', d);
    source.commit('master', files('1.1'));
    fake.resetCounts();
    const r = await syncCluster(env, 'weekly-1', d, { job: job(source.head('master')) });
    assert.equal(r.full, false);
    assert.deepEqual([r.counts.applied, r.counts.unchanged], [2, 2]);
    assert.equal(appliesTo(fake, '/deployments/web'), 1);
    assert.equal(appliesTo(fake, '/configmaps/static'), 0);
    fake.resetCounts();
    const full = await syncCluster(env, 'weekly-1', d, { job: job(source.head('master'), { full: true }) });
    assert.equal(fake.requestCount().byVerb.apply, 4 + 1, 'a full sync sends every object (and the state)');
    assert.deepEqual([full.counts.applied, full.counts.unchanged], [0, 4], 'the server changed none of them: the answer\'s resourceVersion is the one recorded');
    assert.equal(full.description, 'weekly-1: 4 unchanged');
  });

  it('applies HEAD for a late job naming an old commit: the cluster never rolls back and nothing changes', async () => {
    const source = memorySource({ master: files('1.0') });
    const old = source.head('master');
    source.commit('master', files('2.0'));
    const env = fakeEnvironment([fake], { name: 'late' });
    const { deps: d } = deps(source, testConnector());
    const first = await syncCluster(env, 'weekly-1', d, { job: job(source.head('master')) });
    assert.equal(first.revision, source.head('master'));
    fake.resetCounts();
    const late = await syncCluster(env, 'weekly-1', d, { job: job(old) });
    assert.equal(late.outcome, 'up-to-date');
    assert.equal(late.revision, source.head('master'));
    assert.equal(appliesTo(fake, '/deployments/web'), 0);
    assert.equal(fake.get('apps/v1', 'Deployment', 'shop', 'web')?.spec.template.spec.containers[0].image, 'nginx:2.0');
  });

  it('reports a failed object by id with the API server\'s message, applies the rest, and retries it on the next sync', async () => {
    const source = memorySource({ master: files('1.0', { 'development-configs/broken.yaml': yamlDocs(deployment('bad', 'shop', 'nginx', { replicas: 'three' })) }) });
    const env = fakeEnvironment([fake], { name: 'failing' });
    const { deps: d, status } = deps(source, testConnector());
    const r = await syncCluster(env, 'weekly-1', d);
    assert.equal(r.counts.applied, 4);
    assert.equal(r.counts.failed, 1);
    assert.match(r.description, /^weekly-1: 4 applied, 1 failed \(shop:deployment\/bad: 422 Invalid: .*replicas/);
    assert.equal(status.statuses.at(-1)?.state, 'failure');
    assert.ok(r.description.length <= 140);
    const again = await syncCluster(env, 'weekly-1', d);
    assert.equal(again.outcome, 'synced', 'a state with errors is not up to date');
    assert.deepEqual(again.objects.filter((o) => o.action !== 'unchanged').map((o) => o.id), ['shop:deployment/bad']);
  });

  it('fails as retryable when an object still fails with a transient error after the client\'s retries, and the next attempt applies it', async () => {
    const source = memorySource({ master: files('1.0') });
    const env = fakeEnvironment([fake], { name: 'transient' });
    const { deps: d } = deps(source, testConnector(), { settings: testSettings({ concurrency: 1 }) });
    fake.setFaults({ errorTimes: 3, errorStatus: 503, methods: ['PATCH'] }); // the first object's 3 attempts
    const r = await syncCluster(env, 'weekly-1', d);
    fake.setFaults({});
    assert.equal(r.outcome, 'failed');
    assert.equal(r.retryable, true);
    assert.match(r.description, /^weekly-1: sync failed: 1 object\(s\) failed with transient errors, retrying \(<cluster>:namespace\/shop: 503/);
    const again = await syncCluster(env, 'weekly-1', d);
    assert.equal(again.outcome, 'synced');
    assert.deepEqual(again.objects.filter((o) => o.action === 'applied').map((o) => o.id), ['<cluster>:namespace/shop']);
  });

  it('performs a dry run without storing objects, state or lease', async () => {
    const source = memorySource({ master: files('1.0') });
    const env = fakeEnvironment([fake], { name: 'dry' });
    const { deps: d, status } = deps(source, testConnector());
    const r = await syncCluster(env, 'weekly-1', d, { dryRun: true });
    assert.equal(r.counts.applied, 4, JSON.stringify(r.objects));
    assert.match(r.description, /^\[dry run\] weekly-1: 4 applied/);
    assert.equal(fake.get('coordination.k8s.io/v1', 'Lease', 'gitops-system', 'gitops-dry'), undefined);
    assert.equal(fake.get('v1', 'ConfigMap', 'gitops-system', 'gitops-dry'), undefined);
    assert.equal(status.statuses.length, 0);
  });
});

describe('syncCluster with several workers and clusters', () => {
  it('lets only one of two workers on one cluster apply: the other gives up cleanly', async () => {
    const fake = await startKubeFake({ name: 'weekly-1', latencyMs: 15 });
    try {
      const source = memorySource({ master: files('1.0') });
      const env = fakeEnvironment([fake], { name: 'contended' });
      const connector = testConnector();
      const one = deps(source, connector, { settings: testSettings({ holderIdentity: 'worker-1' }) });
      const two = deps(source, connector, { settings: testSettings({ holderIdentity: 'worker-2' }) });
      const results = await Promise.all([syncCluster(env, 'weekly-1', one.deps), syncCluster(env, 'weekly-1', two.deps)]);
      assert.deepEqual(results.map((r) => r.outcome).sort(), ['lease-held', 'synced']);
      const held = results.find((r) => r.outcome === 'lease-held')!;
      assert.equal(held.skippedBecauseLeaseHeld, true);
      assert.match(held.leaseHolder ?? '', /^worker-[12]$/);
      assert.equal(appliesTo(fake, '/deployments/web'), 1, 'the object was applied once');
    } finally {
      await fake.close();
    }
  });

  it('lets a second worker wait for the lease and then apply nothing, since HEAD is already applied', async () => {
    const fake = await startKubeFake({ name: 'weekly-1', latencyMs: 10 });
    try {
      const source = memorySource({ master: files('1.0') });
      const env = fakeEnvironment([fake], { name: 'waiting' });
      const connector = testConnector();
      const one = deps(source, connector, { settings: testSettings({ holderIdentity: 'worker-1' }) });
      const two = deps(source, connector, { settings: testSettings({ holderIdentity: 'worker-2', leaseWaitMs: 10_000 }) });
      // The second worker starts once the first holds the lease (an event, not a guess at how long that takes).
      let leased!: () => void;
      const holding = new Promise<void>((resolve) => { leased = resolve; });
      const steps = SYNC_STEPS.map((s): SyncStep => (s.name === 'lease' ? { name: s.name, run: async (run) => { const end = await s.run(run); leased(); return end; } } : s));
      const first = syncCluster(env, 'weekly-1', one.deps, {}, steps);
      await holding;
      const results = await Promise.all([first, syncCluster(env, 'weekly-1', two.deps)]);
      assert.deepEqual(results.map((r) => r.outcome), ['synced', 'up-to-date']);
      assert.equal(appliesTo(fake, '/deployments/web'), 1);
    } finally {
      await fake.close();
    }
  });

  it('applies to two clusters while a third is down, and reports the down one as a retryable failure', async () => {
    const fakes = await Promise.all(['weekly-1', 'weekly-2', 'weekly-3'].map((name) => startKubeFake({ name })));
    try {
      await fakes[1]!.setDown(true);
      const source = memorySource({ master: files('1.0') });
      const env = fakeEnvironment(fakes, { name: 'fanout' });
      const { deps: d, status } = deps(source, testConnector());
      const results = await Promise.all(fakes.map((f) => syncCluster(env, f.name, d)));
      assert.deepEqual(results.map((r) => r.outcome), ['synced', 'failed', 'synced']);
      assert.equal(results[1]!.retryable, true);
      assert.match(results[1]!.description, /^weekly-2: sync failed: cannot reach the API server: .*ECONNREFUSED/);
      assert.ok(status.statuses.some((s) => s.state === 'failure' && s.description.startsWith('weekly-2')));
      assert.ok(fakes[0]!.get('apps/v1', 'Deployment', 'shop', 'web'));
      assert.ok(fakes[2]!.get('apps/v1', 'Deployment', 'shop', 'web'));
      await fakes[1]!.setDown(false);
      const retried = await syncCluster(env, 'weekly-2', d);
      assert.equal(retried.outcome, 'synced');
    } finally {
      await Promise.all(fakes.map((f) => f.close()));
    }
  });

  it('fails clearly for a cluster the environment does not select', async () => {
    const source = memorySource({ master: files('1.0') });
    const { deps: d } = deps(source, testConnector());
    const r = await syncCluster(fakeEnvironment([]), 'weekly-9', d);
    assert.equal(r.outcome, 'failed');
    assert.equal(r.retryable, false);
    assert.match(r.description, /cluster weekly-9 is not among the clusters environment development selects/);
  });
});
