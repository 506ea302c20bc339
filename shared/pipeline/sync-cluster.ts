/**
 * `pipeline.syncCluster`: one environment onto one cluster, as the named steps of sync-steps.ts run in order
 * (connect → lease → state + HEAD → build → apply → prune → state), then one result, one status and one
 * log line. HEAD is applied, never the job's commit. Whether the queue should try again is decided here,
 * once, by the rule in shared/retry.
 */
import { LeaseLostError, type ClusterTarget, type ObjectOutcome } from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';
import type { ManifestError } from '../manifests/index.ts';
import { isTransientStatus } from '../retry/transient.ts';
import { clip, resolveSyncSettings, StatusReports, type PruneReport, type SyncClusterDeps, type SyncOptions, type SyncRun } from './sync-run.ts';
import { SYNC_STEPS, SyncRefusedError, type SyncEnd, type SyncStep } from './sync-steps.ts';

export type { PruneReport, SyncClusterDeps, SyncOptions, SyncSettings } from './sync-run.ts';

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
  /** Objects by outcome (the words of {@link ObjectOutcome}'s `action`), and files that did not render. */
  counts: { applied: number; unchanged: number; failed: number; pruned: number; renderErrors: number };
  objects: ObjectOutcome[];
  prune?: PruneReport;
  renderErrors: ManifestError[];
  /** What stopped the sync as a whole (cluster unreachable, source failed, lease lost). */
  error?: string;
  /** Hand the job back to the queue: the sync failed for a reason a retry may cure, or another worker held the lease. */
  retryable: boolean;
  /** The commit status description. */
  description: string;
}

type Draft = Omit<SyncClusterResult, 'description'>;

