/**
 * `pipeline.onImagePushed`: a registry push becomes, per branch, one commit
 * (or one pull-request update) that moves every automated workload whose
 * filter accepts the tag. Git writes are compare-and-swap: when another
 * writer moved the branch, HEAD is re-read and the change recomputed from the
 * new tree (bounded attempts with jitter). Re-running an event changes nothing.
 */
import { environmentsForRegistry, type Environment, type GitopsConfig } from '../config/index.ts';
import { canonicalName, formatImageRef, parseImageRef, type ImageRef, type ReleaseChange, type ReleaseError, type ReleaseSkip } from '../images/index.ts';
import type { SourceReader, SourceWriter } from '../sources/port.ts';
import type { Logger } from './logger.ts';
import { planBranchRelease } from './plan-branch-release.ts';
import type { ImagePushed } from './registry-event.ts';

/** Writes an environment's image updates to a pull request instead of its branch. */
export interface ChangeProposer {
  propose(request: {
    environment: string;
    base: string;
    baseHead: string;
    files: ReadonlyMap<string, string>;
    message: string;
  }): Promise<{ status: 'opened' | 'updated' | 'unchanged'; number?: number; url?: string }>;
}

export interface OnImagePushedDeps {
  config(): Promise<GitopsConfig>;
  source: SourceReader;
  writer: SourceWriter;
  /** Needed only when an environment uses `imageUpdates: pull-request`. */
  proposer?: ChangeProposer;
  /** Build times of images (from the registry), for refusing rollbacks under glob/regex filters. */
  buildTimes?(refs: readonly ImageRef[]): Promise<ReadonlyMap<string, Date>>;
  log: Logger;
  /** Attempts per branch when other writers keep moving it (default 8). */
  maxAttempts?: number;
  /** Waits between attempts (tests pass a fast one). */
  sleep?(ms: number): Promise<void>;
}

export interface BranchOutcome {
  branch: string;
  mode: 'commit' | 'pull-request';
  environments: string[];
  status: 'committed' | 'unchanged' | 'opened' | 'updated';
  revision?: string;
  pullRequest?: number;
  attempts: number;
  message?: string;
  changes: ReleaseChange[];
  skipped: ReleaseSkip[];
  errors: ReleaseError[];
}

export type ImagePushedResult = { kind: 'ignored'; reason: string } | { kind: 'released'; image: string; branches: BranchOutcome[] };

/** Releases a pushed image to every branch whose environments list its registry. */
export async function onImagePushed(event: ImagePushed, deps: OnImagePushedDeps): Promise<ImagePushedResult> {
  const { log } = deps;
  const config = await deps.config();
  const envs = environmentsForRegistry(config, event.registry);
  const image = `${event.registry}/${event.repository}:${event.tag}`;
  if (envs.length === 0) {
    const reason = `no environment lists registry ${event.registry}`;
    log.info('image.ignored', { event: event.id, image, result: reason });
    return { kind: 'ignored', reason };
  }
  const ref = parseImageRef(image);
  const groups = new Map<string, Environment[]>();
  for (const env of envs) {
    const key = `${env.branch}\0${env.imageUpdates}`;
    groups.set(key, [...(groups.get(key) ?? []), env]);
  }
  const branches = await Promise.all(
    [...groups.values()].map((group) => (group[0]!.imageUpdates === 'pull-request' ? proposeForEnvironments(group, ref, config, deps) : commitToBranch(group, ref, config, deps))),
  );
  for (const b of branches) {
    log.info('image.release', {
      event: event.id,
      image,
      branch: b.branch,
      environment: b.environments,
      commit: b.revision,
      result: `${b.status}: ${b.changes.length} changed, ${b.skipped.length} skipped, ${b.errors.length} errors${b.attempts > 1 ? `, ${b.attempts} attempts` : ''}`,
    });
    for (const e of b.errors) log.warn('image.error', { event: event.id, image, branch: b.branch, environment: e.env, file: e.file, workload: e.workload, result: e.message });
  }
  return { kind: 'released', image, branches };
}

