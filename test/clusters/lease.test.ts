import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acquireLease, ensureNamespace, microTime, type ClusterConnection, type LeaseOptions } from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { fakeEnvironment, fastClock, testConnector } from './cluster-fixtures.ts';

const NS = 'gitops-system';

describe('the environment lease on a cluster', () => {
  let fake: KubeFake;
  let conn: ClusterConnection;
  before(async () => {
    fake = await startKubeFake({ name: 'lease' });
    const connector = testConnector();
    const [target] = await connector.discover(fakeEnvironment([fake]));
    conn = await connector.connect(target!);
    await ensureNamespace(conn.client, NS);
  });
  after(() => fake.close());

  const opts = (environment: string, holder: string, extra: Partial<LeaseOptions> = {}): LeaseOptions => ({ namespace: NS, environment, holder, clock: fastClock, pollMs: 10, ...extra });

  it('lets exactly one of many simultaneous workers take a free lease (resourceVersion compare-and-swap)', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease(conn.client, opts('race', `w${i}`))));
    const winners = results.filter((r) => r.status === 'acquired');
    assert.equal(winners.length, 1);
    const lease = fake.get('coordination.k8s.io/v1', 'Lease', NS, 'gitops-race')!;
    assert.equal(results.filter((r) => r.status === 'held').every((r) => r.status === 'held' && r.holder === lease.spec.holderIdentity), true);
    assert.equal(lease.spec.leaseDurationSeconds, 300);
  });

  it('makes a second worker give up cleanly when it may not wait, naming the holder', async () => {
    const first = await acquireLease(conn.client, opts('busy', 'first'));
    assert.equal(first.status, 'acquired');
    const second = await acquireLease(conn.client, opts('busy', 'second'));
    assert.equal(second.status, 'held');
    assert.equal(second.status === 'held' && second.holder, 'first');
  });

  it('makes a second worker wait (bounded) and take the lease once the first releases it', async () => {
    const first = await acquireLease(conn.client, opts('handover', 'first'));
    assert.equal(first.status, 'acquired');
    const waiting = acquireLease(conn.client, opts('handover', 'second', { waitMs: 5000 }));
    await new Promise((r) => setTimeout(r, 50));
    if (first.status === 'acquired') await first.lease.release();
    const second = await waiting;
    assert.equal(second.status, 'acquired');
    assert.equal(fake.get('coordination.k8s.io/v1', 'Lease', NS, 'gitops-handover')?.spec.holderIdentity, 'second');
  });

  it('honours a written lease only up to the configured duration: a 2-billion-second lease lapses after 300 s', async () => {
    const written = Date.now();
    fake.put({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gitops-locked', namespace: NS }, spec: { holderIdentity: 'attacker', leaseDurationSeconds: 2_000_000_000, renewTime: microTime(written) } });
    let now = written + 60_000;
    const clock = { now: () => now, sleep: fastClock.sleep };
    const early = await acquireLease(conn.client, opts('locked', 'worker', { clock }));
    assert.deepEqual(early.status === 'held' && [early.holder, early.expiresAt], ['attacker', new Date(written + 300_000).toISOString()], 'held, but only until the configured 300 s');
    now = written + 301_000;
    const later = await acquireLease(conn.client, opts('locked', 'worker', { clock }));
    assert.equal(later.status, 'acquired');
    assert.equal(fake.get('coordination.k8s.io/v1', 'Lease', NS, 'gitops-locked')?.spec.leaseDurationSeconds, 300);
  });

  it('treats a lease renewed in the future (beyond clock skew) as void', async () => {
    const now = Date.now();
    fake.put({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gitops-future', namespace: NS }, spec: { holderIdentity: 'attacker', leaseDurationSeconds: 60, renewTime: microTime(now + 365 * 86_400_000) } });
    const r = await acquireLease(conn.client, opts('future', 'worker', { clock: { now: () => now, sleep: fastClock.sleep } }));
    assert.equal(r.status, 'acquired');
  });

  it('takes over an expired lease and counts the transition', async () => {
    const long = Date.now() - 10 * 60_000;
    fake.put({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gitops-stale', namespace: NS }, spec: { holderIdentity: 'crashed-worker', leaseDurationSeconds: 60, renewTime: microTime(long), leaseTransitions: 2 } });
    const r = await acquireLease(conn.client, opts('stale', 'fresh'));
    assert.equal(r.status, 'acquired');
    const lease = fake.get('coordination.k8s.io/v1', 'Lease', NS, 'gitops-stale')!;
    assert.equal(lease.spec.holderIdentity, 'fresh');
    assert.equal(lease.spec.leaseTransitions, 3);
  });

  it('lets exactly one of many simultaneous workers take over an expired lease', async () => {
    fake.put({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gitops-expired-race', namespace: NS }, spec: { holderIdentity: 'gone', leaseDurationSeconds: 1, renewTime: microTime(Date.now() - 60_000) } });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease(conn.client, opts('expired-race', `w${i}`))));
    assert.equal(results.filter((r) => r.status === 'acquired').length, 1);
  });

  it('refuses a renewal once another worker has taken the lease', async () => {
    const r = await acquireLease(conn.client, opts('overrun', 'slow', { durationSeconds: 1 }));
    assert.equal(r.status, 'acquired');
    await new Promise((res) => setTimeout(res, 1100));
    const thief = await acquireLease(conn.client, opts('overrun', 'other'));
    assert.equal(thief.status, 'acquired');
    await assert.rejects(r.status === 'acquired' ? r.lease.renew() : Promise.resolve(), /lost the lease/);
  });
});
