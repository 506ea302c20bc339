/**
 * Whether an environment is suspended (`gitops suspend`) on every cluster it selects: then image updates
 * for it are skipped (a suspended cluster skips its syncs by itself; one suspended cluster of many does not
 * stop the others' image updates). One state read per cluster; a cluster that cannot be read counts as
 * not suspended (its sync will tell). And the change itself (`gitops suspend` / `gitops resume`): one write per
 * cluster, each failure its own.
 */
import type { ClusterConnector, ClusterTarget, Suspension } from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';

export interface SuspensionDeps {
  discover(env: Environment): Promise<ClusterTarget[]>;
  connector: ClusterConnector;
  stateNamespace: string;
}

/** The suspension of the environment's first cluster when all of its clusters are suspended; else undefined. */
export async function environmentSuspension(env: Environment, deps: SuspensionDeps): Promise<Suspension | undefined> {
  const { readStateObject } = await import('../clusters/sync-state.ts');
  let targets: ClusterTarget[];
  try {
    targets = await deps.discover(env);
  } catch {
    return undefined;
  }
  if (targets.length === 0) return undefined;
  const found = await Promise.all(targets.map(async (t) => {
    try {
      const conn = await deps.connector.connect(t);
      return (await readStateObject(conn.client, deps.stateNamespace, env.name)).suspension;
    } catch {
      return undefined;
    }
  }));
  return found.every((s) => s !== undefined) ? found[0] : undefined;
}

/** What suspending or resuming did on one cluster: `error` when the cluster could not be written. */
export interface SuspensionChange {
  environment: string;
  cluster: string;
  /** Whether the environment is suspended there now; undefined when a resume failed (unknown). */
  suspended: boolean | undefined;
  /** On resume: whether it was suspended. */
  wasSuspended?: boolean;
  error?: string;
}

/**
 * Suspends `env` on each of `targets` with `suspension`, or resumes it there (`suspension` undefined), in each
 * cluster's sync state ConfigMap; a cluster that cannot be reached or written is reported, the others change.
 */
export async function changeSuspension(
  env: Environment,
  targets: readonly ClusterTarget[],
  deps: Pick<SuspensionDeps, 'connector' | 'stateNamespace'>,
  suspension: Suspension | undefined,
): Promise<SuspensionChange[]> {
  const { clearSuspension, writeSuspension } = await import('../clusters/suspension.ts');
  return Promise.all(targets.map(async (c): Promise<SuspensionChange> => {
    try {
      const conn = await deps.connector.connect(c);
      if (suspension) {
        await writeSuspension(conn.client, deps.stateNamespace, env.name, suspension);
        return { environment: env.name, cluster: c.name, suspended: true };
      }
      const had = await clearSuspension(conn.client, deps.stateNamespace, env.name);
      return { environment: env.name, cluster: c.name, suspended: false, wasSuspended: had };
    } catch (err) {
      return { environment: env.name, cluster: c.name, suspended: suspension ? false : undefined, error: err instanceof Error ? err.message : String(err) };
    }
  }));
}
