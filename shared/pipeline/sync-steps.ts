/**
 * The steps of a sync, in order: connect → lease → state + HEAD → pending status → build → apply → prune → state. Each reads
 * what earlier steps put on the {@link SyncRun} and adds its own part; a step that ends the sync early
 * answers how. A new step (a suspend check, per-cluster variables, a health check) is one more entry in
 * {@link SYNC_STEPS}. Statuses and the final result are sync-cluster.ts's.
 */
import {
  KubeApiError, acquireLease, applyItems, applyObjects, deleteObjects, ensureNamespace, listMarkedObjects, nextInventory,
  planApply, planPrune, readStateObject, syncSetName, writeSyncState, type ApplyProgress, type ObjectOutcome, type Suspension,
} from '../clusters/index.ts';
import { foreignOwned, notYetOwned } from '../clusters/ownership.ts';
import type { SourceReader } from '../sources/port.ts';
import { syncSetPaths } from '../config/index.ts';
import { renderForCluster } from './render-for-cluster.ts';
import type { SyncRun } from './sync-run.ts';

/** How a step ends a sync before the last step: nothing to do, or another worker holds the cluster. */
export type SyncEnd = { outcome: 'up-to-date' } | { outcome: 'lease-held'; holder: string; expiresAt: string } | { outcome: 'suspended'; suspension: Suspension };

export interface SyncStep {
  readonly name: string;
  run(run: SyncRun): Promise<SyncEnd | undefined>;
}

/** A failure no retry cures (the job names a cluster the environment does not select). */
export class SyncRefusedError extends Error {
  override readonly name = 'SyncRefusedError';
}

/** Finds the cluster among the environment's (unless the caller brought it) and connects. */
export const connect: SyncStep = {
  name: 'connect',
  async run(run) {
    run.target ??= (await run.deps.connector.discover(run.env)).find((t) => t.name === run.cluster);
    if (!run.target) throw new SyncRefusedError(`cluster ${run.cluster} is not among the clusters environment ${run.env.name} selects`);
    run.conn = await run.deps.connector.connect(run.target);
    return undefined;
  },
};

/** Takes the environment's lease on the cluster (not in a dry run); creates the state namespace on a first sync. */
export const lease: SyncStep = {
  name: 'lease',
  async run(run) {
    if (run.dryRun) return undefined;
    const client = run.conn!.client;
    const { stateNamespace: namespace, holderIdentity: holder } = run.settings;
    const acquire = () => acquireLease(client, { namespace, environment: run.env.name, holder, clock: run.deps.clock, ...run.settings.lease });
    // The state namespace is created on a cluster's first sync only (not one round trip on every sync).
    const got = await acquire().catch(async (err: unknown) => {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      await ensureNamespace(client, namespace);
      return acquire();
    });
    if (got.status === 'held') return { outcome: 'lease-held', holder: got.holder, expiresAt: got.expiresAt };
    run.lease = got.lease;
    return undefined;
  },
};

/**
 * Reads the sync state and the branch HEAD together, under the lease: a job for an older commit applies HEAD,
 * never its own revision, and a worker that takes the lease after another cannot apply an older HEAD than it did.
 */
export const readStateAndHead: SyncStep = {
  name: 'state+HEAD',
  async run(run) {
    const { conn, env, options } = run;
    const [{ state, suspension }, revision] = await Promise.all([readStateObject(conn!.client, run.settings.stateNamespace, env.name), run.deps.source.resolveBranch(env.branch)]);
    run.revision = revision;
    if (state) run.state = state;
    // `gitops suspend` (keys in the same ConfigMap, no extra request): nothing is applied or written.
    if (suspension) return { outcome: 'suspended', suspension };
    run.full = Boolean(options.full || options.job?.full || options.job?.reason === 'drift' || !state || state.inventoryDropped);
    if (!run.full && state && state.revision === revision && state.errors.length === 0) return { outcome: 'up-to-date' };
    return undefined;
  },
};

/**
 * Tells the commit's readers this cluster is being synced (the status the last step's result replaces), once the
 * sync has run a while (`pendingStatusAfterMs`).
 */
export const pendingStatus: SyncStep = {
  name: 'pending status',
  async run(run) {
    run.statuses.started(run.revision, `${run.cluster}: ${run.dryRun ? 'dry run' : 'syncing'} ${run.revision?.slice(0, 7)}${run.full ? ' (full)' : ''}`);
    return undefined;
  },
};

/**
 * Reads the cluster's variables (when gitops.yaml names a ConfigMap), renders the environment at HEAD in its mode
 * and plans what to apply (everything on a full sync). A missing or unreadable variables ConfigMap, or a
 * generated environment refused as a whole, fails the sync before anything is applied or pruned.
 */
