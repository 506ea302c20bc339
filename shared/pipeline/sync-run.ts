/**
 * What one sync knows as it goes (`SyncRun`): its inputs with every default resolved once, and what each
 * step learnt. The steps in sync-steps.ts read what earlier steps set and add their own part.
 */
import type { BuildCache } from './build-cache.ts';
import type { RenderCache } from './render-cache.ts';
import {
  DEFAULT_STATE_NAMESPACE, type ApplyItem, type ApplyItemCache, type ApplyPlan, type ApplyProgress, type Clock, type ClusterConnection,
  type ClusterConnector, type ClusterTarget, type HeldLease, type ObjectOutcome, type SyncState,
} from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';
import type { ParseCache } from '../manifests/index.ts';
import type { SourceReader, StatusReporter, StatusState } from '../sources/port.ts';
import { clipWords } from './describe-sync.ts';
import type { Logger } from './logger.ts';
import type { RenderedEnvironment } from './render-environment.ts';
import type { RenderLimits } from './render-guards.ts';
import type { SyncJob } from './sync-job.ts';

export interface SyncSettings {
  /** The config repository's URL as Flux v1 was given it: the GC marks depend on it. */
  gitUrl: string;
  /** This worker's identity in leases (unique per invocation). */
  holderIdentity: string;
  /** Namespace of the sync state and lease (default gitops-system). */
  stateNamespace?: string;
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
  /**
   * How long a sync runs after reading HEAD before it tells the commit it is syncing (default 3000 ms; 0: at once).
   * A sync that ends sooner sends only its result: half the statuses, each a content-creating write to GitHub.
   */
  pendingStatusAfterMs?: number;
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
  /** Generated (`.flux.yaml`) builds shared by this process's syncs, keyed by revision and variables. */
  buildCache?: BuildCache;
  /** Renders shared by this process's syncs: one per environment × revision × variables, single-flight. */
  renderCache?: RenderCache;
  /** Progress for people (the CLI's terminal line): after each object applied. */
  progress?: (cluster: string, p: ApplyProgress) => void;
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

/** The settings with their defaults, resolved once per sync. */
export interface ResolvedSyncSettings {
  gitUrl: string;
  holderIdentity: string;
  stateNamespace: string;
  concurrency: number | undefined;
  pruneMaxShare: number;
  lease: { durationSeconds?: number; waitMs?: number; pollMs?: number };
  crdWaitMs: number | undefined;
  takeOverObjects: boolean;
  renderLimits: RenderLimits | undefined;
  pendingStatusAfterMs: number;
}

const DEFAULT_PENDING_STATUS_AFTER_MS = 3000;

export function resolveSyncSettings(s: SyncSettings): ResolvedSyncSettings {
  return {
    gitUrl: s.gitUrl,
    holderIdentity: s.holderIdentity,
    stateNamespace: s.stateNamespace ?? DEFAULT_STATE_NAMESPACE,
    concurrency: s.concurrency,
    pruneMaxShare: s.pruneMaxShare ?? 0.5,
    lease: {
      ...(s.leaseDurationSeconds !== undefined ? { durationSeconds: s.leaseDurationSeconds } : {}),
      ...(s.leaseWaitMs !== undefined ? { waitMs: s.leaseWaitMs } : {}),
      ...(s.leasePollMs !== undefined ? { pollMs: s.leasePollMs } : {}),
    },
    crdWaitMs: s.crdWaitMs,
    takeOverObjects: s.takeOverObjects ?? false,
    renderLimits: s.renderLimits,
    pendingStatusAfterMs: s.pendingStatusAfterMs ?? DEFAULT_PENDING_STATUS_AFTER_MS,
  };
}

/** One sync in progress: its inputs, then what each step found. */
export interface SyncRun {
  readonly env: Environment;
  readonly cluster: string;
  readonly deps: SyncClusterDeps;
  readonly settings: ResolvedSyncSettings;
  readonly dryRun: boolean;
  readonly options: SyncOptions;
  readonly statuses: StatusReports;
  /** connect */
  target?: ClusterTarget;
  conn?: ClusterConnection;
  /** lease (none in a dry run) */
  lease?: HeldLease;
  /** state + HEAD */
  state?: SyncState;
  revision?: string;
  full: boolean;
  /** build */
  rendered?: RenderedEnvironment;
  setName?: string;
  items: readonly ApplyItem[];
  plan?: ApplyPlan;
  /** Objects another sync set owns: reported as conflicts, not applied. */
  conflicts?: ObjectOutcome[];
  /** apply, then prune: one outcome per object, in one vocabulary */
  applied: ObjectOutcome[];
  pruned: ObjectOutcome[];
  prune?: PruneReport;
}

/** A status description within GitHub's 140 characters, cut at a word (see describe-sync.ts). */
export const clip = (text: string): string => clipWords(text);

/**
 * The cluster's commit statuses (`gitops/<env>/<cluster>`), sent in order and off the apply path: only the end
 * of a sync waits for them. A failed status is logged, never a failed sync. None in a dry run. The "syncing"
 * status waits until the sync has run `pendingAfterMs`: a sync that ends sooner sends its result alone.
 */
export class StatusReports {
  private chain: Promise<void> = Promise.resolve();
  private readonly context: string;
  private readonly env: string;
  private readonly cluster: string;
  private readonly deps: Pick<SyncClusterDeps, 'status' | 'log'>;
  private readonly off: boolean;
  private readonly pendingAfterMs: number;
  private pendingTimer: NodeJS.Timeout | undefined;

  constructor(env: string, cluster: string, deps: Pick<SyncClusterDeps, 'status' | 'log'>, off: boolean, pendingAfterMs = 0) {
    this.env = env;
    this.cluster = cluster;
    this.deps = deps;
    this.off = off;
    this.pendingAfterMs = pendingAfterMs;
    // One status per cluster: a shared environment context would let the last cluster's success hide another's failure.
    this.context = `gitops/${env}/${cluster}`;
  }

  /** The sync is under way: "pending" once it has run `pendingAfterMs`, unless a result was reported by then. */
  started(revision: string | undefined, description: string): void {
    if (this.pendingAfterMs <= 0) {
      this.report(revision, 'pending', description);
      return;
    }
    clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      this.send(revision, 'pending', description);
    }, this.pendingAfterMs);
    // A sync in progress keeps the process busy; the timer alone must not.
    this.pendingTimer.unref();
  }

  /** A status now, in order after those sent before (a "pending" not yet sent is dropped: it would come after). */
  report(revision: string | undefined, state: StatusState, description: string): void {
    this.cancelPending();
    this.send(revision, state, description);
  }

  private cancelPending(): void {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
  }

  private send(revision: string | undefined, state: StatusState, description: string): void {
    const status = this.deps.status;
    if (!status || !revision || this.off) return;
    this.chain = this.chain.then(async () => {
      try {
        await status.setStatus(revision, { context: this.context, state, description: clip(description) });
      } catch (err) {
        this.deps.log.warn('sync.status-failed', { environment: this.env, cluster: this.cluster, commit: revision, result: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  /** Resolves when every status sent so far has been answered; a "pending" not yet sent never will be. */
  settled(): Promise<void> {
    this.cancelPending();
    return this.chain;
  }
}
