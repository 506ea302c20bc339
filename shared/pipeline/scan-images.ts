/**
 * `pipeline.scanImages` (timer `image-scan`): the safety net behind registry events. For every
 * environment that lists registries, render it at its branch HEAD and follow each automated container
 * whose image lives in one of them; list each followed repository's newest tags, choose the candidate
 * as Flux v1 did (`chooseCandidate`), and hand every candidate of a registry to the event path
 * (`releaseImages`: the same decision, no-rollback rule and compare-and-swap commit or pull request).
 *
 * Bounded: a concurrency limit per registry, the client's 429/Retry-After backoff, at most
 * `tagsPerRepository` tags per repository, `repositoriesPerRun` repositories and `imageReadsPerRun`
 * creation-time reads per run, each cap reported when hit. Creation times are kept by digest.
 */
import { formatImageRef, needsCreationTimes, acceptedTags, parseImageRef, chooseCandidate, findContainers, policySkip, type ImageRef, type ListedTag } from '../images/index.ts';
import { buildTimeKey, imageCreated, type ManifestReader } from '../registry/build-times.ts';
import type { TagLister } from '../registry/tag-lister.ts';
import { LruCache } from '../sources/github/lru-cache.ts';
import type { Clock } from '../clusters/clock.ts';
import { releaseImages, type ImagePushedResult, type OnImagePushedDeps } from './on-image-pushed.ts';
import { renderEnvironment } from './render-environment.ts';
import { followedRepositories, type Followed, type FollowedRepository } from './followed-repositories.ts';
import { limitConcurrency } from '../concurrency/limit-concurrency.ts';

export interface RegistryAccess {
  tags: TagLister;
  manifests: ManifestReader;
}

