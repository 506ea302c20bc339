/**
 * `pipeline.onImagePushed`: a registry push becomes, per branch, one commit
 * (or one pull-request update) that moves every automated workload whose
 * filter accepts the tag. Git writes are compare-and-swap: when another
 * writer moved the branch, HEAD is re-read and the change recomputed from the
 * new tree (bounded attempts with jitter). Re-running an event changes nothing.
 */
import { environmentsForRegistry, type Environment, type GitopsConfig } from '../config/index.ts';
import { parseImageRef, type ImageRef, type ReleaseChange, type ReleaseError, type ReleaseSkip } from '../images/index.ts';
import { commitWithRetry } from '../sources/commit-with-retry.ts';
import type { FileChanges, SourceReader, SourceWriter } from '../sources/port.ts';
import { buildTimeKey } from '../registry/build-times.ts';
import type { KeyedMutex } from './keyed-mutex.ts';
import type { Logger } from './logger.ts';
import { planBranchRelease, type BranchRelease } from './plan-branch-release.ts';
import type { ImagePushed } from './registry-event.ts';
import type { PushConfirmation } from '../registry/confirm-push.ts';

/**
 * Writes an environment's image updates to its pull request instead of its branch. `compute` is called
 * with the proposal branch's head (the base merged in when it moved), so earlier proposals are kept.
 */
export interface ChangeProposer {
  propose(request: {
    environment: string;
    baseBranch: string;
    compute(head: string): Promise<{ files: FileChanges; message: string; images: readonly string[] } | undefined>;
    attempts?: number;
  }): Promise<{ status: 'unchanged' } | { status: 'opened' | 'updated'; revision: string; pullRequest: { number: number; url: string }; attempts: number }>;
}

