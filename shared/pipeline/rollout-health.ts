/**
 * Rollout health after a sync. `watchHealth` (called by the sync once it applied objects) records what
 * to wait for and sends the first delayed `health` job; `runHealthJob` (the `health` queue) checks those
 * objects once, records the outcome beside the sync state, and either reports the cluster's commit
 * status (`success` "healthy", `failure` "degraded: <id>: <reason>" or "timed out waiting for <ids>")
 * or sends itself again with a longer delay. A newer sync supersedes the job.
 */
import { checkHealth, readHealth, watchable, writeHealth, type HealthRecord, type WatchedObject } from '../clusters/health-check.ts';
import { KubeApiError } from '../clusters/kube-client.ts';
import { readSyncState } from '../clusters/sync-state.ts';
import type { Clock, ClusterConnection } from '../clusters/index.ts';
import type { StatusReporter } from '../sources/port.ts';
import { FIRST_HEALTH_CHECK_MS, nextHealthDelayMs, type HealthJob, type HealthQueue } from './health-job.ts';
import type { Logger } from './logger.ts';

const STATUS_LIMIT = 140;
const clip = (text: string): string => (text.length <= STATUS_LIMIT ? text : `${text.slice(0, STATUS_LIMIT - 1)}…`);
const iso = (ms: number): string => new Date(ms).toISOString();

/** The commit status context of a cluster, as the sync reports it. */
export const statusContext = (environment: string, cluster: string): string => `gitops/${environment}/${cluster}`;

export interface WatchHealthInput {
  conn: ClusterConnection;
  environment: string;
  cluster: string;
  revision: string;
  /** The objects the sync applied (changed); those with health rules are watched. */
  applied: readonly WatchedObject[];
  stateNamespace: string;
  timeoutMs: number;
  queue: HealthQueue;
  clock: Clock;
}

/** Records what to wait for and sends the first check; returns how many objects are watched (0: nothing to wait for). */
export async function watchHealth(input: WatchHealthInput): Promise<number> {
  const pending = watchable(input.applied);
  if (pending.length === 0) return 0;
  const now = input.clock.now();
  const record: HealthRecord = {
    revision: input.revision, status: 'progressing', since: iso(now), deadline: iso(now + input.timeoutMs), checks: 0,
    pending, failed: [], message: `waiting for ${pending.length} object${pending.length === 1 ? '' : 's'}`,
  };
  await writeHealth(input.conn.client, input.stateNamespace, input.environment, record);
  await input.queue.send({ v: 1, environment: input.environment, cluster: input.cluster, revision: input.revision, attempt: 1 }, FIRST_HEALTH_CHECK_MS);
  return pending.length;
}

export interface HealthJobDeps {
  connect(): Promise<ClusterConnection>;
  stateNamespace: string;
  queue: HealthQueue;
  status?: StatusReporter;
  clock: Clock;
  log: Logger;
}

export type HealthJobResult =
  | { outcome: 'superseded' | 'decided'; detail: string }
  | { outcome: 'healthy' | 'degraded' | 'timed-out' | 'waiting'; record: HealthRecord; lists: number };

function listIds(ids: string[], max = 3): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** One check of a `health` job. Throws when the cluster cannot be read or written (the queue retries). */
export async function runHealthJob(job: HealthJob, deps: HealthJobDeps): Promise<HealthJobResult> {
  const { log } = deps;
  const where = { environment: job.environment, cluster: job.cluster, commit: job.revision };
  const conn = await deps.connect();
  const [state, read] = await Promise.all([readSyncState(conn.client, deps.stateNamespace, job.environment), readHealth(conn.client, deps.stateNamespace, job.environment)]);
  if (!read || read.health.revision !== job.revision || (state && state.revision !== job.revision)) {
    const detail = `a newer sync (${state?.revision.slice(0, 7) ?? 'none'}) supersedes ${job.revision.slice(0, 7)}`;
    log.info('health.superseded', { ...where, result: detail });
    return { outcome: 'superseded', detail };
  }
  const previous = read.health;
  if (previous.status !== 'progressing') return { outcome: 'decided', detail: `already ${previous.status}` };
  const check = await checkHealth(conn, previous.pending);
  const now = deps.clock.now();
  const base = { ...previous, checkedAt: iso(now), checks: previous.checks + 1 };
  let record: HealthRecord;
  let outcome: 'success' | 'failure' | undefined;
  let description = '';
  if (check.failed.length > 0) {
    const first = check.failed[0]!;
    const more = check.failed.length > 1 ? ` (and ${check.failed.length - 1} more)` : '';
    record = { ...base, status: 'degraded', pending: check.pending.map((p) => p.object), failed: check.failed.map((f) => ({ id: f.object.id, reason: f.reason })), message: `degraded: ${first.object.id}: ${first.reason}${more}` };
    outcome = 'failure';
    description = `${job.cluster}: ${record.message}`;
  } else if (check.pending.length === 0) {
    record = { ...base, status: 'healthy', pending: [], message: `healthy: ${check.healthy.length} object${check.healthy.length === 1 ? '' : 's'} ready${check.untracked.length ? `, ${check.untracked.length} without a health rule` : ''}` };
    outcome = 'success';
    description = `${job.cluster}: healthy`;
  } else if (now >= Date.parse(previous.deadline)) {
    const ids = check.pending.map((p) => p.object.id);
    record = { ...base, status: 'timed-out', pending: check.pending.map((p) => p.object), message: `timed out waiting for ${check.pending.map((p) => `${p.object.id} (${p.health.message})`).join(', ')}` };
    outcome = 'failure';
    description = `${job.cluster}: timed out waiting for ${listIds(ids)}`;
  } else {
    const first = check.pending[0]!;
    record = { ...base, pending: check.pending.map((p) => p.object), message: `waiting for ${check.pending.length}: ${first.object.id} (${first.health.message})` };
  }
  try {
    await writeHealth(conn.client, deps.stateNamespace, job.environment, record, read.resourceVersion);
  } catch (err) {
    // The state changed since it was read: a newer sync may have started; the next delivery decides.
    if (err instanceof KubeApiError && err.status === 409) throw new Error(`health record of ${job.environment} changed while checking; retrying`, { cause: err });
    throw err;
  }
  if (outcome) {
    log[outcome === 'success' ? 'info' : 'warn'](`health.${record.status}`, { ...where, result: record.message });
    if (deps.status) await deps.status.setStatus(job.revision, { context: statusContext(job.environment, job.cluster), state: outcome, description: clip(description) });
    return { outcome: record.status as 'healthy' | 'degraded' | 'timed-out', record, lists: check.lists };
  }
  const delay = nextHealthDelayMs(job.attempt, now, Date.parse(previous.deadline));
  await deps.queue.send({ ...job, attempt: job.attempt + 1 }, delay);
  log.info('health.waiting', { ...where, result: `${record.message}; next check in ${Math.round(delay / 1000)} s` });
  return { outcome: 'waiting', record, lists: check.lists };
}
