/**
 * `pipeline.syncCluster`: one environment onto one cluster. Take the lease, read the sync state, resolve the
 * branch HEAD (HEAD is applied, never the job's commit), render, apply what changed (everything on a full
 * sync), prune (opt-in), write the state, release the lease, report a commit status a person can act on.
 */
import {
  DEFAULT_STATE_NAMESPACE, FIELD_MANAGER, KubeApiError, LeaseLostError, isTransientStatus, acquireLease, applyItems, applyObjects, deleteObjects, ensureNamespace,
  listMarkedObjects, nextInventory, planApply, planPrune, readSyncState, syncSetName, writeSyncState,
  type ApplyItemCache, type Clock, type ClusterConnection, type ClusterConnector, type ClusterTarget, type HeldLease, type ObjectOutcome, type SyncState,
} from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';
import type { ManifestError, ParseCache } from '../manifests/index.ts';
import type { SourceReader, StatusReporter, StatusState } from '../sources/port.ts';
import type { Logger } from './logger.ts';
import { foreignOwned, notYetOwned } from '../clusters/ownership.ts';
import { renderEnvironment } from './render-environment.ts';
import type { RenderLimits } from './render-guards.ts';
import type { SyncJob } from './sync-job.ts';

export interface SyncSettings {
  /** The config repository's URL as Flux v1 was given it: the GC marks depend on it. */
  gitUrl: string;
  /** The paths Flux v1 was given for an environment (default `[env.path]`): the GC marks depend on them. */
  gcPaths?: (env: Environment) => readonly string[];
  /** This worker's identity in leases (unique per invocation). */
  holderIdentity: string;
  /** Namespace of the sync state and lease (default gitops-system). */
  stateNamespace?: string;
  fieldManager?: string;
  /** Objects applied at once within a rank (default 16). */
  concurrency?: number;
  /** Largest share of the owned objects one prune may delete without force (default 0.5). */
  pruneMaxShare?: number;
  leaseDurationSeconds?: number;
  /** How long to wait for another worker's lease (default 0: give up at once). */
  leaseWaitMs?: number;
  leasePollMs?: number;
  crdWaitMs?: number;
  /** Take over objects another sync set owns (GITOPS_TAKE_OVER_OBJECTS); default: report them as conflicts. */
  takeOverObjects?: boolean;
  /** Size limits of the render (default 2 MiB per file, 32 MiB per environment). */
  renderLimits?: RenderLimits;
}

export interface SyncClusterDeps {
  source: SourceReader;
  status?: StatusReporter;
  connector: ClusterConnector;
  clock: Clock;
  log: Logger;
  settings: SyncSettings;
  /** Parsed files shared by this process's syncs (many clusters render the same commit). */
  parseCache?: ParseCache;
  /** Apply bodies shared by this process's syncs (built once per parsed object, not once per cluster). */
  applyCache?: ApplyItemCache;
}

export interface SyncOptions {
  /** The job that asked (a hint: its `full` and `reason` count, its revision does not). */
  job?: SyncJob;
  /** Apply every object, whatever the inventory says. */
  full?: boolean;
  /** Server-side dry run: nothing stored, prune only reported, no state written, no lease taken. */
  dryRun?: boolean;
  /** Override the environment's prune setting. */
  prune?: boolean;
  /** Prune even when a safety rule refuses. */
  forcePrune?: boolean;
}

export interface PruneReport {
  dryRun: boolean;
  /** Why nothing was deleted, when a safety rule refused. */
  refused?: string;
  /** Ids that were (or would be) deleted. */
  candidates: string[];
  protected: Array<{ id: string; reason: string }>;
}

export interface SyncClusterResult {
  environment: string;
  cluster: string;
  /** synced: applied (with or without object failures); up-to-date: nothing to do; lease-held: another worker has it. */
  outcome: 'synced' | 'up-to-date' | 'lease-held' | 'failed';
  revision?: string;
  full: boolean;
  dryRun: boolean;
  skippedBecauseLeaseHeld: boolean;
  leaseHolder?: string;
  counts: { applied: number; unchanged: number; failed: number; pruned: number; renderErrors: number };
  objects: ObjectOutcome[];
  prune?: PruneReport;
  renderErrors: ManifestError[];
  /** What stopped the sync as a whole (cluster unreachable, source failed, lease lost). */
  error?: string;
  /** The whole sync failed for a reason a retry may cure (the queue should retry the job). */
  retryable: boolean;
  /** The commit status description. */
  description: string;
}

