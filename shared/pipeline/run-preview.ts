/**
 * `pipeline.runPreview`: the `preview` queue's job. For each environment in scope: build the merge base and
 * the head once per distinct cluster variable set, compare them, dry-run the head's changed objects on up to
 * `previews.dryRun` live clusters (never for a fork), and report one result per environment on the head SHA.
 * A job whose head is no longer the pull request's head is dropped: a newer push supersedes it.
 */
import { findEnvironment, type Environment, type GitopsConfig } from '../config/index.ts';
import type { Resource } from '../manifests/index.ts';
import { compareBuilds, DEFINITION_FILE, scopePreview, type BuildMessage, type DryRunOutcome, type EnvironmentPreview, type GroupBuilds } from '../preview/index.ts';
import type { SourceReader } from '../sources/port.ts';
import type { Logger } from './logger.ts';
import type { PreviewBuilder, VariableSet } from './preview-build.ts';
import type { PreviewJob } from './preview-job.ts';
import { pullRequestChanges } from './pull-request-changes.ts';

/** Where previews are reported (GitHub: check runs, or commit statuses plus one comment per environment). */
export interface PreviewReporter {
  /** The pull request's head now, or undefined when it is closed (its previews are moot). */
  currentHead(number: number): Promise<string | undefined>;
  /** Marks an environment's preview as running on the head (before the builds). */
  started(target: PreviewTarget): Promise<void>;
  /** Reports an environment's finished preview. */
  report(target: PreviewTarget, preview: EnvironmentPreview): Promise<void>;
  /** Closes a preview that was started and will never finish: the pull request moved on (or was closed). */
  abandoned(target: PreviewTarget, reason: string): Promise<void>;
}

export interface PreviewTarget {
  environment: string;
  number: number;
  headSha: string;
}

/** A cluster a preview may see: its name (for groups) and what the adapters need to reach it. */
export interface PreviewCluster {
  name: string;
}

export interface RunPreviewDeps<C extends PreviewCluster = PreviewCluster> {
  config(): Promise<GitopsConfig>;
  source: SourceReader;
  builder: PreviewBuilder;
  reporter: PreviewReporter;
  /** The environment's clusters (discovery). */
  clusters(env: Environment): Promise<readonly C[]>;
  /**
   * A cluster's variables; default: none (every cluster builds alike). `{ error }` when they cannot be read
   * (a missing ConfigMap): that cluster is not previewed, and the preview fails naming it.
   */
  variables?(env: Environment, cluster: C): Promise<VariableSet | { error: string }>;
  /** Server-side dry run of objects on a cluster; undefined where no cluster can be reached. */
  dryRun?(env: Environment, cluster: C, resources: readonly Resource[]): Promise<DryRunOutcome[]>;
  log: Logger;
}

export type RunPreviewResult =
  | { outcome: 'superseded' | 'closed'; description: string }
  | { outcome: 'reported'; previews: EnvironmentPreview[]; description: string };

/** How many clusters an environment's dry run covers. */
export function dryRunCount(env: Environment): number {
  const setting = env.previews?.dryRun ?? 'none';
  return setting === 'none' ? 0 : setting === 'all' ? Number.POSITIVE_INFINITY : setting;
}

