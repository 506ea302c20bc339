/**
 * The cluster scenarios at a given scale: `cluster.test.ts` runs them small in `npm test`,
 * `cluster.heavy.ts` at full scale in `npm run test:heavy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateAndLatePushes, pushesUnderFaults, unreachableCluster } from './cluster-scenarios.ts';

export interface ClusterScale { clusters: number; faultEvents: number; faultClusters: number }

export function clusterTests(s: ClusterScale): void {
  test(`the same push delivered 3 times and an older push delivered late change no object and leave each of ${s.clusters} clusters at HEAD`, async () => {
    const r = await duplicateAndLatePushes({ clusters: s.clusters });
    assert.ok(r.push_effect > 0, 'the control: the push itself changed objects');
    const [redelivery, copy] = r.duplicate_deliveries;
    assert.deepEqual(redelivery, { status: 200, duplicate: true }, 'GitHub\'s redelivery (same id) is a duplicate');
    // A copy with a new delivery id is either accepted (jobs to every cluster, which apply HEAD and change
    // nothing) or recognised as the same push (200 duplicate, no jobs).
    assert.ok((copy?.status === 202 && !copy.duplicate && r.duplicate_jobs === s.clusters) || (copy?.status === 200 && copy.duplicate && r.duplicate_jobs === 0), JSON.stringify({ copy, jobs: r.duplicate_jobs }));
    assert.equal(r.duplicate_applies_effect, 0);
    assert.ok(r.late_push_jobs === s.clusters || r.late_push_jobs === 0, `late push: ${r.late_push_jobs} jobs (every cluster, or none when recognised as handled)`);
    assert.equal(r.late_push_effect, 0);
    assert.equal(r.rollbacks_from_late_push, 0);
    assert.equal(r.final_state_correct, true);
  });

  test(`${s.faultEvents} pushes while a tenth of Kubernetes and GitHub requests fail converge at HEAD on every cluster, no event lost`, async () => {
    const r = await pushesUnderFaults({ events: s.faultEvents, clusters: s.faultClusters, faultRate: 0.1, seed: 7 });
    assert.equal(r.events, s.faultEvents);
    assert.ok(r.github.faults > 0 && r.kube.requests > 0, JSON.stringify(r));
    assert.equal(r.events_lost, 0, JSON.stringify(r));
    assert.equal(r.clusters_off_head, 0, JSON.stringify(r));
    assert.equal(r.final_state_correct, true);
  });

  test(`one cluster of ${s.clusters} unreachable: the others sync, it is reported failing and retried from the queue, then applied once back`, async () => {
    const r = await unreachableCluster({ clusters: s.clusters });
    assert.equal(r.other_clusters_synced, s.clusters - 1);
    assert.equal(r.failing_cluster_reported, true);
    assert.ok(r.failing_cluster_attempts >= 2, `${r.failing_cluster_attempts} attempts`);
    assert.equal(r.failing_cluster_retried, true);
    assert.equal(r.failing_cluster_applied_after_return, true);
    assert.equal(r.poisoned, 0);
  });
}
