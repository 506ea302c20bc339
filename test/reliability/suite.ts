/**
 * The reliability suite as one run: every scenario, the headline figures, and the checks they must pass.
 * `bench/reliability.ts` prints it as JSON; the node:test files run the same scenarios one by one.
 */
import { badInputs, type BadInputFigures } from './bad-input.ts';
import { clusterScenarios, type ClusterFigures } from './cluster-scenarios.ts';
import { imageEventsUnderFaults, type FaultFigures } from './github-faults.ts';
import { concurrentImages, sameImage, type ConcurrentFigures, type SameImageFigures } from './image-events.ts';
import { droppedImageEvents, lostPushWebhook, scanCalls, type DroppedEventsFigures, type LostWebhookFigures } from './scan-scenarios.ts';

export interface SuiteOptions {
  seed?: number;
  badInputs?: number;
  faultEvents?: number;
  faultRate?: number;
  /** Push deliveries of the cluster fault scenario (default 80: 200 events with the 120 image events). */
  clusterEvents?: number;
}

export interface Check { name: string; ok: boolean; value: unknown; expected: string }

/** The checks of the headline figures (null figures are pending, not failed). */
export function checks(r: { concurrent: ConcurrentFigures; same: SameImageFigures; faults: FaultFigures; bad: BadInputFigures; cluster: ClusterFigures; dropped: DroppedEventsFigures; throttled: DroppedEventsFigures; lostPush: LostWebhookFigures }): Check[] {
  const c = (name: string, value: unknown, ok: boolean, expected: string): Check => ({ name, ok, value, expected });
  const { duplicates, faults: clusterFaults, unreachable } = r.cluster;
  const eventsLost = r.faults.events_lost + clusterFaults.events_lost;
  const finalState = r.faults.final_state_correct && clusterFaults.final_state_correct && duplicates.final_state_correct;
  const lost = r.concurrent.lost_updates + r.same.duplicates.lost_updates + r.same.newer_tags.lost_updates + r.faults.lost_updates;
  const conflicting = r.concurrent.conflicting_commits + r.same.conflicting_commits + r.faults.conflicting_commits + r.concurrent.merges + r.same.merges;
  return [
    c('lost_updates', lost, lost === 0, '0'),
    c('conflicting_commits', conflicting, conflicting === 0, '0'),
    c('concurrent_commits', r.concurrent.commits, r.concurrent.commits === r.concurrent.expected_commits, `${r.concurrent.expected_commits}`),
    c('duplicate_event_commits', r.same.duplicates.commits, r.same.duplicates.commits === 1, '1'),
    c('rollbacks', r.same.newer_tags.rollbacks, r.same.newer_tags.rollbacks === 0, '0'),
    c('events_lost', eventsLost, eventsLost === 0, '0'),
    c('final_state_correct', finalState, finalState, 'true'),
    c('duplicate_applies_effect', duplicates.duplicate_applies_effect, duplicates.duplicate_applies_effect === 0 && duplicates.push_effect > 0, '0 (and the push itself changed objects)'),
    c('rollbacks_from_late_push', duplicates.rollbacks_from_late_push + duplicates.late_push_effect, duplicates.rollbacks_from_late_push === 0 && duplicates.late_push_effect === 0, '0'),
    c('other_clusters_synced', unreachable.other_clusters_synced, unreachable.other_clusters_synced === unreachable.clusters - 1, `${unreachable.clusters - 1}`),
    c('failing_cluster_reported', unreachable.failing_cluster_reported, unreachable.failing_cluster_reported, 'true'),
    c('failing_cluster_retried', unreachable.failing_cluster_retried, unreachable.failing_cluster_retried, 'true'),
    c('failing_cluster_applied_after_return', unreachable.failing_cluster_applied_after_return, unreachable.failing_cluster_applied_after_return && unreachable.poisoned === 0, 'true'),
    c('bad_inputs_tried', r.bad.bad_inputs_tried, r.bad.bad_inputs_tried >= 10_000, '≥ 10000'),
    c('crashes', r.bad.crashes, r.bad.crashes === 0, '0'),
    c('partial_effects', r.bad.partial_effects, r.bad.partial_effects === 0, '0'),
    c('image_events_dropped.images_missed', r.dropped.images_missed, r.dropped.images_missed === 0 && r.dropped.scan_errors === 0 && r.dropped.scans === 1, '0 (every event dropped, one scan)'),
    c('registry_429.images_missed', r.throttled.images_missed, r.throttled.images_missed === 0 && r.throttled.scan_errors === 0 && r.throttled.throttled > 0, '0 (with 429s answered)'),
    c('lost_push_webhook.clusters_off_head', r.lostPush.clusters_off_head_after_one_reconcile, r.lostPush.behind_after_push === r.lostPush.clusters && r.lostPush.clusters_off_head_after_one_reconcile === 0, '0 after one reconcile'),
  ];
}

