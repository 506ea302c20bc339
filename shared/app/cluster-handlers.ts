/**
 * What the cluster triggers (the sync queue and the reconcile timer) do with
 * the runtime, independent of the transport.
 */
import { findEnvironment, healthTimeoutMs, type Environment } from '../config/index.ts';
import type { Logger } from '../pipeline/logger.ts';
import { reconcile, type ReconcileResult } from '../pipeline/reconcile.ts';
import { syncCluster, type SyncClusterResult } from '../pipeline/sync-cluster.ts';
import { parseSyncJob } from '../pipeline/sync-job.ts';
import { parseHealthJob } from '../pipeline/health-job.ts';
import { runHealthJob, watchHealth, type HealthJobResult } from '../pipeline/rollout-health.ts';
import type { Runtime } from './runtime.ts';
import { autoPromote } from '../pipeline/auto-promote.ts';
import { clusterStatus } from '../pipeline/cluster-status.ts';
import type { PromotionProposer } from '../pipeline/propose-promotion.ts';

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
      renderCache: runtime.renderCache,
      settings: {
        gitUrl: runtime.gitUrl, holderIdentity, stateNamespace: runtime.settings.stateNamespace, pruneMaxShare: runtime.settings.pruneMaxShare,
        renderLimits: { maxFileBytes: runtime.settings.maxFileBytes, maxEnvironmentBytes: runtime.settings.maxEnvironmentBytes },
        takeOverObjects: runtime.settings.takeOverObjects,
        ...(runtime.settings.applyConcurrency !== undefined ? { concurrency: runtime.settings.applyConcurrency } : {}),
      },
    },
    { job },
  );
  // The sync decided whether the queue should try again (a held lease included).
  if (result.retryable) throw new Error(result.description);
  // A clean sync that changed objects with health rules waits for them through delayed health jobs
  // (its status says "applied" until a check decides); a sync with failures keeps its failure.
  if (runtime.healthQueue && typeof target !== 'string' && result.outcome === 'synced' && result.revision && result.changed?.length && result.counts.failed === 0 && result.counts.renderErrors === 0) {
    const where = { environment: env.name, cluster: result.cluster, commit: result.revision };
    try {
      const watching = await watchHealth({
        conn: await runtime.connector.connect(target), environment: env.name, cluster: result.cluster, revision: result.revision, applied: result.changed,
        stateNamespace: runtime.settings.stateNamespace, timeoutMs: healthTimeoutMs(env, runtime.settings.healthTimeoutMinutes), queue: runtime.healthQueue, clock: runtime.clock,
      });
      if (watching > 0) log.info('health.watch', { ...where, result: `waiting for ${watching} objects` });
    } catch (err) {
      // The sync itself succeeded; only its health goes unreported.
      log.warn('health.watch-failed', { ...where, result: (err as Error).message });
    }
  }
  if ((result.outcome === 'synced' || result.outcome === 'up-to-date') && result.revision && result.counts.failed === 0 && result.counts.renderErrors === 0) {
    await proposeAutoPromotions(runtime, log, config, env, result.revision);
  }
  return result;
}

/**
 * `promotion.auto: true`: once every cluster of `env` applied `revision` cleanly, the promotion pull requests
 * from it are opened or updated (GitHub only). Never fails the sync: a failure is logged.
 */
async function proposeAutoPromotions(runtime: Runtime, log: Logger, config: Awaited<ReturnType<Runtime['config']>>, env: Environment, revision: string): Promise<void> {
  if (!config.environments.some((e) => e.promotion?.from === env.name && e.promotion.auto)) return;
  const source = runtime.source as Partial<PromotionProposer> & Runtime['source'];
  if (typeof source.proposePromotion !== 'function') {
    log.warn('promote.unsupported', { environment: env.name, commit: revision, result: 'automatic promotion proposals need the GitHub source' });
    return;
  }
  try {
    await autoPromote(env, revision, {
      source: source as PromotionProposer,
      config,
      log,
      clusters: async (e) => Promise.all((await runtime.discover(e)).map(async (t) => {
        const s = await clusterStatus(e.name, t.name, () => runtime.connector.connect(t), { head: revision, now: runtime.clock.now(), stateNamespace: runtime.settings.stateNamespace });
        return { cluster: t.name, applied: s.applied, clean: !s.error && s.failing.length === 0 };
      })),
    });
  } catch (err) {
    log.warn('promote.failed', { environment: env.name, commit: revision, result: err instanceof Error ? err.message : String(err) });
  }
}

/** The health queue's job: one rollout-health check of a cluster. Throws when the queue should retry it. */
export async function healthJob(runtime: Runtime, log: Logger, message: unknown): Promise<HealthJobResult | undefined> {
  const job = parseHealthJob(message);
  const queue = runtime.healthQueue;
  if (!queue) throw new Error('health jobs need the health queue (AzureWebJobsStorage)');
  const env = findEnvironment(await runtime.config(), job.environment);
  if (!env) {
    log.warn('health.dropped', { environment: job.environment, cluster: job.cluster, result: `environment ${job.environment} is no longer configured` });
    return undefined;
  }
  const target = (await runtime.discover(env)).find((t) => t.name === job.cluster);
  if (!target) {
    log.warn('health.dropped', { environment: job.environment, cluster: job.cluster, result: `cluster ${job.cluster} is no longer found` });
    return undefined;
  }
  return runHealthJob(job, {
    connect: () => runtime.connector.connect(target),
    stateNamespace: runtime.settings.stateNamespace,
    queue,
    ...(runtime.statuses ? { status: runtime.statuses } : {}),
    clock: runtime.clock,
    log,
  });
}

/** The reconcile timer: new clusters, clusters behind HEAD and drifted ones get a full sync job. */
export async function reconcileAll(runtime: Runtime, log: Logger, only?: (env: Environment) => boolean): Promise<ReconcileResult> {
  const config = await runtime.config();
  // An environment whose definition cannot be used is not reconciled; say so on every round.
  for (const u of config.unavailable ?? []) log.error('reconcile.unavailable', { environment: u.name, result: u.reason });
  return reconcile(config.environments.filter(only ?? (() => true)), {
    source: runtime.source,
    connector: runtime.connector,
    queue: runtime.queue,
    clock: runtime.clock,
    log,
    settings: { stateNamespace: runtime.settings.stateNamespace, driftIntervalMs: runtime.settings.driftMinutes * 60_000 },
  });
}
