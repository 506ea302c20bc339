/**
 * `pipeline.onPush` / `onBranchUpdate`: a verified push (or a commit the local git writer made) becomes one sync job per affected
 * environment × cluster on the queue. Fast (no cluster is touched here) so
 * GitHub gets its answer well within its 10 s limit.
 *
 * A delivery is handled once: its id and the digest of its signed body are claimed in the delivery log, so a
 * redelivery, and a captured body replayed under new delivery ids, enqueue nothing. Full syncs a delivery asks
 * for are rate-limited per environment (one per `fullSyncIntervalMs`): a later one in the same interval is
 * deferred to the reconcile timer, which fully syncs every cluster behind HEAD anyway; nothing is lost.
 */
import type { ConfigHint } from './config-provider.ts';
import { ConfigError, findEnvironment, type Environment, type GitopsConfig } from '../config/index.ts';
import type { DeliveryLog } from './delivery-log.ts';
import type { Logger } from './logger.ts';
import { branchUpdateOf, planBranchUpdate, type BranchUpdate } from './plan-push.ts';
import type { PushEvent } from './push-event.ts';
import { pushSyncJob, type JobQueue, type SyncJob } from './sync-job.ts';

export interface OnPushDeps {
  /** The configuration in force once `branch` is at `revision` (a setting, or gitops.yaml there on its branch). */
  config(hint?: ConfigHint): Promise<GitopsConfig>;
  /** The clusters an environment deploys to (discovery, cached by the adapter). */
  clusters(env: Environment): Promise<readonly { name: string }[]>;
  queue: JobQueue;
  deliveries: DeliveryLog;
  log: Logger;
  /** The time, for the full-sync rate limit (default Date.now). */
  now?: () => number;
  /** At most one delivery-triggered full sync per environment per this interval (default 60 s; 0 = unlimited). */
  fullSyncIntervalMs?: number;
}

/** Who sent the push: the delivery id, and the SHA-256 of its signed body when it came over HTTP. */
export interface DeliveryIdentity {
  id: string;
  bodyDigest?: string;
}

export const DEFAULT_FULL_SYNC_INTERVAL_MS = 60_000;

/** What became of a push (the edge, `shared/app/http-outcomes.ts`, turns it into GitHub's answer). */
export type PushOutcome =
  /** The configuration in force at `revision` cannot be read, or leaves every environment of the branch undeployable. */
  | { kind: 'config-invalid'; revision: string; reason: string }
  | { kind: 'ignored'; reason: string }
  /** Already handled: the same delivery id or the same signed body. */
  | { kind: 'duplicate'; delivery: string; revision: string }
  | ({ kind: 'queued' } & PushSummary);

/** The jobs a push queued, and why each environment got what it got. */
export interface PushSummary {
  revision: string;
  branch: string;
  jobs: { environment: string; cluster: string; full: boolean; changed: number; removed: number }[];
  environments: { name: string; full: boolean; reason?: string }[];
  unaffected: string[];
  withoutClusters: string[];
  /** Full syncs left to the reconcile timer by the rate limit. */
  deferred?: { name: string; reason: string }[];
  /** Environments of the branch whose definition is broken or beyond the operator's bounds. */
  unavailable?: { name: string; reason: string }[];
}

/** A verified GitHub push: its payload read as a branch update. */
export function onPush(push: PushEvent, delivery: string | DeliveryIdentity, deps: OnPushDeps): Promise<PushOutcome> {
  return onBranchUpdate(branchUpdateOf(push), delivery, deps);
}

