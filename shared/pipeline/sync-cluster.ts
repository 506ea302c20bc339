/**
 * `pipeline.syncCluster`: one environment onto one cluster, as the named steps of sync-steps.ts run in order
 * (connect → lease → state + HEAD → build → apply → prune → state), then one result, one status and one
 * log line. HEAD is applied, never the job's commit. Whether the queue should try again is decided here,
 * once, by the rule in shared/retry.
 */
import { LeaseLostError, applyChange, type ClusterTarget, type ObjectOutcome, type Suspension } from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';
import type { ManifestError } from '../manifests/index.ts';
import { isTransientStatus } from '../retry/transient.ts';
import { describeSync } from './describe-sync.ts';
import { resolveSyncSettings, StatusReports, type PruneReport, type SyncClusterDeps, type SyncOptions, type SyncRun } from './sync-run.ts';
import { SYNC_STEPS, SyncRefusedError, type SyncEnd, type SyncStep } from './sync-steps.ts';

export type { PruneReport, SyncClusterDeps, SyncOptions, SyncSettings } from './sync-run.ts';

export interface SyncClusterResult {
  environment: string;
  cluster: string;
  /**
   * synced: applied (with or without object failures); up-to-date: nothing to do; lease-held: another worker
   * has it; suspended: `gitops suspend` holds this environment on this cluster (nothing applied).
   */
  outcome: 'synced' | 'up-to-date' | 'lease-held' | 'suspended' | 'failed';
  /** Why and by whom, when suspended. */
  suspended?: Suspension;
  revision?: string;
  full: boolean;
  dryRun: boolean;
  skippedBecauseLeaseHeld: boolean;
  leaseHolder?: string;
  /**
   * Objects by outcome, and files that did not render. applied: objects the server changed (created +
   * configured); unchanged: not sent (content as in the inventory) or sent and left as they were (the answer's
   * resourceVersion is the one recorded after the last apply: see applyChange).
   */
  counts: { applied: number; created: number; configured: number; unchanged: number; failed: number; pruned: number; renderErrors: number };
  objects: ObjectOutcome[];
  prune?: PruneReport;
  renderErrors: ManifestError[];
  /** What stopped the sync as a whole (cluster unreachable, source failed, lease lost). */
  error?: string;
  /** Hand the job back to the queue: the sync failed for a reason a retry may cure, or another worker held the lease. */
  retryable: boolean;
  /** The commit status description. */
  description: string;
  /** The objects this sync sent and the server accepted (not dry runs): rollout health watches those with health rules. */
  changed?: Array<{ id: string; apiVersion: string; kind: string; namespace?: string; name: string }>;
}

type Draft = Omit<SyncClusterResult, 'description'>;

export { describeSync };

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** An object failure a retry may cure (no answer, 429, 5xx after the client's own retries). */
const transientObject = (o: ObjectOutcome): boolean => o.action === 'failed' && o.status !== undefined && isTransientStatus(o.status, o.message ?? '');

/** Whether a sync stopped by `err` should be tried again: not when refused or when another worker took the lease. */
const retryableError = (err: unknown): boolean => !(err instanceof SyncRefusedError || err instanceof LeaseLostError);

/** Syncs one environment onto one cluster (a discovered target, or its name). */
export async function syncCluster(env: Environment, cluster: ClusterTarget | string, deps: SyncClusterDeps, options: SyncOptions = {}, steps: readonly SyncStep[] = SYNC_STEPS): Promise<SyncClusterResult> {
  const name = typeof cluster === 'string' ? cluster : cluster.name;
  const dryRun = options.dryRun ?? false;
  const settings = resolveSyncSettings(deps.settings);
  const run: SyncRun = {
    env, cluster: name, deps, options, dryRun, settings,
    statuses: new StatusReports(env.name, name, deps, dryRun, settings.pendingStatusAfterMs),
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
    counts: { applied: 0, created: 0, configured: 0, unchanged: 0, failed: 0, pruned: 0, renderErrors: 0 }, objects: [], renderErrors: [], retryable: false,
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
  if (end?.outcome === 'suspended') {
    // `gitops suspend`: nothing applied or written; the status says so on the commit that was not applied.
    const s = end.suspension;
    const r = done({ ...base(run), full: false, outcome: 'suspended', suspended: s });
    run.statuses.report(run.revision, 'pending', r.description);
    run.deps.log.warn('sync.suspended', { ...fields, result: `not applied: suspended by ${s.by} at ${s.at}: ${s.reason}` });
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
  // What each accepted apply did, from the server's answer against the inventory.
  const previous = new Map((run.state?.inventory ?? []).map((e) => [e.id, e]));
  const checksums = new Map(run.items.map((i) => [i.id, i.checksum]));
  const changes = { created: 0, configured: 0, unchanged: 0 };
  for (const item of run.plan?.toApply ?? []) {
    const o = byId.get(item.id);
    if (o?.action === 'applied') changes[applyChange(o, previous.get(item.id), checksums.get(item.id)!)] += 1;
  }
  const r = done({
    ...base(run), outcome: transient.length ? 'failed' : 'synced',
    ...(transient.length ? { retryable: true, error: `${transient.length} object(s) failed with transient errors, retrying (${transient[0]!.id}: ${transient[0]!.message ?? ''})` } : {}),
    counts: {
      applied: changes.created + changes.configured,
      created: changes.created,
      configured: changes.configured,
      unchanged: (run.plan?.unchanged.length ?? 0) + changes.unchanged,
      failed: failed.length,
      pruned: run.pruned.filter((o) => o.action === 'pruned').length,
      renderErrors: renderErrors.length,
    },
    objects, renderErrors,
    ...(run.prune ? { prune: run.prune } : {}),
    ...(run.dryRun ? {} : {
      changed: run.items.filter((i) => byId.get(i.id)?.action === 'applied').map(({ id, resource: r }) => ({ id, apiVersion: r.apiVersion, kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name })),
    }),
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