export async function runSuite(o: SuiteOptions = {}): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const concurrent = await concurrentImages(20, 4);
  const same = await sameImage(5, 3);
  const faults = await imageEventsUnderFaults({ images: o.faultEvents ?? 100, redeliveries: 20, faultRate: o.faultRate ?? 0.1, seed: o.seed ?? 7 });
  const bad = await badInputs({ count: o.badInputs ?? 10_000, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  const cluster = await clusterScenarios({ seed: o.seed ?? 7, events: o.clusterEvents ?? 80, faultRate: o.faultRate ?? 0.1 });
  const dropped = await droppedImageEvents(20, 0, o.seed ?? 7);
  const throttled = await droppedImageEvents(20, 0.1, o.seed ?? 7);
  const calls10 = await scanCalls(10);
  const calls100 = await scanCalls(100);
  const lostPush = await lostPushWebhook(3);
  const list = checks({ concurrent, same, faults, bad, cluster, dropped, throttled, lostPush });
  const get = (name: string) => list.find((x) => x.name === name)!.value;
  return {
    lost_updates: get('lost_updates'),
    events_lost: get('events_lost'),
    final_state_correct: get('final_state_correct'),
    duplicate_applies_effect: get('duplicate_applies_effect'),
    bad_inputs_tried: get('bad_inputs_tried'),
    crashes: get('crashes'),
    partial_effects: get('partial_effects'),
    conflicting_commits: get('conflicting_commits'),
    rollbacks_from_late_push: get('rollbacks_from_late_push'),
    other_clusters_synced: get('other_clusters_synced'),
    failing_cluster_retried: get('failing_cluster_retried'),
    failing_cluster_applied_after_return: get('failing_cluster_applied_after_return'),
    events: faults.events + cluster.faults.events,
    image_events_dropped: { pushes: dropped.pushes, events_delivered: dropped.events_delivered, scans: dropped.scans, images_missed: dropped.images_missed, commits: dropped.commits },
    registry_429: { throttle_rate: throttled.throttle_rate, throttled: throttled.throttled, images_missed: throttled.images_missed },
    registry_calls_per_scan: Object.fromEntries([calls10, calls100].map((c) => [`repositories_${c.repositories}`, { cold: c.calls_cold, warm: c.calls_warm, tags_per_repository: c.tags_per_repository }])),
    lost_push_webhook: lostPush,
    pending: {},
    checks: list,
    ok: list.every((x) => x.ok),
    scenarios: { concurrent_images: concurrent, same_image: same, github_faults: faults, bad_input: bad, cluster_duplicates: cluster.duplicates, cluster_faults: cluster.faults, cluster_unreachable: cluster.unreachable, image_events_dropped: dropped, registry_429: throttled, scan_calls: [calls10, calls100], lost_push_webhook: lostPush },
    ms: Math.round(performance.now() - t0),
  };
}
