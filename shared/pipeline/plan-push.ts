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

/** Plans a push: which environments of the branch to sync, and how. */
export function planPush(push: PushEvent, config: GitopsConfig): PushPlan {
  if (!push.ref.startsWith('refs/heads/')) return { kind: 'ignored', reason: `${push.ref} is not a branch` };
  const branch = push.ref.slice('refs/heads/'.length);
  if (push.deleted || push.after === ZERO_SHA) return { kind: 'ignored', reason: `branch ${branch} was deleted` };
  const envs = environmentsOnBranch(config, branch);
  if (envs.length === 0) return { kind: 'ignored', reason: `no environment deploys branch ${branch}` };

  const fullReason = pushNeedsFullSync(push);
  const { changed, removed } = netChanges(push);
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
  return { kind: 'sync', branch, revision: push.after, environments, unaffected };
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
