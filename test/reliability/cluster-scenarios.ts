/**
 * The cluster half of the reliability suite, through the pipeline as deployed (cluster-harness.ts: signed
 * webhook → githubWebhook → MemoryJobQueue → syncJob → syncCluster, against Kubernetes fakes):
 *
 * - duplicates and a late push: the newest push delivered 3 times (the original, GitHub's redelivery with
 *   the same delivery id, a copy with a new id), then an older push delivered after it. Nothing the
 *   duplicates or the late push trigger may change an object (resourceVersions compared before and after),
 *   and every cluster stays at HEAD.
 * - faults: about 10% of Kubernetes requests (5xx, resets, 429) and of GitHub requests (5xx, resets, 429 with
 *   rate-limit headers, answers lost after the write) fail while pushes arrive; webhook deliveries that fail
 *   are delivered again (bounded), failed jobs are retried by the queue (bounded). No event may be lost and
 *   every cluster must end at HEAD with HEAD's content.
 * - one cluster of ten unreachable: the nine others sync, the tenth's job fails with a status naming the
 *   cluster and is retried by the queue until the cluster is back, then applied.
 */
import type { WebhookDelivery } from '../support/github-fake/index.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { appFiles, bootstrap, bump, changedObjects, clusterState, clustersOffHead, fastRig, RIG_REPO } from './cluster-harness.ts';
import { faultyFetch } from './fault-fetch.ts';

export interface DuplicateFigures {
  clusters: number;
  /** Objects changed by the newest push itself (3 Deployments and the state per cluster): the control. */
  push_effect: number;
  /** Objects changed by the 2 extra deliveries of the newest push. */
  duplicate_applies_effect: number;
  duplicate_deliveries: { status: number; duplicate: boolean }[];
  duplicate_jobs: number;
  /** Objects changed by the older push delivered after the newer one. */
  late_push_effect: number;
  /** Clusters not at HEAD (content or state) after the late push. */
  rollbacks_from_late_push: number;
  late_push_jobs: number;
  final_state_correct: boolean;
  ms: number;
}

