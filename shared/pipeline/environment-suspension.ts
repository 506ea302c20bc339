/**
 * Whether an environment is suspended (`gitops suspend`) on every cluster it selects: then image updates
 * for it are skipped (a suspended cluster skips its syncs by itself; one suspended cluster of many does not
 * stop the others' image updates). One state read per cluster; a cluster that cannot be read counts as
 * not suspended (its sync will tell).
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
