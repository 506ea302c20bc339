/**
 * Which environments a push affects and what changed in each: pure.
 *
 * A forced push, a new branch, or commit lists GitHub may have capped mean the
 * changed-file list cannot be trusted, so those environments get a full sync.
 * A change to gitops.yaml affects every environment on the branch. A `.flux.yaml` changed in a folder above an
 * environment (Flux v1 looks up to the repository root) may change its mode: a full sync. (A base outside the
 * environment folder that a kustomization reads, `../base`, is not traced here: the reconcile timer brings
 * clusters behind HEAD up to date.)
 */
import { environmentsOnBranch, pathInEnvironment, type GitopsConfig } from '../config/index.ts';
import { CONFIG_FILE } from './load-config.ts';
import { MAX_COMMIT_FILES, MAX_PUSH_COMMITS, ZERO_SHA, type PushEvent } from './push-event.ts';

export interface EnvironmentPlan {
  environment: string;
  full: boolean;
  /** Why a full sync, when it is one. */
  fullReason?: string;
  /** Added or modified paths inside the environment (net of later removals). */
  changed: string[];
  /** Removed paths inside the environment (net of later re-additions). */
  removed: string[];
}

export type PushPlan =
  | { kind: 'ignored'; reason: string }
  | { kind: 'sync'; branch: string; revision: string; environments: EnvironmentPlan[]; unaffected: string[] };

/**
 * A ref moved: the domain input of the push use case, whoever saw it move (GitHub's push webhook, the local
 * git writer after its own commit). `changed`/`removed` are the net file changes from `before` to `after`;
 * `fullReason` says why they cannot be trusted (then every affected environment gets a full sync).
 */
export interface BranchUpdate {
  /** The ref that moved: `refs/heads/<branch>` for a branch (anything else is ignored). */
  ref: string;
  before: string;
  after: string;
  deleted: boolean;
  changed: readonly string[];
  removed: readonly string[];
  fullReason?: string;
}

/** What a GitHub push payload says moved, and how far its file lists can be trusted. */
export function branchUpdateOf(push: PushEvent): BranchUpdate {
  const fullReason = pushNeedsFullSync(push);
  const { changed, removed } = netChanges(push);
  return { ref: push.ref, before: push.before, after: push.after, deleted: push.deleted, changed: [...changed], removed: [...removed], ...(fullReason ? { fullReason } : {}) };
}

/** Plans a push: which environments of the branch to sync, and how. */
export function planPush(push: PushEvent, config: GitopsConfig): PushPlan {
  return planBranchUpdate(branchUpdateOf(push), config);
}

/** Plans a branch update: which environments of the branch to sync, and how. */
export function planBranchUpdate(update: BranchUpdate, config: GitopsConfig): PushPlan {
  if (!update.ref.startsWith('refs/heads/')) return { kind: 'ignored', reason: `${update.ref} is not a branch` };
  const branch = update.ref.slice('refs/heads/'.length);
  if (update.deleted || update.after === ZERO_SHA) return { kind: 'ignored', reason: `branch ${branch} was deleted` };
  const envs = environmentsOnBranch(config, branch);
  if (envs.length === 0) return { kind: 'ignored', reason: `no environment deploys branch ${branch}` };

  const { fullReason } = update;
  const changed = new Set(update.changed);
  const removed = new Set(update.removed);
  const configChanged = changed.has(CONFIG_FILE) || removed.has(CONFIG_FILE);
  const environments: EnvironmentPlan[] = [];
  const unaffected: string[] = [];
  const touched = [...changed, ...removed];
  for (const env of envs) {
    const fluxConfig = touched.find((p) => isFluxConfigAbove(env.path, p));
    if (fullReason || configChanged || fluxConfig) {
      environments.push({ environment: env.name, full: true, fullReason: fullReason ?? (configChanged ? `${CONFIG_FILE} changed` : `${fluxConfig} changed`), changed: [], removed: [] });
      continue;
    }
    const c = [...changed].filter((p) => pathInEnvironment(env, p)).sort();
    const r = [...removed].filter((p) => pathInEnvironment(env, p)).sort();
    if (c.length + r.length === 0) unaffected.push(env.name);
    else environments.push({ environment: env.name, full: false, changed: c, removed: r });
  }
  return { kind: 'sync', branch, revision: update.after, environments, unaffected };
}

/** Whether `path` is a `.flux.yaml` in a folder above the environment `envPath` (Flux v1's lookup). */
function isFluxConfigAbove(envPath: string, path: string): boolean {
  if (path !== '.flux.yaml' && !path.endsWith('/.flux.yaml')) return false;
  const dir = path === '.flux.yaml' ? '' : path.slice(0, -'/.flux.yaml'.length);
  return dir === '' || envPath === dir || envPath.startsWith(`${dir}/`);
}

/** The reason the payload's file lists cannot be trusted, or undefined when they can. */
export function pushNeedsFullSync(push: PushEvent): string | undefined {
  if (push.created || push.before === ZERO_SHA) return 'new branch';
  if (push.forced) return 'forced push';
  if (push.commits.length >= MAX_PUSH_COMMITS) return `the payload lists ${push.commits.length} commits (GitHub caps the list at ${MAX_PUSH_COMMITS})`;
  if (push.commits.length === 0) return 'the payload lists no commits';
  for (const c of push.commits) {
    for (const list of [c.added, c.removed, c.modified]) {
      if (list.length >= MAX_COMMIT_FILES) return `commit ${c.id.slice(0, 7)} lists ${list.length} files (GitHub caps each list at ${MAX_COMMIT_FILES})`;
    }
  }
  return undefined;
}

/** Net effect of the commits in order: a path ends up changed or removed, not both. */
function netChanges(push: PushEvent): { changed: Set<string>; removed: Set<string> } {
  const changed = new Set<string>();
  const removed = new Set<string>();
  for (const c of push.commits) {
    for (const p of [...c.added, ...c.modified]) {
      changed.add(p);
      removed.delete(p);
    }
    for (const p of c.removed) {
      removed.add(p);
      changed.delete(p);
    }
  }
  return { changed, removed };
}