export async function duplicateAndLatePushes(o: { clusters?: number; apps?: number } = {}): Promise<DuplicateFigures> {
  const clusters = o.clusters ?? 10;
  const apps = o.apps ?? 10;
  const t0 = performance.now();
  const rig = await fastRig({ clusters, files: appFiles(apps) });
  try {
    await bootstrap(rig);
    const older = await rig.commit(bump([0, 1, 2], 'master-2'), 'older push');
    await rig.deliver(older.delivery);
    await rig.settle();
    const afterOlder = await clusterState(rig, apps);
    // A push GitHub delivers only after a newer one: its first delivery comes last.
    const stale = await rig.commit(bump([6, 7], 'master-2'), 'late push');
    const newer = await rig.commit(bump([3, 4, 5], 'master-2'), 'newer push');
    await rig.deliver(newer.delivery);
    await rig.settle();
    const before = await clusterState(rig, apps);

    let jobs = rig.jobs.length;
    const dup = await Promise.all([rig.deliver(newer.delivery), rig.deliver(newer.delivery, { newId: true })]);
    await rig.settle();
    const duplicateJobs = rig.jobs.length - jobs;
    const afterDup = await clusterState(rig, apps);

    jobs = rig.jobs.length;
    const late = await rig.deliver(stale.delivery);
    if (late.status !== 202) throw new Error(`the late push was answered ${late.status}`);
    await rig.settle();
    const lateJobs = rig.jobs.length - jobs;
    const afterLate = await clusterState(rig, apps);
    const off = await clustersOffHead(rig, afterLate, apps, newer.sha);
    return {
      clusters,
      push_effect: changedObjects(afterOlder, before).length,
      duplicate_applies_effect: changedObjects(before, afterDup).length,
      duplicate_deliveries: dup.map((r) => ({ status: r.status, duplicate: r.body.duplicate === true })),
      duplicate_jobs: duplicateJobs,
      late_push_effect: changedObjects(afterDup, afterLate).length,
      rollbacks_from_late_push: off.length,
      late_push_jobs: lateJobs,
      final_state_correct: off.length === 0 && (await clustersOffHead(rig, before, apps, newer.sha)).length === 0,
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    await rig.close();
  }
}

export interface ClusterFaultFigures {
  clusters: number;
  /** Push deliveries (distinct pushes plus redeliveries). */
  events: number;
  pushes: number;
  fault_rate: number;
  /** `faults_expected`: requests × rate (the Kubernetes fakes do not count what they inject). */
  kube: { requests: number; faults_expected: number };
  github: { requests: number; faults: number };
  /** Webhook deliveries beyond the first (the handler answered 5xx; GitHub is asked to redeliver). */
  delivery_retries: number;
  jobs: number;
  /** Job deliveries beyond the first (the queue's retries). */
  job_retries: number;
  /** Why job deliveries failed (and were retried): another worker held the lease, or the sync failed. */
  job_errors: { lease_held: number; sync_failed: number };
  /** Deliveries never accepted, plus jobs the queue gave up on (poisoned). */
  events_lost: number;
  /** Clusters not at HEAD (content or recorded revision) at the end. */
  clusters_off_head: number;
  final_state_correct: boolean;
  ms: number;
}

/** Pushes while ~`faultRate` of Kubernetes and GitHub requests fail. */
export async function pushesUnderFaults(o: { events?: number; clusters?: number; apps?: number; faultRate?: number; seed?: number } = {}): Promise<ClusterFaultFigures> {
  const events = o.events ?? 80;
  const clusters = o.clusters ?? 4;
  const apps = o.apps ?? 10;
  const rate = o.faultRate ?? 0.1;
  const seed = o.seed ?? 7;
  const redeliveries = Math.floor(events / 8);
  const pushes = events - redeliveries;
  const random = seededRandom(seed);
  const wire = faultyFetch(seededRandom(seed + 1), { rateLimit: rate * 0.2, lostAnswer: rate * 0.2 });
  wire.enabled.on = false;
  const t0 = performance.now();
  const rig = await fastRig({ clusters, files: appFiles(apps), githubFetch: wire.fetch, queue: { maxAttempts: 8, retryDelayMs: 50, concurrency: clusters } });
  try {
    await bootstrap(rig);
    rig.attempts.length = 0;
    const jobsBefore = rig.jobs.length;
    await Promise.all(rig.fleet.map((f, i) => f.setFaults({ errorRate: rate * 0.4, resetRate: rate * 0.3, throttleRate: rate * 0.3, retryAfterSeconds: 0, seed: seed + 10 + i })));
    await Promise.all(rig.fleet.map((f) => f.resetCounts()));
    await rig.github.resetRequests();
    await rig.github.setFaults({ errorRate: rate * 0.3, resetRate: rate * 0.3, errorStatus: 502, seed: seed + 2 });
    wire.enabled.on = true;

    const deliveries: WebhookDelivery[] = [];
    const outcomes: { accepted: boolean; attempts: number }[] = [];
    const inFlight: Promise<void>[] = [];
    // As GitHub delivers: each push once; a failed delivery (5xx) is delivered again, at most 5 times.
    const deliver = (d: WebhookDelivery, newId: boolean) => inFlight.push((async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        try {
          const res = await rig.deliver(d, { newId });
          if (res.status < 500) { outcomes.push({ accepted: res.status < 300, attempts: attempt }); return; }
        } catch { /* the Function answered 500 */ }
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
      outcomes.push({ accepted: false, attempts: 5 });
    })());
    const every = Math.max(1, Math.floor(pushes / Math.max(1, redeliveries)));
    let redelivered = 0;
    for (let p = 0; p < pushes; p++) {
      const changed = [random.int(apps), random.int(apps)];
      const { delivery } = await rig.commit(bump(changed, `master-${p + 2}`), `push ${p}`);
      deliveries.push(delivery);
      deliver(delivery, false);
      // Redeliveries of earlier pushes, late: half as GitHub's redelivery (same id), half as new deliveries.
      if (p % every === every - 1 && redelivered < redeliveries) { redelivered++; deliver(random.pick(deliveries), random.chance(0.5)); }
    }
    while (redelivered < redeliveries) { redelivered++; deliver(random.pick(deliveries), true); }
    await Promise.all(inFlight);
    await rig.settle();
    const ms = performance.now() - t0;

    await Promise.all(rig.fleet.map((f) => f.setFaults({})));
    await rig.github.setFaults({});
    wire.enabled.on = false;
    const kubeCounts = await Promise.all(rig.fleet.map((f) => f.requestCount()));
    const ghLog = await rig.github.requests();
    const head = (await rig.github.head(RIG_REPO, 'main'))!;
    const off = await clustersOffHead(rig, await clusterState(rig, apps), apps, head);
    const jobs = rig.jobs.length - jobsBefore;
    const attempts = rig.attempts;
    const lost = outcomes.filter((x) => !x.accepted).length + rig.queue.poisoned.length;
    return {
      clusters, events: outcomes.length, pushes, fault_rate: rate,
      kube: { requests: kubeCounts.reduce((a, c) => a + c.total, 0), faults_expected: Math.round(kubeCounts.reduce((a, c) => a + c.total, 0) * rate) },
      github: { requests: ghLog.length + wire.counts.rate_limited_429, faults: ghLog.filter((e) => e.status >= 500 || e.status === -1).length + wire.counts.rate_limited_429 + wire.counts.lost_answers },
      delivery_retries: outcomes.reduce((a, x) => a + x.attempts - 1, 0),
      jobs,
      job_retries: attempts.filter((a) => a.attempt > 1).length,
      job_errors: { lease_held: attempts.filter((a) => a.error?.includes('holds the lease')).length, sync_failed: attempts.filter((a) => a.error && !a.error.includes('holds the lease')).length },
      events_lost: lost,
      clusters_off_head: off.length,
      final_state_correct: off.length === 0,
      ms: Math.round(ms),
    };
  } finally {
    await rig.close();
  }
}