export const build: SyncStep = {
  name: 'build',
  async run(run) {
    const { conn, deps, env } = run;
    // The commit's file list is read while discovery loads (both round trips at once, not one after the other);
    // the render then gets that same answer.
    const revision = run.revision!;
    const tree = deps.source.listFiles(revision);
    tree.catch(() => undefined); // a failure is the render's to report
    await conn!.discovery.load();
    const source: SourceReader = {
      description: deps.source.description,
      defaultBranch: () => deps.source.defaultBranch(),
      resolveBranch: (branch) => deps.source.resolveBranch(branch),
      listFiles: (r) => (r === revision ? tree : deps.source.listFiles(r)),
      readFiles: (r, paths) => deps.source.readFiles(r, paths),
    };
    const built = await renderForCluster(env, revision, conn!, { ...deps, source }, {
      stateNamespace: run.settings.stateNamespace,
      ...(run.settings.renderLimits ? { limits: run.settings.renderLimits } : {}),
    });
    if (!built.ok) throw new SyncRefusedError(built.message);
    if (built.rendered.refused) {
      const e = built.rendered.errors[0];
      throw new SyncRefusedError(`${env.name} is refused as a whole, nothing applied: ${e ? `${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}` : 'no reason given'}`);
    }
    run.rendered = built.rendered;
    run.setName = syncSetName(run.settings.gitUrl, env.branch, syncSetPaths(env));
    run.items = applyItems(run.rendered.resources, run.setName, deps.applyCache);
    run.plan = planApply(run.items, run.state, run.full);
    // Objects another sync set owns on this cluster are reported as conflicts, never taken over by forced apply.
    if (!run.settings.takeOverObjects) {
      run.conflicts = await foreignOwned(conn!, notYetOwned(run.plan.toApply, run.state), run.state);
      const conflicted = new Set(run.conflicts.map((c) => c.id));
      if (conflicted.size > 0) run.plan = { ...run.plan, toApply: run.plan.toApply.filter((i) => !conflicted.has(i.id)) };
    }
    deps.log.info('sync.start', { environment: env.name, cluster: run.cluster, commit: run.revision, result: `${run.plan.toApply.length} to apply, ${run.plan.unchanged.length} unchanged${run.full ? ' (full)' : ''}` });
    return undefined;
  },
};

/** Server-side applies what changed, rank by rank, renewing the lease between ranks. */
export const apply: SyncStep = {
  name: 'apply',
  async run(run) {
    const { lease: held, settings, plan } = run;
    const applied = await applyObjects(run.conn!, plan!.toApply, {
      clock: run.deps.clock, dryRun: run.dryRun,
      ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
      ...(settings.crdWaitMs !== undefined ? { crdWaitMs: settings.crdWaitMs } : {}),
      ...(held ? { onRankDone: () => held.renewIfDue() } : {}),
      ...(run.deps.progress ? { onProgress: (p: ApplyProgress) => run.deps.progress!(run.cluster, p) } : {}),
    });
    applied.push(...(run.conflicts ?? []));
    run.applied = [...applied, ...plan!.unchanged.map((item): ObjectOutcome => ({ id: item.id, action: 'unchanged' }))];
    for (const o of applied) {
      if (o.action === 'failed') run.deps.log.warn('sync.object-failed', { environment: run.env.name, cluster: run.cluster, commit: run.revision, result: `${o.id}: ${o.message}` });
    }
    return undefined;
  },
};

/** Deletes (or, in a dry run, reports) the objects of this sync set that git no longer has, when prune is on. */
export const prune: SyncStep = {
  name: 'prune',
  async run(run) {
    if (!(run.options.prune ?? run.env.prune)) return undefined;
    const { conn, rendered } = run;
    const plan = planPrune({
      syncSetName: run.setName!, marked: await listMarkedObjects(conn!),
      desired: new Set(run.items.map((i) => i.id)),
      skipped: new Set(rendered!.skipped.flatMap((s) => (s.id ? [s.id] : []))),
      renderErrors: rendered!.errors.length,
      maxShare: run.settings.pruneMaxShare,
      force: run.options.forcePrune ?? false,
    });
    run.prune = { dryRun: run.dryRun, candidates: plan.candidates.map((c) => c.id), protected: plan.protected, ...(plan.refused ? { refused: plan.refused } : {}) };
    if (plan.refused) run.deps.log.warn('sync.prune-refused', { environment: run.env.name, cluster: run.cluster, commit: run.revision, result: plan.refused });
    await run.lease?.renewIfDue();
    run.pruned = await deleteObjects(conn!, plan.delete, { dryRun: run.dryRun, ...(run.settings.concurrency !== undefined ? { concurrency: run.settings.concurrency } : {}) });
    return undefined;
  },
};

/** Records what the cluster now holds (revision, inventory, per-object errors). Not in a dry run. */
export const writeState: SyncStep = {
  name: 'state',
  async run(run) {
    if (run.dryRun) return undefined;
    await run.lease?.renewIfDue();
    const now = new Date(run.deps.clock.now()).toISOString();
    const outcomes = new Map(run.applied.map((o) => [o.id, o]));
    const failed = [...run.applied, ...run.pruned].filter((o) => o.action === 'failed');
    await writeSyncState(run.conn!.client, run.settings.stateNamespace, {
      environment: run.env.name, revision: run.revision!, syncedAt: now,
      fullSyncAt: run.full ? now : run.state?.fullSyncAt,
      inventory: nextInventory(run.items, outcomes, run.state),
      errors: failed.map((o) => ({ id: o.id, message: o.message ?? o.action })),
      trimmed: undefined,
    });
    return undefined;
  },
};

/** The sync, in order. */
export const SYNC_STEPS: readonly SyncStep[] = [connect, lease, readStateAndHead, pendingStatus, build, apply, prune, writeState];
