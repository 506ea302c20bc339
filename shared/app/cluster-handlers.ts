/**
 * What the cluster triggers (the sync queue and the reconcile timer) do with
 * the runtime, independent of the transport.
 */
import { findEnvironment, type Environment } from '../config/index.ts';
import type { Logger } from '../pipeline/logger.ts';
import { reconcile, type ReconcileResult } from '../pipeline/reconcile.ts';
import { syncCluster, type SyncClusterResult } from '../pipeline/sync-cluster.ts';
import { parseSyncJob } from '../pipeline/sync-job.ts';
import type { Runtime } from './runtime.ts';

/** The sync queue's job: one environment onto one cluster. Throws when the queue should retry it. */
export async function syncJob(runtime: Runtime, log: Logger, message: unknown, holderIdentity: string): Promise<SyncClusterResult | undefined> {
  const job = parseSyncJob(message);
  let config = await runtime.config();
  let env = findEnvironment(config, job.environment);
  if (env && job.revision) {
    // The definition as the job's commit leaves it (another instance may still hold the previous one).
    config = await runtime.config({ branch: env.branch, revision: job.revision });
    env = findEnvironment(config, job.environment);
  }
  const unavailable = config.unavailable?.find((u) => u.name === job.environment);
  if (!env && unavailable) {
    if (unavailable.transient) throw new Error(`environment ${job.environment}: ${unavailable.reason}`);
    log.error('sync.dropped', { environment: job.environment, cluster: job.cluster, result: unavailable.reason });
    return undefined;
  }
  if (!env) {
    log.warn('sync.dropped', { environment: job.environment, cluster: job.cluster, result: `environment ${job.environment} is no longer configured` });
    return undefined;
  }
  const target = (await runtime.discover(env)).find((t) => t.name === job.cluster) ?? job.cluster;
  const result = await syncCluster(
    env,
    target,
    {
      source: runtime.source,
      ...(runtime.statuses ? { status: runtime.statuses } : {}),
      connector: runtime.connector,
      clock: runtime.clock,
      log,
      parseCache: runtime.parseCache,
      applyCache: runtime.applyCache,
      buildCache: runtime.buildCache,
      settings: { gitUrl: runtime.gitUrl, holderIdentity, stateNamespace: runtime.settings.stateNamespace, pruneMaxShare: runtime.settings.pruneMaxShare },
    },
    { job },
  );
  // The sync decided whether the queue should try again (a held lease included).
  if (result.retryable) throw new Error(result.description);
  return result;
}

/** The reconcile timer: new clusters, clusters behind HEAD and drifted ones get a full sync job. */
export async function reconcileAll(runtime: Runtime, log: Logger, only?: (env: Environment) => boolean): Promise<ReconcileResult> {
  const config = await runtime.config();
  return reconcile(config.environments.filter(only ?? (() => true)), {
    source: runtime.source,
    connector: runtime.connector,
    queue: runtime.queue,
    clock: runtime.clock,
    log,
    settings: { stateNamespace: runtime.settings.stateNamespace, driftIntervalMs: runtime.settings.driftMinutes * 60_000 },
  });
}