const variableKey = (v: VariableSet): string => JSON.stringify([...v].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Runs one preview job. Throws (so the queue retries) when GitHub or the source fails. */
export async function runPreview<C extends PreviewCluster>(job: PreviewJob, deps: RunPreviewDeps<C>): Promise<RunPreviewResult> {
  const { log, reporter } = deps;
  const fields = { pullRequest: job.number, commit: job.headSha };
  const stale = async (): Promise<RunPreviewResult | undefined> => {
    const head = await reporter.currentHead(job.number);
    if (head === undefined) return { outcome: 'closed', description: `pull request #${job.number} is closed` };
    if (head !== job.headSha) return { outcome: 'superseded', description: `pull request #${job.number} moved on to ${head.slice(0, 7)}` };
    return undefined;
  };
  const before = await stale();
  if (before) {
    log.info('preview.dropped', { ...fields, result: before.description });
    return before;
  }
  const config = await deps.config();
  const { mergeBase, paths } = await pullRequestChanges(deps.source, job.baseSha, job.headSha);
  const scope = scopePreview(config, job.environments, paths);
  const previews: EnvironmentPreview[] = [];
  for (const name of scope.environments) {
    const env = findEnvironment(config, name);
    if (!env || env.branch !== job.baseRef) {
      log.warn('preview.dropped', { ...fields, environment: name, result: `environment ${name} no longer deploys ${job.baseRef}` });
      continue;
    }
    const target = { environment: env.name, number: job.number, headSha: job.headSha };
    await reporter.started(target);
    const preview = await previewEnvironment(env, job, mergeBase, deps);
    if (paths.includes(DEFINITION_FILE)) preview.notes.push(`This pull request changes ${DEFINITION_FILE}: both revisions are built with the environment's definition in force; the new one applies once merged.`);
    const after = await stale();
    if (after) {
      log.info('preview.dropped', { ...fields, environment: env.name, result: after.description });
      await reporter.abandoned(target, after.description);
      return after;
    }
    await reporter.report(target, preview);
    previews.push(preview);
    log.info('preview.reported', { ...fields, environment: env.name, result: `${preview.conclusion}: ${preview.groups.map((g) => `${g.diff.added.length} added, ${g.diff.changed.length} changed, ${g.diff.removed.length} removed`).join('; ')}` });
  }
  return { outcome: 'reported', previews, description: previews.map((p) => `${p.environment}: ${p.conclusion}`).join(', ') };
}

async function previewEnvironment<C extends PreviewCluster>(env: Environment, job: PreviewJob, mergeBase: string, deps: RunPreviewDeps<C>): Promise<EnvironmentPreview> {
  const notes: string[] = [];
  if (mergeBase !== job.baseSha) notes.push(`Compared with ${mergeBase.slice(0, 7)}, where the head branched off ${job.baseRef}; ${job.baseRef} has moved on to ${job.baseSha.slice(0, 7)} since.`);
  let clusters: readonly C[] = [];
  try {
    clusters = [...(await deps.clusters(env))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    notes.push(`The clusters could not be listed (${(err as Error).message}): built without cluster variables.`);
  }
  // One build per distinct variable set, not per cluster.
  const sets = new Map<string, { variables: VariableSet; clusters: C[] }>();
  const unreadable: BuildMessage[] = [];
  // A fork's pull request never makes us contact a cluster: no variables read, no dry run.
  const readVariables = job.sameRepository ? deps.variables : undefined;
  if (!job.sameRepository && deps.variables && env.variables) notes.push('Built without cluster variables: the pull request comes from a fork, so no cluster is contacted.');
  for (const c of clusters) {
    const variables = readVariables ? await readVariables(env, c) : new Map<string, string>();
    if ('error' in variables) {
      unreadable.push({ file: '', message: `cluster ${c.name}: ${variables.error}` });
      continue;
    }
    const k = variableKey(variables);
    const set = sets.get(k) ?? { variables, clusters: [] };
    set.clusters.push(c);
    sets.set(k, set);
  }
  if (sets.size === 0 && unreadable.length === 0) sets.set('[]', { variables: new Map(), clusters: [] });
  const groups: (GroupBuilds & { members: C[] })[] = [];
  for (const { variables, clusters: members } of sets.values()) {
    const [base, head] = await Promise.all([
      deps.builder.build(deps.source, env, mergeBase, variables),
      deps.builder.build(deps.source, env, job.headSha, variables),
    ]);
    groups.push({ clusters: members.map((c) => c.name), variables: [...variables.keys()].sort(), base, head, members });
  }
  const meta = { environment: env.name, branch: env.branch, path: env.path, baseRevision: mergeBase, headRevision: job.headSha };
  const first = compareBuilds(meta, groups, { errors: unreadable });
  const dryRun = await runDryRuns(env, job, groups, first, deps, notes);
  return compareBuilds(meta, groups, { dryRun, notes, errors: unreadable });
}

async function runDryRuns<C extends PreviewCluster>(
  env: Environment,
  job: PreviewJob,
  groups: readonly (GroupBuilds & { members: C[] })[],
  preview: EnvironmentPreview,
  deps: RunPreviewDeps<C>,
  notes: string[],
): Promise<DryRunOutcome[]> {
  const wanted = dryRunCount(env);
  if (wanted === 0) return [];
  if (!job.sameRepository) {
    notes.push('No dry run: the pull request comes from a fork, and only branches of this repository may reach the clusters.');
    return [];
  }
  if (!deps.dryRun) {
    notes.push('No dry run: this deployment cannot reach clusters from previews.');
    return [];
  }
  if (preview.errors.length > 0) {
    notes.push('No dry run: the head does not build.');
    return [];
  }
  const outcomes: DryRunOutcome[] = [];
  let left = wanted;
  for (const [i, g] of groups.entries()) {
    const changed = new Set([...preview.groups[i]!.diff.added.map((a) => a.id), ...preview.groups[i]!.diff.changed.map((c) => c.id)]);
    const resources = g.head.resources.filter((r) => changed.has(r.id));
    for (const cluster of g.members) {
      if (left <= 0) break;
      left--;
      if (resources.length === 0) continue;
      try {
        outcomes.push(...(await deps.dryRun(env, cluster, resources)));
      } catch (err) {
        outcomes.push({ cluster: cluster.name, id: '(cluster)', ok: false, message: `the dry run could not reach the cluster: ${(err as Error).message}` });
      }
    }
  }
  const clustersRun = new Set(outcomes.map((o) => o.cluster)).size;
  if (outcomes.length === 0) notes.push('Dry run: nothing to send (no object added or changed).');
  else notes.push(`Dry run on ${clustersRun} cluster${clustersRun === 1 ? '' : 's'} (server-side, nothing stored).`);
  return outcomes;
}
