/**
 * `pipeline.reconcile` (timer): for each environment, find its clusters and send a full sync job to those
 * that need one: no sync state (a new `weekly-*` cluster), a state behind the branch HEAD, or a last full
 * sync older than the drift interval (a `drift` job re-applies everything).
 */
import { DEFAULT_STATE_NAMESPACE, readStateObject, type Clock, type ClusterConnector } from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';
import type { SourceReader } from '../sources/port.ts';
import type { Logger } from './logger.ts';
import { fullSyncJob, type JobQueue, type SyncJob } from './sync-job.ts';

export interface ReconcileDeps {
  source: SourceReader;
  connector: ClusterConnector;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
  settings: {
    stateNamespace?: string;
    /** Re-apply everything when the last full sync is older than this (default 60 minutes). */
    driftIntervalMs?: number;
  };
}

export type ReconcileDecision = 'new' | 'behind' | 'drift' | 'current' | 'suspended' | 'unreachable';

export interface ReconcileResult {
  jobs: SyncJob[];
  clusters: Array<{ environment: string; cluster: string; decision: ReconcileDecision; detail?: string }>;
  /** Environments that could not be reconciled (branch or discovery failed), with why. */
  errors: Array<{ environment: string; message: string }>;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Decides per cluster and enqueues the jobs. */
export async function reconcile(environments: readonly Environment[], deps: ReconcileDeps): Promise<ReconcileResult> {
  const { log, clock } = deps;
  const namespace = deps.settings.stateNamespace ?? DEFAULT_STATE_NAMESPACE;
  const driftMs = deps.settings.driftIntervalMs ?? 60 * 60_000;
  const result: ReconcileResult = { jobs: [], clusters: [], errors: [] };
  for (const env of environments) {
    let head: string;
    let targets;
    try {
      [head, targets] = await Promise.all([deps.source.resolveBranch(env.branch), deps.connector.discover(env)]);
    } catch (err) {
      result.errors.push({ environment: env.name, message: message(err) });
      log.error('reconcile.environment-failed', { environment: env.name, result: message(err) });
      continue;
    }
    const decisions = await Promise.all(targets.map(async (target) => {
      try {
        const conn = await deps.connector.connect(target);
        const { state, suspension } = await readStateObject(conn.client, namespace, env.name);
        // A suspended cluster gets no job (`gitops resume` ends it; the next run then finds it behind).
        if (suspension) return { cluster: target.name, decision: 'suspended' as const, detail: suspension.reason };
        if (!state) return { cluster: target.name, decision: 'new' as const };
        if (state.revision !== head) return { cluster: target.name, decision: 'behind' as const, detail: `at ${state.revision.slice(0, 7)}, HEAD is ${head.slice(0, 7)}` };
        const lastFull = Date.parse(state.fullSyncAt ?? '');
        if (!Number.isFinite(lastFull) || clock.now() - lastFull > driftMs) {
          return { cluster: target.name, decision: 'drift' as const, detail: `last full sync ${state.fullSyncAt ?? 'never'}` };
        }
        return { cluster: target.name, decision: 'current' as const };
      } catch (err) {
        return { cluster: target.name, decision: 'unreachable' as const, detail: message(err) };
      }
    }));
    for (const d of decisions) {
      result.clusters.push({ environment: env.name, ...d });
      if (d.decision === 'current' || d.decision === 'unreachable' || d.decision === 'suspended') {
        (d.decision === 'unreachable' ? log.warn : log.info)(`reconcile.${d.decision}`, { environment: env.name, cluster: d.cluster, commit: head, result: d.detail });
        continue;
      }
      const job = fullSyncJob({ environment: env.name, cluster: d.cluster, reason: d.decision === 'drift' ? 'drift' : 'reconcile', revision: head, trigger: `reconcile:${d.decision}` });
      result.jobs.push(job);
      log.info('reconcile.job', { environment: env.name, cluster: d.cluster, commit: head, result: d.decision });
    }
  }
  await Promise.all(result.jobs.map((j) => deps.queue.send(j)));
  return result;
}
