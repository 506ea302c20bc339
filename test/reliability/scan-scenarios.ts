/**
 * Reliability of the safety nets behind the events: the registry scan catching up images whose events
 * were lost (also under 429 throttling), its registry calls per run, and the reconcile timer catching up
 * clusters behind HEAD when a push webhook is lost.
 */
import { reconcileAll } from '../../shared/app/cluster-handlers.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { scanImages } from '../../shared/pipeline/scan-images.ts';
import { appFiles, bootstrap, bump, clusterState, clustersOffHead, fastRig } from './cluster-harness.ts';
import { commitsSince } from './github-harness.ts';
import { startScanFixture } from './scan-harness.ts';

export interface DroppedEventsFigures {
  pushes: number;
  events_delivered: number;
  throttle_rate: number;
  /** 429 answers the registry gave during the scan (each retried after its Retry-After). */
  throttled: number;
  scans: number;
  commits: number;
  images_missed: number;
  scan_errors: number;
  ms: number;
}

/** `pushes` images pushed while every event is dropped; one scan must catch every one up. */
export async function droppedImageEvents(pushes = 20, throttleRate = 0, seed = 7): Promise<DroppedEventsFigures> {
  const names = Array.from({ length: pushes }, (_, i) => `app-${i}`);
  const f = await startScanFixture(Object.fromEntries(names.map((n) => [n, { tag: 'master-1' }])), { throttleRate, seed, retryAfterMs: 10 });
  try {
    for (const n of names) f.acr.push(n, 'master-1', { created: '2026-11-01T00:00:00Z' });
    const base = (await f.github.head('acme/config', 'main'))!;
    // The pushes: their events are all lost (no Event Grid delivery, no webhook reached us).
    for (const n of names) f.acr.push(n, 'master-2', { created: '2026-11-02T00:00:00Z' });
    const t0 = performance.now();
    const r = await scanImages(f.deps());
    const ms = performance.now() - t0;
    let missed = 0;
    for (const n of names) if ((await f.tagOnMain(n)) !== 'master-2') missed++;
    return {
      pushes,
      events_delivered: 0,
      throttle_rate: throttleRate,
      throttled: f.acr.calls.throttled ?? 0,
      scans: 1,
      commits: (await commitsSince(f.github, base)).length,
      images_missed: missed,
      scan_errors: r.errors.length,
      ms: Math.round(ms),
    };
  } finally {
    await f.close();
  }
}

export interface ScanCallFigures {
  repositories: number;
  tags_per_repository: number;
  /** Every request the registry served (auth round trips included), first run of an instance. */
  calls_cold: number;
  /** The same on the next run: creation times are cached by digest. */
  calls_warm: number;
  calls_by_kind_cold: Record<string, number>;
  calls_by_kind_warm: Record<string, number>;
}

/** Registry requests of a scan over `repositories` followed repositories of `tags` tags each, all up to date. */
export async function scanCalls(repositories: number, tags = 5): Promise<ScanCallFigures> {
  const names = Array.from({ length: repositories }, (_, i) => `app-${i}`);
  const f = await startScanFixture(Object.fromEntries(names.map((n) => [n, { tag: `master-${tags}` }])));
  try {
    for (const n of names) for (let t = 1; t <= tags; t++) f.acr.push(n, `master-${t}`);
    const deps = f.deps();
    const cold = await scanImages(deps);
    if (cold.candidates.length || cold.errors.length) throw new Error(`expected an up-to-date scan: ${JSON.stringify(cold.errors)}`);
    const byKindCold = { ...f.acr.calls };
    const callsCold = f.acr.totalCalls();
    f.acr.resetCalls();
    await scanImages(deps);
    return { repositories, tags_per_repository: tags, calls_cold: callsCold, calls_warm: f.acr.totalCalls(), calls_by_kind_cold: byKindCold, calls_by_kind_warm: { ...f.acr.calls } };
  } finally {
    await f.close();
  }
}

export interface LostWebhookFigures {
  clusters: number;
  /** Clusters behind HEAD after the push whose webhook never arrived. */
  behind_after_push: number;
  /** Sync jobs one reconcile run enqueued. */
  reconcile_jobs: number;
  clusters_off_head_after_one_reconcile: number;
  /** The bound: the reconcile timer's interval. */
  reconcile_interval_minutes: number;
}

/** A push whose webhook is lost: one reconcile run brings every cluster to HEAD. */
export async function lostPushWebhook(clusters = 3, apps = 4): Promise<LostWebhookFigures> {
  const rig = await fastRig({ clusters, files: appFiles(apps) });
  try {
    await bootstrap(rig);
    const { sha } = await rig.commit(bump([0, 2], 'master-2'), 'bump app-0 and app-2'); // never delivered
    const behind = (await clustersOffHead(rig, await clusterState(rig, apps), apps, sha)).length;
    const before = rig.jobs.length;
    await reconcileAll(rig.runtime, silentLogger);
    await rig.settle();
    const off = await clustersOffHead(rig, await clusterState(rig, apps), apps, sha);
    return { clusters, behind_after_push: behind, reconcile_jobs: rig.jobs.length - before, clusters_off_head_after_one_reconcile: off.length, reconcile_interval_minutes: 5 };
  } finally {
    await rig.close();
  }
}
