/**
 * `pipeline.clusterStatus`: what one cluster says about an environment (like `flux get` and
 * `fluxctl list-workloads`): the commit applied and whether it is behind HEAD, the last sync and the last
 * full one, the objects that failed, who holds the lease, and whether it is suspended. Read only: the state
 * ConfigMap and the Lease, two requests.
 */
import { readLeaseHolder, readStateObject, type ClusterConnection, type LeaseHolder, type StateError, type Suspension } from '../clusters/index.ts';

export interface ClusterStatus {
  environment: string;
  cluster: string;
  /** The branch HEAD compared with (undefined when unknown). */
  head: string | undefined;
  /** The commit last applied (undefined: never synced). */
  applied: string | undefined;
  /** true/false when both are commits; null when it cannot be told (never synced, HEAD unknown, a working tree was synced). */
  behind: boolean | null;
  syncedAt: string | undefined;
  fullSyncAt: string | undefined;
  /** The last sync applied every object. */
  lastSyncFull: boolean;
  failing: StateError[];
  lease: LeaseHolder | undefined;
  suspended: Suspension | undefined;
  /** Rollout health of the commit applied, when that sync changed objects with health rules. */
  health: { status: 'progressing' | 'healthy' | 'degraded' | 'timed-out'; message: string; checkedAt: string | undefined } | undefined;
  /** The cluster could not be read. */
  error?: string;
}

const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Reads one cluster's status for an environment. */
export async function clusterStatus(environment: string, cluster: string, conn: () => Promise<ClusterConnection>, options: { head: string | undefined; now: number; stateNamespace: string }): Promise<ClusterStatus> {
  const empty: ClusterStatus = { environment, cluster, head: options.head, applied: undefined, behind: null, syncedAt: undefined, fullSyncAt: undefined, lastSyncFull: false, failing: [], lease: undefined, suspended: undefined, health: undefined };
  try {
    const c = await conn();
    const [{ state, suspension }, lease] = await Promise.all([
      readStateObject(c.client, options.stateNamespace, environment),
      readLeaseHolder(c.client, options.stateNamespace, environment, options.now),
    ]);
    const applied = state?.revision;
    const comparable = applied !== undefined && options.head !== undefined && COMMIT.test(applied) && COMMIT.test(options.head);
    return {
      ...empty, applied, behind: comparable ? applied !== options.head : null,
      syncedAt: state?.syncedAt, fullSyncAt: state?.fullSyncAt, lastSyncFull: Boolean(state && state.fullSyncAt === state.syncedAt),
      failing: state?.errors ?? [], lease, suspended: suspension,
      health: state?.health && state.health.revision === applied ? { status: state.health.status, message: state.health.message, checkedAt: state.health.checkedAt } : undefined,
    };
  } catch (err) {
    return { ...empty, error: err instanceof Error ? err.message : String(err) };
  }
}