export interface OnImagePushedDeps {
  config(): Promise<GitopsConfig>;
  /** Reads the branches and writes commits (compare-and-swap). */
  source: SourceReader & SourceWriter;
  /** Needed only when an environment uses `imageUpdates: pull-request`. */
  proposer?: ChangeProposer;
  /** Confirms the pushed tag in the registry before anything is written (absent: nothing is committed). */
  confirm?(image: ImagePushed): Promise<PushConfirmation>;
  /** Build times of images keyed by buildTimeKey (from the registry), for refusing rollbacks under glob/regex filters. */
  buildTimes?(refs: readonly ImageRef[]): Promise<ReadonlyMap<string, Date>>;
  log: Logger;
  /** Serialises this instance's writes per branch (one owned by the runtime; none = no local serialisation). */
  branchLocks?: KeyedMutex;
  /** Attempts per branch when other writers keep moving it (default 8). */
  maxAttempts?: number;
  /** Waits between attempts (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** The environment's suspension when it is suspended on every cluster (`gitops suspend`): its image updates are skipped. */
  suspended?(env: Environment): Promise<{ reason: string; by: string; at: string } | undefined>;
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

export type ImagePushedResult =
  | { kind: 'ignored'; reason: string; suspended?: SuspendedEnvironment[] }
  /** The registry does not hold the pushed tag: nothing was written (the caller retries: a replica may lag). */
  | { kind: 'unconfirmed'; image: string; reason: string }
  | { kind: 'released'; image: string; branches: BranchOutcome[]; suspended?: SuspendedEnvironment[] };

/** An environment whose image updates were skipped because it is suspended. */
export interface SuspendedEnvironment {
  environment: string;
  reason: string;
}

/** Releases a pushed image to every branch whose environments list its registry. */
export async function onImagePushed(event: ImagePushed, deps: OnImagePushedDeps): Promise<ImagePushedResult> {
  const { log } = deps;
  const image = `${event.registry}/${event.repository}:${event.tag}`;
  const target = await releasable({ id: event.id, registry: event.registry, image }, deps);
  if ('kind' in target) return target;
  if (deps.confirm) {
    const confirmation = await deps.confirm(event);
    if (confirmation.status === 'absent') {
      const reason = `${image} is not in the registry (looked up before committing): nothing written`;
      log.warn('image.unconfirmed', { eventId: event.id, image, result: reason });
      return { kind: 'unconfirmed', image, reason };
    }
  }
  return release({ id: event.id, images: [image] }, target, deps);
}

/**
 * The event path for one or more images of one registry (an event carries one; the registry scan
 * brings every candidate it found there, read from the registry itself): the environments listing the
 * registry and not suspended, grouped by branch, each branch planned at HEAD and written with
 * compare-and-swap (or proposed), once for all images.
 */
export async function releaseImages(batch: { id: string; registry: string; images: readonly string[] }, deps: OnImagePushedDeps): Promise<ImagePushedResult> {
  const target = await releasable({ id: batch.id, registry: batch.registry, image: batch.images.join(', ') }, deps);
  return 'kind' in target ? target : release(batch, target, deps);
}

interface Releasable { config: GitopsConfig; envs: Environment[]; suspended: SuspendedEnvironment[] }

/** The environments that take images from a registry now: listing it, not suspended. */
async function releasable(what: { id: string; registry: string; image: string }, deps: OnImagePushedDeps): Promise<Releasable | ImagePushedResult> {
  const { log } = deps;
  const { id, registry, image } = what;
  const config = await deps.config();
  const listing = environmentsForRegistry(config, registry);
  if (listing.length === 0) {
    const reason = `no environment lists registry ${registry}`;
    log.info('image.ignored', { eventId: id, image, result: reason });
    return { kind: 'ignored', reason };
  }
  const suspended: SuspendedEnvironment[] = [];
  const envs: Environment[] = [];
  for (const [env, s] of await Promise.all(listing.map(async (e) => [e, deps.suspended ? await deps.suspended(e) : undefined] as const))) {
    if (!s) { envs.push(env); continue; }
    suspended.push({ environment: env.name, reason: s.reason });
    log.info('image.suspended', { eventId: id, image, environment: env.name, result: `image updates skipped: ${env.name} is suspended (${s.reason}; by ${s.by} at ${s.at})` });
  }
  if (envs.length === 0) return { kind: 'ignored', reason: `every environment listing ${registry} is suspended`, suspended };
  return { config, envs, suspended };
}

async function release(batch: { id: string; images: readonly string[] }, target: Releasable, deps: OnImagePushedDeps): Promise<ImagePushedResult> {
  const { log } = deps;
  const { config, envs, suspended } = target;
  const image = batch.images.join(', ');
  const refs = batch.images.map((i) => parseImageRef(i));
  const groups = new Map<string, Environment[]>();
  for (const env of envs) {
    const key = `${env.branch}\0${env.imageUpdates}`;
    groups.set(key, [...(groups.get(key) ?? []), env]);
  }
  const branches = await Promise.all(
    [...groups.values()].map((group) => {
      const write = () => (group[0]!.imageUpdates === 'pull-request' ? proposeForEnvironments(group, refs, config, deps) : commitToBranch(group, refs, config, deps));
      return deps.branchLocks ? deps.branchLocks.run(`${group[0]!.branch}\0${group[0]!.imageUpdates}`, write) : write();
    }),
  );
  for (const b of branches) {
    log.info('image.release', {
      eventId: batch.id,
      image,
      branch: b.branch,
      environment: b.environments,
      commit: b.revision,
      result: `${b.status}: ${b.changes.length} changed, ${b.skipped.length} skipped, ${b.errors.length} errors${b.attempts > 1 ? `, ${b.attempts} attempts` : ''}`,
    });
    for (const e of b.errors) log.warn('image.error', { eventId: batch.id, image, branch: b.branch, environment: e.env, file: e.file, workload: e.workload, result: e.message });
  }
  return { kind: 'released', image, branches, ...(suspended.length ? { suspended } : {}) };
}

async function plan(envs: readonly Environment[], images: readonly ImageRef[], config: GitopsConfig, head: string, deps: OnImagePushedDeps) {
  const names = new Set(envs.map((e) => e.name));
  const input = { source: deps.source, config, branch: envs[0]!.branch, revision: head, images, only: (e: Environment) => names.has(e.name) };
  let release = await planBranchRelease(input);
  if (deps.buildTimes && release.plan.changes.length > 0) {
    // Second pass with build times of the images involved: refuses an image built before the current one.
    const refs = [...images, ...release.plan.changes.map((c) => parseImageRef(c.from))];
    const times = await deps.buildTimes(refs);
    if (times.size > 0) {
      release = await planBranchRelease({ ...input, buildTime: (r) => times.get(buildTimeKey(r)) });
    }
  }
  return release;
}

async function commitToBranch(envs: readonly Environment[], ref: readonly ImageRef[], config: GitopsConfig, deps: OnImagePushedDeps): Promise<BranchOutcome> {
  const branch = envs[0]!.branch;
  let last: BranchRelease['plan'] | undefined;
  const result = await commitWithRetry(
    deps.source,
    async (head) => {
      last = (await plan(envs, ref, config, head, deps)).plan;
      return last.message === undefined ? undefined : { files: last.files, message: last.message };
    },
    { branch, attempts: deps.maxAttempts ?? 8, jitterMs: 100, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
  );
  const p = last!;
  return {
    branch,
    mode: 'commit',
    environments: envs.map((e) => e.name),
    attempts: result.attempts,
    changes: p.changes,
    skipped: p.skipped,
    errors: p.errors,
    ...(result.status === 'committed' ? { status: 'committed' as const, revision: result.revision, message: p.message! } : { status: 'unchanged' as const }),
  };
}

async function proposeForEnvironments(envs: readonly Environment[], ref: readonly ImageRef[], config: GitopsConfig, deps: OnImagePushedDeps): Promise<BranchOutcome> {
  const branch = envs[0]!.branch;
  const proposer = deps.proposer;
  if (!proposer) throw new Error(`environments ${envs.map((e) => e.name).join(', ')} use imageUpdates: pull-request, which needs the GitHub source`);
  const outcomes: BranchOutcome[] = [];
  for (const env of envs) {
    let last: BranchRelease['plan'] | undefined;
    const r = await proposer.propose({
      environment: env.name,
      baseBranch: branch,
      attempts: deps.maxAttempts ?? 8,
      compute: async (head) => {
        last = (await plan([env], ref, config, head, deps)).plan;
        return last.message === undefined ? undefined : { files: last.files, message: last.message, images: [...new Set(last.changes.map((c) => c.to))] };
      },
    });
    const p = last!;
    const base = { branch, mode: 'pull-request' as const, environments: [env.name], changes: p.changes, skipped: p.skipped, errors: p.errors };
    outcomes.push(
      r.status === 'unchanged'
        ? { ...base, status: 'unchanged', attempts: 1 }
        : { ...base, status: r.status, attempts: r.attempts, revision: r.revision, pullRequest: r.pullRequest.number, message: p.message! },
    );
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
