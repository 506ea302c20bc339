/**
 * The composition root: the pipeline's dependencies built from validated
 * settings, once per process (a Functions instance or the local host). Reads
 * no environment itself; `functions/` and `cli/serve` pass settings in.
 */
import { BuildCache } from '../pipeline/build-cache.ts';
import { RenderCache } from '../pipeline/render-cache.ts';
import { ApplyItemCache } from '../clusters/apply-body.ts';
import type { Clock, ClusterConnector, ClusterTarget } from '../clusters/index.ts';
import type { Environment } from '../config/index.ts';
import type { Settings } from '../config/settings.ts';
import type { ImageRef } from '../images/index.ts';
import { ParseCache } from '../manifests/index.ts';
import type { ConfigProvider } from '../pipeline/config-provider.ts';
import type { DeliveryLog } from '../pipeline/delivery-log.ts';
import { KeyedMutex } from '../pipeline/keyed-mutex.ts';
import type { ChangeProposer } from '../pipeline/on-image-pushed.ts';
import type { ImageJob } from '../pipeline/image-job.ts';
import type { PreviewJob } from '../pipeline/preview-job.ts';
import type { PreviewReporter } from '../pipeline/run-preview.ts';
import type { JobQueue } from '../pipeline/sync-job.ts';
import type { HealthQueue } from '../pipeline/health-job.ts';
import type { RegistryAccess } from '../pipeline/scan-images.ts';
import { LruCache } from '../sources/github/lru-cache.ts';
import type { TagLister } from '../registry/tag-lister.ts';
import type { SourceReader, SourceWriter, StatusReporter } from '../sources/port.ts';

/**
 * The git URL the sync-set mark is computed from (Flux v1's `--git-url`) when GITOPS_GIT_URL is not set: the
 * repository's https address on github.com. One default for every host.
 */
export function defaultGitUrl(repository: string): string {
  return `https://github.com/${repository}`;
}

export interface Runtime {
  settings: Settings;
  /** `owner/name` the push webhook accepts (GitHub's repository, or the local repository's name). */
  repository: string;
  /** Where the config repository is read and written. */
  source: SourceReader & SourceWriter;
  /** Commit statuses, where the source supports them (GitHub). */
  statuses: StatusReporter | undefined;
  /** Pull requests for `imageUpdates: pull-request` environments (GitHub). */
  proposer: ChangeProposer | undefined;
  config: ConfigProvider;
  queue: JobQueue;
  /** The `image-release` queue: images the ACR classic webhook accepted, released by its queue trigger. */
  imageQueue: JobQueue<ImageJob>;
  /** The `preview` queue (pull-request previews); undefined where previews are off. */
  previewQueue: JobQueue<PreviewJob> | undefined;
  /** Where previews are reported (GitHub check runs, or statuses and comments); undefined without GitHub. */
  previews: PreviewReporter | undefined;
  deliveries: DeliveryLog;
  connector: ClusterConnector;
  /** An environment's clusters, cached briefly: the push webhook must answer fast. */
  discover(env: Environment): Promise<ClusterTarget[]>;
  clock: Clock;
  /** The repository URL Flux v1's ownership marks are computed from. */
  gitUrl: string;
  buildTimes: ((refs: readonly ImageRef[]) => Promise<ReadonlyMap<string, Date>>) | undefined;
  /** Tags of a registry the runtime can ask (ACR with the managed identity), to confirm a pushed tag before committing it. */
  registryTags: ((registry: string) => TagLister | undefined) | undefined;
  /** Serialises this process's writes per branch. */
  branchLocks: KeyedMutex;
  /** Parsed manifests by file text: a commit synced to many clusters is parsed once per process. */
  parseCache: ParseCache;
  /** Apply bodies by parsed object: built once per process, not once per cluster. */
  applyCache: ApplyItemCache;
  /** Generated builds shared by the syncs (keyed by revision and variables). */
  buildCache: BuildCache;
  /** Renders shared by the syncs: one per environment × revision × variables, single-flight (render-cache.ts). */
  renderCache: RenderCache;
  /** Tags and manifests of a registry the image scan may read (ACR with the managed identity), or undefined. */
  registryAccess(host: string): RegistryAccess | undefined;
  /** Image creation times by registry/repository@digest, kept across scans (images are immutable). */
  imageCreatedCache: LruCache<string, Date | null>;
  /** Delayed rollout-health checks after a sync; without one, syncs report "applied" and do not wait for health. */
  healthQueue: HealthQueue | undefined;
}

export type RuntimeParts = Omit<Runtime, 'branchLocks' | 'parseCache' | 'applyCache' | 'buildCache' | 'renderCache' | 'statuses' | 'proposer' | 'buildTimes' | 'registryTags' | 'discover' | 'registryAccess' | 'imageCreatedCache' | 'healthQueue' | 'previewQueue' | 'previews'> &
  Partial<Pick<Runtime, 'statuses' | 'proposer' | 'buildTimes' | 'registryTags' | 'registryAccess' | 'healthQueue' | 'previewQueue' | 'previews'>>;

/** How long an environment's discovered clusters are reused: the push webhook must answer fast. */
const DISCOVERY_TTL_MS = 60_000;

/** Assembles a runtime from its parts (adapters are built by the caller that knows the platform). */
export function assembleRuntime(parts: RuntimeParts): Runtime {
  const rest = parts;
  const cache = new Map<string, { at: number; targets: Promise<ClusterTarget[]> }>();
  const discover = (env: Environment) => {
    const key = JSON.stringify([env.name, env.clusters]);
    const hit = cache.get(key);
    if (hit && parts.clock.now() - hit.at < DISCOVERY_TTL_MS) return hit.targets;
    const targets = parts.connector.discover(env);
    cache.set(key, { at: parts.clock.now(), targets });
    targets.catch(() => cache.delete(key));
    return targets;
  };
  return {
    statuses: undefined, proposer: undefined, buildTimes: undefined, registryTags: undefined, registryAccess: () => undefined, healthQueue: undefined, previewQueue: undefined, previews: undefined, ...rest,
    discover, branchLocks: new KeyedMutex(), parseCache: new ParseCache(), applyCache: new ApplyItemCache(), buildCache: new BuildCache(), renderCache: new RenderCache(), imageCreatedCache: new LruCache({ maxEntries: 50_000 }),
  };
}
