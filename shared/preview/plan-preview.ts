/**
 * Which environments a pull request's preview covers (pure): the environments deploying the PR's base branch
 * whose files, whose `.flux.yaml` (in a folder above, as Flux v1 looks it up) or whose definition (gitops.yaml)
 * the PR touches. Everything else is a reason to do nothing. (A kustomize base outside the environment's folder
 * is not traced: a pull request changing only that shows no preview.)
 */
import { environmentsOnBranch, pathInEnvironment, type GitopsConfig } from '../config/index.ts';
import { PREVIEW_ACTIONS, type PullRequestEvent } from './pull-request-event.ts';

/** The configuration file whose change touches every environment's definition. */
export const DEFINITION_FILE = 'gitops.yaml';

export type PreviewScreen = { kind: 'ignored'; reason: string } | { kind: 'candidates'; environments: string[] };

/** The first cut, from the event alone: action, state, repository and base branch. */
export function screenPullRequest(event: PullRequestEvent, config: GitopsConfig, repository: string): PreviewScreen {
  const pr = `pull request #${event.number}`;
  if (event.repository.toLowerCase() !== repository.toLowerCase()) {
    return { kind: 'ignored', reason: `${pr} is in ${event.repository}, not the configured repository ${repository}` };
  }
  if (event.state === 'closed') return { kind: 'ignored', reason: `${pr} is ${event.merged ? 'merged' : 'closed'}` };
  if (!PREVIEW_ACTIONS.includes(event.action) && !event.baseChanged) {
    return { kind: 'ignored', reason: `${pr} action ${event.action} does not change what it would deploy (previews run on ${PREVIEW_ACTIONS.join(', ')}, and edited with a new base)` };
  }
  const envs = environmentsOnBranch(config, event.baseRef);
  if (envs.length === 0) return { kind: 'ignored', reason: `${pr} targets ${event.baseRef}, which no environment deploys` };
  return { kind: 'candidates', environments: envs.map((e) => e.name) };
}

export interface PreviewScope {
  /** Environments to preview, in configuration order. */
  environments: string[];
  /** Why each one is in scope: the first touched files, or the definition. */
  reasons: Record<string, string>;
  /** Environments on the base branch the pull request does not touch. */
  untouched: string[];
}

/** Whether `path` is a `.flux.yaml` in a folder above the environment (Flux v1 looks up to the root): it may change its mode. */
export function isFluxConfigAbove(envPath: string, path: string): boolean {
  if (path !== '.flux.yaml' && !path.endsWith('/.flux.yaml')) return false;
  const dir = path === '.flux.yaml' ? '' : path.slice(0, -'/.flux.yaml'.length);
  return dir === '' || envPath === dir || envPath.startsWith(`${dir}/`);
}

/** Narrows the candidates to the environments whose files or definition the changed paths touch. */
export function scopePreview(config: GitopsConfig, candidates: readonly string[], changedPaths: readonly string[]): PreviewScope {
  const definition = changedPaths.includes(DEFINITION_FILE);
  const scope: PreviewScope = { environments: [], reasons: {}, untouched: [] };
  for (const env of config.environments.filter((e) => candidates.includes(e.name))) {
    const touched = changedPaths.filter((p) => pathInEnvironment(env, p) || isFluxConfigAbove(env.path, p));
    if (touched.length === 0 && !definition) {
      scope.untouched.push(env.name);
      continue;
    }
    scope.environments.push(env.name);
    scope.reasons[env.name] = touched.length > 0
      ? `${touched.length} file${touched.length === 1 ? '' : 's'} changed under ${env.path || '/'}`
      : `${DEFINITION_FILE} changed`;
  }
  return scope;
}