async function plan(envs: readonly Environment[], ref: ImageRef, config: GitopsConfig, head: string, deps: OnImagePushedDeps) {
  const names = new Set(envs.map((e) => e.name));
  const input = { source: deps.source, config, branch: envs[0]!.branch, revision: head, images: [ref], only: (e: Environment) => names.has(e.name) };
  let release = await planBranchRelease(input);
  if (deps.buildTimes && release.plan.changes.length > 0) {
    // Second pass with build times of the images involved: refuses an image built before the current one.
    const refs = [ref, ...release.plan.changes.map((c) => parseImageRef(c.from))];
    const times = await deps.buildTimes(refs);
    if (times.size > 0) {
      release = await planBranchRelease({ ...input, buildTime: (r) => times.get(`${canonicalName(r)}:${r.tag ?? ''}`) });
    }
  }
  return release;
}

async function commitToBranch(envs: readonly Environment[], ref: ImageRef, config: GitopsConfig, deps: OnImagePushedDeps): Promise<BranchOutcome> {
  const branch = envs[0]!.branch;
  const maxAttempts = deps.maxAttempts ?? 8;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    const head = await deps.source.resolveBranch(branch);
    const { plan: p } = await plan(envs, ref, config, head, deps);
    const base = { branch, mode: 'commit' as const, environments: envs.map((e) => e.name), attempts: attempt, changes: p.changes, skipped: p.skipped, errors: p.errors };
    if (p.message === undefined) return { ...base, status: 'unchanged' };
    const r = await deps.writer.commit({ branch, expectedHead: head, files: p.files, message: p.message });
    if (r.status === 'committed') return { ...base, status: 'committed', revision: r.revision, message: p.message };
    if (r.status === 'unchanged') return { ...base, status: 'unchanged' };
    if (attempt >= maxAttempts) throw new Error(`branch ${branch} kept moving: gave up releasing ${formatImageRef(ref)} after ${attempt} attempts (the event will be retried)`);
    await sleep(Math.round(Math.random() * 50 * 2 ** Math.min(attempt, 6)));
  }
}

async function proposeForEnvironments(envs: readonly Environment[], ref: ImageRef, config: GitopsConfig, deps: OnImagePushedDeps): Promise<BranchOutcome> {
  const branch = envs[0]!.branch;
  if (!deps.proposer) throw new Error(`environments ${envs.map((e) => e.name).join(', ')} use imageUpdates: pull-request, which needs the GitHub source`);
  const outcomes: BranchOutcome[] = [];
  for (const env of envs) {
    const head = await deps.source.resolveBranch(branch);
    const { plan: p } = await plan([env], ref, config, head, deps);
    const base = { branch, mode: 'pull-request' as const, environments: [env.name], attempts: 1, changes: p.changes, skipped: p.skipped, errors: p.errors };
    if (p.message === undefined) {
      outcomes.push({ ...base, status: 'unchanged' });
      continue;
    }
    const r = await deps.proposer.propose({ environment: env.name, base: branch, baseHead: head, files: p.files, message: p.message });
    outcomes.push({ ...base, status: r.status, message: p.message, ...(r.number !== undefined ? { pullRequest: r.number } : {}) });
  }
  return outcomes.length === 1 ? outcomes[0]! : merge(outcomes);
}

function merge(outcomes: BranchOutcome[]): BranchOutcome {
  const first = outcomes[0]!;
  return {
    ...first,
    environments: outcomes.flatMap((o) => o.environments),
    status: outcomes.some((o) => o.status !== 'unchanged') ? (outcomes.find((o) => o.status !== 'unchanged')!.status) : 'unchanged',
    changes: outcomes.flatMap((o) => o.changes),
    skipped: outcomes.flatMap((o) => o.skipped),
    errors: outcomes.flatMap((o) => o.errors),
  };
}
