/**
 * The cluster half of the reliability suite: slots until pipeline.syncCluster lands. Each is reported as
 * null with the reason (and is a todo in the node:test suite); the scenario descriptions say what to build.
 */
export const NEEDS_SYNC_CLUSTER = 'needs shared/pipeline/sync-cluster.ts';

export interface PendingScenario {
  name: string;
  /** The figures it will fill. */
  figures: string[];
  what: string;
}

export const CLUSTER_SCENARIOS: readonly PendingScenario[] = [
  { name: 'duplicate_push', figures: ['duplicate_applies_effect'], what: 'the same push delivered 3 times: the second and third syncs apply nothing new (no object changes, same sync state)' },
  { name: 'late_push', figures: ['rollbacks_from_late_push'], what: 'an older push delivered after a newer one: the cluster stays at HEAD (no rollback)' },
  { name: 'unreachable_cluster', figures: ['other_clusters_synced', 'failing_cluster_retried'], what: 'one cluster of ten unreachable: the other nine sync, the failing one is retried then poisoned, its commit status names it' },
];

/** Every cluster figure as null, with the reason. */
export function pendingClusterFigures(): { figures: Record<string, null>; pending: Record<string, string> } {
  const figures: Record<string, null> = {};
  const pending: Record<string, string> = {};
  for (const s of CLUSTER_SCENARIOS) {
    for (const f of s.figures) {
      figures[f] = null;
      pending[f] = `${NEEDS_SYNC_CLUSTER} (${s.what})`;
    }
  }
  return { figures, pending };
}