export interface UnreachableFigures {
  clusters: number;
  unreachable: string;
  /** Clusters at HEAD while the unreachable one is down. */
  other_clusters_synced: number;
  /** The unreachable cluster's failure status names it. */
  failing_cluster_reported: boolean;
  /** Deliveries of the unreachable cluster's job while it was down (the queue's retries). */
  failing_cluster_attempts: number;
  failing_cluster_retried: boolean;
  /** Applied once it came back (through a retry of the same job). */
  failing_cluster_applied_after_return: boolean;
  poisoned: number;
  ms: number;
}

export async function unreachableCluster(o: { clusters?: number; apps?: number; attemptsWhileDown?: number } = {}): Promise<UnreachableFigures> {
  const clusters = o.clusters ?? 10;
  const apps = o.apps ?? 5;
  const t0 = performance.now();
  const rig = await fastRig({ clusters, files: appFiles(apps), queue: { maxAttempts: 20, retryDelayMs: 100, concurrency: clusters } });
  try {
    await bootstrap(rig);
    const down = rig.fleet.at(-1)!;
    await down.setDown(true);
    rig.attempts.length = 0;
    const push = await rig.commit(bump([0, 1], 'master-2'), 'push while a cluster is down');
    const res = await rig.deliver(push.delivery);
    if (res.status !== 202) throw new Error(`the push was answered ${res.status}`);
    const downAttempts = () => rig.attempts.filter((a) => a.job.cluster === down.name && a.error).length;
    const others = () => rig.attempts.filter((a) => a.job.cluster !== down.name && a.result?.outcome === 'synced' && a.result.revision === push.sha).length;
    await rig.until(() => downAttempts() >= (o.attemptsWhileDown ?? 3) && others() >= clusters - 1);
    const attemptsWhileDown = downAttempts();
    const snapshot = await clusterState(rig, apps);
    const otherSynced = clusters - (await clustersOffHead(rig, snapshot, apps, push.sha)).filter((c) => c !== down.name).length - 1;
    const statuses = await rig.github.statuses(RIG_REPO, push.sha);
    const reported = statuses.some((s) => s.state === 'failure' && (s.description ?? '').startsWith(`${down.name}: sync failed`));
    await down.setDown(false);
    await rig.settle();
    const offAfter = await clustersOffHead(rig, await clusterState(rig, apps), apps, push.sha);
    const applied = rig.attempts.some((a) => a.job.cluster === down.name && a.result?.outcome === 'synced' && a.result.revision === push.sha);
    return {
      clusters, unreachable: down.name,
      other_clusters_synced: otherSynced,
      failing_cluster_reported: reported,
      failing_cluster_attempts: attemptsWhileDown,
      failing_cluster_retried: attemptsWhileDown >= 2,
      failing_cluster_applied_after_return: applied && offAfter.length === 0,
      poisoned: rig.queue.poisoned.length,
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    await rig.close();
  }
}

export interface ClusterFigures {
  duplicates: DuplicateFigures;
  faults: ClusterFaultFigures;
  unreachable: UnreachableFigures;
}

export async function clusterScenarios(o: { seed?: number; events?: number; faultRate?: number } = {}): Promise<ClusterFigures> {
  const duplicates = await duplicateAndLatePushes();
  const faults = await pushesUnderFaults({ ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.events !== undefined ? { events: o.events } : {}), ...(o.faultRate !== undefined ? { faultRate: o.faultRate } : {}) });
  const unreachable = await unreachableCluster();
  return { duplicates, faults, unreachable };
}