export interface ScanLimits {
  /** Tags listed per repository, newest update first (default 100). */
  tagsPerRepository: number;
  /** Repositories scanned per run; the rest wait for the next runs, in rotation (default 500). */
  repositoriesPerRun: number;
  /** Image creation times read per run (manifest + config blob each; cached by digest) (default 2,000). */
  imageReadsPerRun: number;
  /** Registry requests in flight per registry (default 4). */
  concurrencyPerRegistry: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { tagsPerRepository: 100, repositoriesPerRun: 500, imageReadsPerRun: 2000, concurrencyPerRegistry: 4 };

export interface ScanDeps extends OnImagePushedDeps {
  /** Access to a registry the operator approved (an environment lists it), or undefined when it cannot be scanned. */
  registry(host: string): RegistryAccess | undefined;
  clock: Clock;
  /** Creation times by `host/repository@digest`, kept across runs (images are immutable). */
  createdCache?: LruCache<string, Date | null>;
  limits?: Partial<ScanLimits>;
}

export interface ScanSkip { environment: string; workload: string; container: string; image: string; reason: string; message: string }

export interface ScanResult {
  /** Followed repositories found in the environments, and those scanned this run. */
  repositories: number;
  scanned: number;
  tagsListed: number;
  imageReads: number;
  /** Candidates handed to the event path, per registry. */
  candidates: { registry: string; images: string[] }[];
  skipped: ScanSkip[];
  /** Caps hit this run, each with what was left out. */
  capsHit: { cap: keyof ScanLimits; detail: string }[];
  errors: { registry: string; repository?: string; environment?: string; message: string }[];
  releases: ImagePushedResult[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One scan over every environment with registries. */
export async function scanImages(deps: ScanDeps): Promise<ScanResult> {
  const { log } = deps;
  const limits = { ...DEFAULT_SCAN_LIMITS, ...deps.limits };
  const cache = deps.createdCache ?? new LruCache<string, Date | null>({ maxEntries: 20_000 });
  const result: ScanResult = { repositories: 0, scanned: 0, tagsListed: 0, imageReads: 0, candidates: [], skipped: [], capsHit: [], errors: [], releases: [] };
  const config = await deps.config();
  const envs = config.environments.filter((e) => e.registries.length > 0);
  const heads = new Map<string, Promise<string>>();
  const followed: Followed[] = [];
  await Promise.all(envs.map(async (env) => {
    try {
      if (!heads.has(env.branch)) heads.set(env.branch, deps.source.resolveBranch(env.branch));
      const rendered = await renderEnvironment(deps.source, env, await heads.get(env.branch)!);
      for (const resource of rendered.resources) {
        if (policySkip(resource)) continue;
        for (const c of findContainers(resource).containers) followed.push({ environment: env, container: c });
      }
    } catch (err) {
      result.errors.push({ registry: env.registries.join(', '), environment: env.name, message: `environment ${env.name} was not scanned: ${message(err)}` });
    }
  }));
  let repos = followedRepositories(followed);
  result.repositories = repos.length;
  if (repos.length > limits.repositoriesPerRun) {
    // Rotate which repositories a capped run takes, so successive runs cover them all.
    const offset = (Math.floor(deps.clock.now() / 60_000) * limits.repositoriesPerRun) % repos.length;
    repos = [...repos.slice(offset), ...repos.slice(0, offset)].slice(0, limits.repositoriesPerRun);
    result.capsHit.push({ cap: 'repositoriesPerRun', detail: `${result.repositories} repositories followed, ${limits.repositoriesPerRun} scanned this run; the rest in the next runs` });
  }
  const byRegistry = new Map<string, FollowedRepository[]>();
  for (const r of repos) byRegistry.set(r.registry, [...(byRegistry.get(r.registry) ?? []), r]);
  const reads = { used: 0, capped: false };
  const known = new Map<string, Date>();
  const candidates = new Map<string, Set<string>>();

  await Promise.all([...byRegistry].map(async ([host, list]) => {
    const access = deps.registry(host);
    if (!access) {
      result.errors.push({ registry: host, message: `registry ${host} cannot be scanned (only Azure Container Registries are)` });
      return;
    }
    const limit = limitConcurrency(limits.concurrencyPerRegistry);
    const created = (repository: string, digest: string): Promise<Date | null | undefined> => {
      const key = `${host}/${repository}@${digest}`;
      const hit = cache.get(key);
      if (hit !== undefined) return Promise.resolve(hit);
      if (reads.used >= limits.imageReadsPerRun) {
        reads.capped = true;
        return Promise.resolve(undefined);
      }
      reads.used++;
      return limit(() => imageCreated(access.manifests, repository, digest)).then(
        (t) => (cache.set(key, t), t),
        (err: unknown) => {
          log.warn('scan.created-unknown', { image: `${host}/${repository}@${digest}`, result: message(err) });
          return undefined;
        },
      );
    };
    await Promise.all(list.map(async (repo) => {
      let listed: ListedTag[];
      try {
        const page = await limit(() => access.tags.listTags(repo.repository, limits.tagsPerRepository));
        result.scanned++;
        result.tagsListed += page.tags.length;
        if (page.more) result.capsHit.push({ cap: 'tagsPerRepository', detail: `${host}/${repo.repository} has more than ${limits.tagsPerRepository} tags: the newest ${limits.tagsPerRepository} by last update were considered` });
        listed = page.tags;
      } catch (err) {
        result.errors.push({ registry: host, repository: repo.repository, message: `listing tags failed: ${message(err)}` });
        log.warn('scan.repository-failed', { image: `${host}/${repo.repository}`, result: message(err) });
        return;
      }
      const digests = new Map(listed.map((t) => [t.name, t.digest]));
      const currents = new Map<string, { digest?: string; created?: Date | null }>();
      for (const tag of new Set(repo.containers.map((c) => c.container.image.tag).filter((t): t is string => t !== undefined))) {
        let digest = digests.get(tag);
        if (digest === undefined) digest = await limit(() => access.tags.tagDigest(repo.repository, tag)).catch(() => undefined);
        currents.set(tag, digest === undefined ? { created: null } : { digest });
      }
      // Creation times: every tag a glob/regexp filter accepts, and the image each such container runs.
      const timed = new Set<string>();
      const timedCurrents = new Set<string>();
      for (const { container } of repo.containers) {
        if (!needsCreationTimes(container.filter)) continue;
        for (const t of acceptedTags(container.filter, listed)) timed.add(t.name);
        if (container.image.tag !== undefined) timedCurrents.add(container.image.tag);
      }
      const times = new Map<string, Date | null | undefined>();
      const readTime = async (tag: string) => {
        const digest = digests.get(tag) ?? currents.get(tag)?.digest;
        if (digest === undefined) return;
        const t = await created(repo.repository, digest);
        times.set(tag, t);
        if (t) known.set(buildTimeKey(parseImageRef(`${host}/${repo.repository}:${tag}`)), t);
      };
      // The first read alone: it fetches the repository's access token, which the others then reuse.
      const [first, ...rest] = [...new Set([...timed, ...timedCurrents])];
      if (first !== undefined) await readTime(first);
      await Promise.all(rest.map(readTime));
      const withTimes = listed.map((t) => (times.has(t.name) && times.get(t.name) !== undefined ? { ...t, created: times.get(t.name)! } : t));
      for (const { environment, container } of repo.containers) {
        const current = container.image.tag === undefined ? {} : { ...currents.get(container.image.tag), ...(timedCurrents.has(container.image.tag) && times.get(container.image.tag) !== undefined ? { created: times.get(container.image.tag)! } : {}) };
        const choice = chooseCandidate(container.image, container.filter, withTimes, current);
        if (choice.kind === 'candidate') {
          const image = formatImageRef(choice.ref);
          candidates.set(host, (candidates.get(host) ?? new Set()).add(image));
          log.info('scan.candidate', { environment: environment.name, workload: container.resourceId, container: container.container, image, result: `from ${formatImageRef(container.image)}` });
        } else if (choice.reason !== 'up-to-date' && choice.reason !== 'same-digest') {
          result.skipped.push({ environment: environment.name, workload: container.resourceId, container: container.container, image: formatImageRef(container.image), reason: choice.reason, message: choice.message });
        }
      }
    }));
  }));
  result.imageReads = reads.used;
  if (reads.capped) result.capsHit.push({ cap: 'imageReadsPerRun', detail: `${limits.imageReadsPerRun} image creation times read this run; containers needing more wait for the next run` });
  for (const cap of result.capsHit) log.warn('scan.cap', { result: `${cap.cap}: ${cap.detail}` });

  const buildTimes = async (refs: readonly ImageRef[]): Promise<ReadonlyMap<string, Date>> => {
    const out = new Map<string, Date>();
    const missing = refs.filter((r) => {
      const t = known.get(buildTimeKey(r));
      if (t) out.set(buildTimeKey(r), t);
      return !t;
    });
    if (missing.length > 0 && deps.buildTimes) for (const [k, v] of await deps.buildTimes(missing)) out.set(k, v);
    return out;
  };
  for (const [registry, images] of [...candidates].sort(([a], [b]) => a.localeCompare(b))) {
    const list = [...images].sort();
    result.candidates.push({ registry, images: list });
    try {
      result.releases.push(await releaseImages({ id: `scan:${registry}:${new Date(deps.clock.now()).toISOString()}`, registry, images: list }, { ...deps, buildTimes }));
    } catch (err) {
      result.errors.push({ registry, message: `releasing ${list.join(', ')} failed: ${message(err)}` });
      log.error('scan.release-failed', { image: list.join(', '), result: message(err) });
    }
  }
  log.info('scan.done', { result: `${result.scanned}/${result.repositories} repositories, ${result.tagsListed} tags, ${result.imageReads} image reads, ${[...candidates.values()].reduce((a, s) => a + s.size, 0)} candidates, ${result.errors.length} errors` });
  return result;
}