/** "weekly-47: 41 applied, 1 failed (default:deployment/web: …)". */
export function describeSync(r: Draft): string {
  if (r.outcome === 'failed' && r.error) return clip(`${r.cluster}: sync failed: ${r.error}`);
  if (r.outcome === 'up-to-date') return clip(`${r.cluster}: up to date at ${r.revision?.slice(0, 7) ?? '?'}`);
  if (r.outcome === 'lease-held') return clip(`${r.cluster}: another sync holds the lease (${r.leaseHolder ?? '?'})`);
  const parts = [`${r.counts.applied} applied`];
  if (r.counts.unchanged) parts.push(`${r.counts.unchanged} unchanged`);
  if (r.counts.failed) parts.push(`${r.counts.failed} failed`);
  if (r.counts.pruned) parts.push(`${r.counts.pruned} ${r.dryRun || r.prune?.dryRun ? 'would be pruned' : 'pruned'}`);
  if (r.prune?.refused) parts.push('prune refused');
  if (r.counts.renderErrors) parts.push(`${r.counts.renderErrors} file error${r.counts.renderErrors === 1 ? '' : 's'}`);
  const firstFailure = r.objects.find((o) => o.action === 'failed');
  const firstError = r.renderErrors[0];
  const detail = firstFailure ? ` (${firstFailure.id}: ${firstFailure.message ?? ''})` : firstError ? ` (${firstError.file}${firstError.line ? `:${firstError.line}` : ''}: ${firstError.message})` : r.prune?.refused ? ` (${r.prune.refused})` : '';
  return clip(`${r.dryRun ? '[dry run] ' : ''}${r.cluster}: ${parts.join(', ')}${detail}`);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** An object failure a retry may cure (no answer, 429, 5xx after the client's own retries). */
const transientObject = (o: ObjectOutcome): boolean => o.action === 'failed' && o.status !== undefined && isTransientStatus(o.status, o.message ?? '');

/** Whether a sync stopped by `err` should be tried again: not when refused or when another worker took the lease. */
const retryableError = (err: unknown): boolean => !(err instanceof SyncRefusedError || err instanceof LeaseLostError);

/** Syncs one environment onto one cluster (a discovered target, or its name). */
export async function syncCluster(env: Environment, cluster: ClusterTarget | string, deps: SyncClusterDeps, options: SyncOptions = {}, steps: readonly SyncStep[] = SYNC_STEPS): Promise<SyncClusterResult> {
  const name = typeof cluster === 'string' ? cluster : cluster.name;
  const dryRun = options.dryRun ?? false;
  const run: SyncRun = {
    env, cluster: name, deps, options, dryRun, settings: resolveSyncSettings(deps.settings, env),
    statuses: new StatusReports(env.name, name, deps, dryRun),
    ...(typeof cluster === 'string' ? {} : { target: cluster }),
    full: false, items: [], applied: [], pruned: [],
  };
  try {
    let end: SyncEnd | undefined;
    for (const step of steps) {
      end = await step.run(run);
      if (end) break;
    }
    return finish(run, end);
  } catch (err) {
    return await fail(run, err);
  } finally {
    await run.lease?.release().catch((err: unknown) => deps.log.warn('sync.lease-release-failed', { environment: env.name, cluster: name, result: message(err) }));
    await run.statuses.settled();
  }
}

function base(run: SyncRun): Draft {
  return {
    environment: run.env.name, cluster: run.cluster, outcome: 'failed', full: run.full, dryRun: run.dryRun, skippedBecauseLeaseHeld: false,
    counts: { applied: 0, unchanged: 0, failed: 0, pruned: 0, renderErrors: 0 }, objects: [], renderErrors: [], retryable: false,
    ...(run.revision ? { revision: run.revision } : {}),
  };
}

/** The result of a sync that ran to its end (or that a step ended early), with its status and its one log line. */
function finish(run: SyncRun, end: SyncEnd | undefined): SyncClusterResult {
  const fields = { environment: run.env.name, cluster: run.cluster, commit: run.revision };
  if (end?.outcome === 'lease-held') {
    // Retried too: the holder may have read HEAD before the commit this job is for.
    const r = done({ ...base(run), full: false, outcome: 'lease-held', skippedBecauseLeaseHeld: true, leaseHolder: end.holder, retryable: true });
    run.deps.log.info('sync.lease-held', { ...fields, result: `held by ${end.holder} until ${end.expiresAt}` });
    return r;
  }
  if (end?.outcome === 'up-to-date') {
    const r = done({ ...base(run), outcome: 'up-to-date', counts: { ...base(run).counts, unchanged: run.state?.inventory.length ?? 0 } });
    run.statuses.report(run.revision, 'success', r.description);
    run.deps.log.info('sync.done', { ...fields, result: r.description });
    return r;
  }
  const byId = new Map(run.applied.map((o) => [o.id, o]));
  const objects = [...run.items.map((i) => byId.get(i.id) ?? { id: i.id, action: 'unchanged' as const }), ...run.pruned];
  const failed = objects.filter((o) => o.action === 'failed');
  const renderErrors = run.rendered?.errors ?? [];
  // An object that failed for a reason a retry may cure fails the sync as retryable (state written first):
  // the queue's next delivery applies it, not the next push.
  const transient = failed.filter(transientObject);
  const r = done({
    ...base(run), outcome: transient.length ? 'failed' : 'synced',
    ...(transient.length ? { retryable: true, error: `${transient.length} object(s) failed with transient errors, retrying (${transient[0]!.id}: ${transient[0]!.message ?? ''})` } : {}),
    counts: {
      applied: run.applied.filter((o) => o.action === 'applied').length,
      unchanged: run.plan?.unchanged.length ?? 0,
      failed: failed.length,
      pruned: run.pruned.filter((o) => o.action === 'pruned').length,
      renderErrors: renderErrors.length,
    },
    objects, renderErrors,
    ...(run.prune ? { prune: run.prune } : {}),
  });
  run.statuses.report(run.revision, failed.length || renderErrors.length ? 'failure' : 'success', r.description);
  run.deps.log.info('sync.done', { ...fields, result: r.description });
  return r;
}

async function fail(run: SyncRun, err: unknown): Promise<SyncClusterResult> {
  const revision = run.revision ?? (await run.deps.source.resolveBranch(run.env.branch).catch(() => undefined));
  const r = done({ ...base(run), full: false, ...(revision ? { revision } : {}), outcome: 'failed', error: message(err), retryable: retryableError(err) });
  run.deps.log.error('sync.failed', { environment: run.env.name, cluster: run.cluster, commit: revision, result: r.error });
  run.statuses.report(revision, 'failure', r.description);
  return r;
}

const done = (r: Draft): SyncClusterResult => ({ ...r, description: describeSync(r) });