/** Plans a branch update and enqueues its jobs (GitHub's push webhook and the local git writer both end here). */
export async function onBranchUpdate(update: BranchUpdate, delivery: string | DeliveryIdentity, deps: OnPushDeps): Promise<PushOutcome> {
  const { log } = deps;
  const { id: deliveryId, bodyDigest } = typeof delivery === 'string' ? { id: delivery, bodyDigest: undefined } : delivery;
  let config: GitopsConfig;
  const branch = update.ref.startsWith('refs/heads/') ? update.ref.slice('refs/heads/'.length) : undefined;
  try {
    // The push is planned with the definitions as this commit leaves them (a push that edits gitops.yaml included).
    config = await deps.config(branch && !update.deleted ? { branch, revision: update.after, before: update.before } : undefined);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error('push.config-invalid', { delivery: deliveryId, commit: update.after, result: err.message });
    return { kind: 'config-invalid', revision: update.after, reason: err.message };
  }
  // Environments of this branch whose definition is broken or beyond the operator's bounds are not deployed.
  const unavailable = (config.unavailable ?? []).filter((u) => u.branch === branch);
  for (const u of unavailable) log.error('push.config-invalid', { delivery: deliveryId, environment: u.name, commit: update.after, result: u.reason });
  const plan = planBranchUpdate(update, config);
  if (unavailable.length > 0 && (plan.kind === 'ignored' || plan.environments.length + plan.unaffected.length === 0)) {
    return { kind: 'config-invalid', revision: update.after, reason: unavailable.map((u) => `${u.name}: ${u.reason}`).join('; ') };
  }
  if (plan.kind === 'ignored') {
    log.info('push.ignored', { delivery: deliveryId, ref: update.ref, commit: update.after, result: plan.reason });
    return { kind: 'ignored', reason: plan.reason };
  }

  const jobs: SyncJob[] = [];
  const withoutClusters: string[] = [];
  for (const ep of plan.environments) {
    const env = findEnvironment(config, ep.environment)!;
    const clusters = await deps.clusters(env);
    if (clusters.length === 0) withoutClusters.push(env.name);
    for (const c of clusters) {
      jobs.push(pushSyncJob({ environment: env.name, cluster: c.name, revision: plan.revision, full: ep.full, changed: ep.changed, removed: ep.removed, trigger: deliveryId }));
    }
  }

  const keys = [deliveryId, ...(bodyDigest ? [`body-sha256:${bodyDigest}`] : [])];
  if (!(await deps.deliveries.claim(keys))) {
    log.info('push.duplicate', { delivery: deliveryId, commit: update.after, result: 'already handled (same delivery id or same signed body)' });
    return { kind: 'duplicate', delivery: deliveryId, revision: plan.revision };
  }
  const claimed = [...keys];
  // Full syncs: one per environment per interval; later ones are left to the reconcile timer.
  const deferred: string[] = [];
  const interval = deps.fullSyncIntervalMs ?? DEFAULT_FULL_SYNC_INTERVAL_MS;
  if (interval > 0) {
    const window = Math.floor((deps.now ?? Date.now)() / interval);
    for (const ep of plan.environments.filter((e) => e.full)) {
      const key = `full-sync:${ep.environment}:${interval}:${window}`;
      if (await deps.deliveries.claim([key])) claimed.push(key);
      else deferred.push(ep.environment);
    }
  }
  const send = jobs.filter((j) => !deferred.includes(j.environment));
  try {
    await Promise.all(send.map((j) => deps.queue.send(j)));
  } catch (err) {
    await deps.deliveries.release(claimed).catch(() => undefined);
    throw new Error(`failed to enqueue sync jobs for ${plan.revision}`, { cause: err });
  }
  for (const e of deferred) {
    log.warn('push.full-sync-deferred', { delivery: deliveryId, environment: e, commit: plan.revision, result: `a full sync of ${e} was already started by a delivery in the last ${Math.round(interval / 1000)} s: left to the reconcile timer` });
  }
  for (const j of send) {
    log.info('push.job', { delivery: deliveryId, environment: j.environment, cluster: j.cluster, commit: plan.revision, result: j.full ? 'full sync' : `${j.changed.length} changed, ${j.removed.length} removed` });
  }
  for (const e of withoutClusters) log.warn('push.no-clusters', { delivery: deliveryId, environment: e, commit: plan.revision });
  return {
    kind: 'queued',
    revision: plan.revision,
    branch: plan.branch,
    jobs: send.map((j) => ({ environment: j.environment, cluster: j.cluster, full: j.full, changed: j.changed.length, removed: j.removed.length })),
    environments: plan.environments.map((e) => ({ name: e.environment, full: e.full, ...(e.fullReason ? { reason: e.fullReason } : {}) })),
    unaffected: plan.unaffected,
    withoutClusters,
    ...(deferred.length > 0 ? { deferred: deferred.map((name) => ({ name, reason: 'full sync rate-limited: left to the reconcile timer' })) } : {}),
    ...(unavailable.length > 0 ? { unavailable: unavailable.map((u) => ({ name: u.name, reason: u.reason })) } : {}),
  };
}