const STATUS_LIMIT = 140;

function clip(text: string, n = STATUS_LIMIT): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

/** "weekly-47: 41 applied, 1 failed (default:deployment/web: …)". */
export function describeSync(r: Omit<SyncClusterResult, 'description'>): string {
  if (r.outcome === 'failed' && r.error) return clip(`${r.cluster}: sync failed: ${r.error}`);
  if (r.outcome === 'up-to-date') return clip(`${r.cluster}: up to date at ${r.revision?.slice(0, 7) ?? '?'}`);
  if (r.outcome === 'lease-held') return clip(`${r.cluster}: another sync holds the lease (${r.leaseHolder ?? '?'})`);
  const parts = [`${r.counts.applied} applied`];
  if (r.counts.unchanged) parts.push(`${r.counts.unchanged} unchanged`);
  if (r.counts.failed) parts.push(`${r.counts.failed} failed`);
  if (r.counts.pruned) parts.push(`${r.counts.pruned} ${r.dryRun || r.prune?.dryRun ? 'would be pruned' : 'pruned'}`);
  if (r.prune?.refused) parts.push('prune refused');
  if (r.counts.renderErrors) parts.push(`${r.counts.renderErrors} file error${r.counts.renderErrors === 1 ? '' : 's'}`);
  const firstFailure = r.objects.find((o) => o.action === 'failed' || o.action === 'prune-failed');
  const firstError = r.renderErrors[0];
  const detail = firstFailure ? ` (${firstFailure.id}: ${firstFailure.message ?? ''})` : firstError ? ` (${firstError.file}${firstError.line ? `:${firstError.line}` : ''}: ${firstError.message})` : r.prune?.refused ? ` (${r.prune.refused})` : '';
  return clip(`${r.dryRun ? '[dry run] ' : ''}${r.cluster}: ${parts.join(', ')}${detail}`);
}

