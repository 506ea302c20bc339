/**
 * The composition root: the pipeline's dependencies built from validated
 * settings, once per process (a Functions instance or the local host). Reads
 * no environment itself; `functions/` and `cli/serve` pass settings in.
 */
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
import type { JobQueue } from '../pipeline/sync-job.ts';
import type { TagLister } from '../registry/tag-lister.ts';
import type { SourceReader, SourceWriter, StatusReporter } from '../sources/port.ts';

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
}

export type RuntimeParts = Omit<Runtime, 'branchLocks' | 'parseCache' | 'applyCache' | 'statuses' | 'proposer' | 'buildTimes' | 'registryTags' | 'discover'> &
  Partial<Pick<Runtime, 'statuses' | 'proposer' | 'buildTimes' | 'registryTags'>>;

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
  return { statuses: undefined, proposer: undefined, buildTimes: undefined, registryTags: undefined, ...rest, discover, branchLocks: new KeyedMutex(), parseCache: new ParseCache(), applyCache: new ApplyItemCache() };
}
