/**
 * The runtime the real handlers take, assembled for the fakes: a GitHub source, its config provider, a queue
 * that records jobs, an in-memory delivery log, and `clusters` static clusters. Without `fleet` they are
 * never connected to (onPush only needs their names); with it they are the given targets, reached through a
 * real cluster connector (the Kubernetes fakes). Images the ACR webhook queues are released as they are queued,
 * so a scenario sees their effect when the webhook answers. The one place bench/ and test/reliability/ build a Runtime,
 * so a change of the Runtime's shape is one edit here.
 */
import { imageJob } from '../../shared/app/handlers.ts';
import { assembleRuntime, type Runtime } from '../../shared/app/runtime.ts';
import { systemClock, type Clock } from '../../shared/clusters/clock.ts';
import type { ClusterConnector, ClusterTarget } from '../../shared/clusters/index.ts';
import { loadSettings } from '../../shared/config/settings.ts';
import { createConfigProvider } from '../../shared/pipeline/config-provider.ts';
import { MemoryDeliveryLog } from '../../shared/pipeline/delivery-log.ts';
import { MAX_DEQUEUE_COUNT } from '../../shared/pipeline/image-job.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import type { JobQueue, SyncJob } from '../../shared/pipeline/sync-job.ts';
import type { GitHubSource } from '../../shared/sources/github/index.ts';
import type { HealthQueue } from '../../shared/pipeline/health-job.ts';

export interface TestRuntimeParts {
  source: GitHubSource;
  /** App settings (GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_WEBHOOK_SECRET, ...). */
  settings: Record<string, string>;
  /** Receives every job the runtime enqueues. */
  jobs: SyncJob[];
  clusters: number;
  /** Config cache TTL (default the provider's). */
  configTtlMs?: number;
  /** Reachable clusters: every environment deploys to `targets`, connected through `connector`. */
  fleet?: { targets: ClusterTarget[]; connector: ClusterConnector };
  /** Where jobs go after being recorded in `jobs` (e.g. a MemoryJobQueue with workers). */
  queue?: JobQueue;
  clock?: Clock;
  /** Where syncs send their delayed rollout-health checks (none: syncs do not wait for health). */
  healthQueue?: HealthQueue;
}

export function testRuntime(p: TestRuntimeParts): Runtime {
  const targets: ClusterTarget[] = p.fleet?.targets ?? Array.from({ length: p.clusters }, (_, i) => ({ name: `cluster-${i + 1}`, origin: 'static', server: `https://cluster-${i + 1}.invalid`, auth: 'none' }));
  const fleet = p.fleet;
  const settings = loadSettings(p.settings);
  const runtime: Runtime = assembleRuntime({
    settings,
    repository: p.settings.GITHUB_REPOSITORY!,
    source: p.source,
    statuses: p.source,
    proposer: p.source,
    // GITOPS_ENVIRONMENTS in the settings: each environment from its own branch, as the Function App reads it;
    // without it, gitops.yaml at the default branch (the laptop's source).
    config: createConfigProvider(p.source, { environmentBranches: settings.environmentBranches, defaultBranchFallback: true, ...(p.configTtlMs !== undefined ? { ttlMs: p.configTtlMs } : {}) }),
    queue: { send: async (job) => { p.jobs.push(job); await p.queue?.send(job); } },
    imageQueue: { send: async (job) => void (await imageJob(runtime, silentLogger, job, { dequeueCount: MAX_DEQUEUE_COUNT })) },
    deliveries: new MemoryDeliveryLog(),
    connector: {
      discover: async () => targets,
      connect: fleet ? (t) => fleet.connector.connect(t) : async (t) => { throw new Error(`cluster ${t.name} is not reachable in this scenario`); },
    },
    clock: p.clock ?? systemClock,
    ...(p.healthQueue ? { healthQueue: p.healthQueue } : {}),
    gitUrl: `git@github.com:${p.settings.GITHUB_REPOSITORY}`,
  });
  return runtime;
}