function emptyResult(env: Environment, cluster: string, options: SyncOptions): Omit<SyncClusterResult, 'description'> {
  return {
    environment: env.name, cluster, outcome: 'failed', full: false, dryRun: options.dryRun ?? false, skippedBecauseLeaseHeld: false,
    counts: { applied: 0, unchanged: 0, failed: 0, pruned: 0, renderErrors: 0 }, objects: [], renderErrors: [], retryable: false,
  };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Syncs one environment onto one cluster (a discovered target, or its name). */
export async function syncCluster(env: Environment, cluster: ClusterTarget | string, deps: SyncClusterDeps, options: SyncOptions = {}): Promise<SyncClusterResult> {
  const { log, settings } = deps;
  const name = typeof cluster === 'string' ? cluster : cluster.name;
  const base = emptyResult(env, name, options);
  // One status per cluster: a shared environment context would let the last cluster's success hide another's failure.
  const context = `gitops/${env.name}/${name}`;
  // Statuses go out in order, off the apply path: only the end of the sync waits for them.
  let statuses: Promise<void> = Promise.resolve();
  const report = (revision: string | undefined, state: StatusState, description: string): Promise<void> => {
    if (!deps.status || !revision || options.dryRun) return statuses;
    const status = deps.status;
    statuses = statuses.then(async () => {
      try { await status.setStatus(revision, { context, state, description: clip(description) }); } catch (err) {
        log.warn('sync.status-failed', { environment: env.name, cluster: name, commit: revision, result: message(err) });
      }
    });
    return statuses;
  };
  const finish = (r: Omit<SyncClusterResult, 'description'>): SyncClusterResult => ({ ...r, description: describeSync(r) });
  const fail = async (r: Omit<SyncClusterResult, 'description'>, err: unknown, retryable: boolean): Promise<SyncClusterResult> => {
    const revision = r.revision ?? (await deps.source.resolveBranch(env.branch).catch(() => undefined));
    const result = finish({ ...r, revision, outcome: 'failed', error: message(err), retryable });
    log.error('sync.failed', { environment: env.name, cluster: name, commit: revision, result: result.error });
    await report(revision, 'failure', result.description);
    return result;
  };

  let target: ClusterTarget | undefined = typeof cluster === 'string' ? undefined : cluster;
  let conn: ClusterConnection;
  try {
    target ??= (await deps.connector.discover(env)).find((t) => t.name === name);
    if (!target) return await fail(base, new Error(`cluster ${name} is not among the clusters environment ${env.name} selects`), false);
    conn = await deps.connector.connect(target);
  } catch (err) {
    return fail(base, err, true);
  }

  const namespace = settings.stateNamespace ?? DEFAULT_STATE_NAMESPACE;
  const fieldManager = settings.fieldManager ?? FIELD_MANAGER;
  let lease: HeldLease | undefined;
  if (!options.dryRun) {
    try {
      const acquire = () => acquireLease(conn.client, {
        namespace, environment: env.name, holder: settings.holderIdentity, clock: deps.clock,
        ...(settings.leaseDurationSeconds !== undefined ? { durationSeconds: settings.leaseDurationSeconds } : {}),
        ...(settings.leaseWaitMs !== undefined ? { waitMs: settings.leaseWaitMs } : {}),
        ...(settings.leasePollMs !== undefined ? { pollMs: settings.leasePollMs } : {}),
      });
      // The state namespace is created on a cluster's first sync only (not one round trip on every sync).
      const got = await acquire().catch(async (err: unknown) => {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
        await ensureNamespace(conn.client, namespace, fieldManager);
        return acquire();
      });
      if (got.status === 'held') {
        log.info('sync.lease-held', { environment: env.name, cluster: name, result: `held by ${got.holder} until ${got.expiresAt}` });
        return finish({ ...base, outcome: 'lease-held', skippedBecauseLeaseHeld: true, leaseHolder: got.holder });
      }
      lease = got.lease;
    } catch (err) {
      return fail(base, err, true);
    }
  }

  try {
    return await syncHeld(env, conn, deps, options, base, lease, report, finish);
  } catch (err) {
    return await fail(base, err, !(err instanceof LeaseLostError));
  } finally {
    if (lease) {
      await lease.release().catch((err: unknown) => log.warn('sync.lease-release-failed', { environment: env.name, cluster: name, result: message(err) }));
    }
    await statuses;
  }
}

const isTransientFailure = (o: ObjectOutcome): boolean => (o.action === 'failed' || o.action === 'prune-failed') && o.status !== undefined && isTransientStatus(o.status, o.message ?? '');

type Report = (revision: string | undefined, state: StatusState, description: string) => Promise<void>;
type Finish = (r: Omit<SyncClusterResult, 'description'>) => SyncClusterResult;

async function syncHeld(
  env: Environment, conn: ClusterConnection, deps: SyncClusterDeps, options: SyncOptions,
  base: Omit<SyncClusterResult, 'description'>, lease: HeldLease | undefined, report: Report, finish: Finish,
): Promise<SyncClusterResult> {
  const { log, settings, clock } = deps;
  const cluster = base.cluster;
  const namespace = settings.stateNamespace ?? DEFAULT_STATE_NAMESPACE;
  const fieldManager = settings.fieldManager ?? FIELD_MANAGER;
  // HEAD is read under the lease (beside the state): a job for an older commit applies HEAD, never its own
  // revision, and a worker that takes the lease after another cannot apply an older HEAD than it did.
  const [state, revision] = await Promise.all([readSyncState(conn.client, namespace, env.name), deps.source.resolveBranch(env.branch)]);
  const full = Boolean(options.full || options.job?.full || options.job?.reason === 'drift' || !state || state.inventoryDropped);
  const prune = options.prune ?? env.prune;
  if (!full && state && state.revision === revision && state.errors.length === 0) {
    log.info('sync.up-to-date', { environment: env.name, cluster, commit: revision });
    const r = finish({ ...base, outcome: 'up-to-date', revision, full, counts: { ...base.counts, unchanged: state.inventory.length } });
    void report(revision, 'success', r.description);
    return r;
  }
  void report(revision, 'pending', `${cluster}: ${options.dryRun ? 'dry run' : 'syncing'} ${revision.slice(0, 7)}${full ? ' (full)' : ''}`);

  await conn.discovery.load();
  const rendered = await renderEnvironment(deps.source, env, revision, { scopeOf: conn.discovery.scopeOf, stateNamespace: namespace, ...(settings.renderLimits ? { limits: settings.renderLimits } : {}), ...(deps.parseCache ? { parseCache: deps.parseCache } : {}) });
  const setName = syncSetName(settings.gitUrl, env.branch, settings.gcPaths?.(env) ?? [env.path]);
  const items = applyItems(rendered.resources, setName, deps.applyCache);
  const plan = planApply(items, state, full);
  // Objects another sync set owns on this cluster are reported as conflicts, never taken over by forced apply.
  const conflicts = settings.takeOverObjects ? [] : await foreignOwned(conn, notYetOwned(plan.toApply, state), state);
  const conflicted = new Set(conflicts.map((c) => c.id));
  const toApply = conflicted.size > 0 ? plan.toApply.filter((i) => !conflicted.has(i.id)) : plan.toApply;
  log.info('sync.start', { environment: env.name, cluster, commit: revision, result: `${plan.toApply.length} to apply, ${plan.unchanged.length} unchanged${full ? ' (full)' : ''}` });

  const applied = await applyObjects(conn, toApply, {
    clock, fieldManager, dryRun: options.dryRun ?? false,
    ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
    ...(settings.crdWaitMs !== undefined ? { crdWaitMs: settings.crdWaitMs } : {}),
    ...(lease ? { onRankDone: () => lease.renewIfDue() } : {}),
  });
  applied.push(...conflicts);
  const outcomes = new Map<string, ObjectOutcome>(applied.map((o) => [o.id, o]));
  for (const item of plan.unchanged) outcomes.set(item.id, { id: item.id, action: 'unchanged' });
  for (const o of applied) {
    if (o.action === 'failed') log.warn('sync.object-failed', { environment: env.name, cluster, commit: revision, result: `${o.id}: ${o.message}` });
  }

  let pruneReport: PruneReport | undefined;
  const pruneOutcomes: ObjectOutcome[] = [];
  if (prune) {
    const dryRun = options.dryRun ?? false;
    const marked = await listMarkedObjects(conn);
    const pp = planPrune({
      syncSetName: setName, marked,
      desired: new Set(items.map((i) => i.id)),
      skipped: new Set(rendered.skipped.flatMap((s) => (s.id ? [s.id] : []))),
      renderErrors: rendered.errors.length,
      maxShare: settings.pruneMaxShare ?? 0.5,
      force: options.forcePrune ?? false,
    });
    pruneReport = { dryRun, candidates: pp.candidates.map((c) => c.id), protected: pp.protected, ...(pp.refused ? { refused: pp.refused } : {}) };
    if (pp.refused) log.warn('sync.prune-refused', { environment: env.name, cluster, commit: revision, result: pp.refused });
    await lease?.renewIfDue();
    pruneOutcomes.push(...(await deleteObjects(conn, pp.delete, { dryRun, ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}) })));
  }

  const objects = [...items.map((i) => outcomes.get(i.id)!), ...pruneOutcomes];
  const failed = objects.filter((o) => o.action === 'failed' || o.action === 'prune-failed');
  // An object that failed for a reason a retry may cure (no answer, 429, 5xx after the client's retries) fails
  // the sync as retryable (state written first): the queue's next delivery applies it, not the next push.
  const transient = failed.find(isTransientFailure);
  const result = finish({
    ...base, outcome: transient ? 'failed' : 'synced', revision, full,
    ...(transient ? { retryable: true, error: `${failed.filter(isTransientFailure).length} object(s) failed with transient errors, retrying (${transient.id}: ${transient.message ?? ''})` } : {}),
    counts: {
      applied: applied.filter((o) => o.action === 'applied').length,
      unchanged: plan.unchanged.length,
      failed: failed.length,
      pruned: pruneOutcomes.filter((o) => o.action === 'pruned' || o.action === 'would-prune').length,
      renderErrors: rendered.errors.length,
    },
    objects, renderErrors: rendered.errors,
    ...(pruneReport ? { prune: pruneReport } : {}),
  });

  // The final status goes out beside the state write and lease release (a failed write reports again).
  void report(revision, failed.length || rendered.errors.length ? 'failure' : 'success', result.description);
  if (!options.dryRun) {
    await lease?.renewIfDue();
    const now = new Date(clock.now()).toISOString();
    const next: SyncState = {
      environment: env.name, revision, syncedAt: now,
      fullSyncAt: full ? now : state?.fullSyncAt,
      inventory: nextInventory(items, outcomes, state),
      errors: failed.map((o) => ({ id: o.id, message: o.message ?? o.action })),
      trimmed: undefined,
    };
    await writeSyncState(conn.client, namespace, next, fieldManager);
  }
  log.info('sync.done', { environment: env.name, cluster, commit: revision, result: result.description });
  return result;
}
