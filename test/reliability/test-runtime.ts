/**
 * The runtime the real handlers take, assembled for the fakes: a GitHub source, its config provider, a queue
 * that records jobs, an in-memory delivery log, and `clusters` static clusters that are never connected to
 * (onPush only needs their names). The one place bench/ and test/reliability/ build a Runtime, so a change
 * of the Runtime's shape is one edit here.
 */
import { assembleRuntime, type Runtime } from '../../shared/app/runtime.ts';
import { systemClock } from '../../shared/clusters/clock.ts';
import type { ClusterTarget } from '../../shared/clusters/index.ts';
import { loadSettings } from '../../shared/config/settings.ts';
import { createConfigProvider } from '../../shared/pipeline/config-provider.ts';
import { MemoryDeliveryLog } from '../../shared/pipeline/delivery-log.ts';
import type { SyncJob } from '../../shared/pipeline/sync-job.ts';
import type { GitHubSource } from '../../shared/sources/github/index.ts';

export interface TestRuntimeParts {
  source: GitHubSource;
  /** App settings (GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_WEBHOOK_SECRET, ...). */
  settings: Record<string, string>;
  /** Receives every job the runtime enqueues. */
  jobs: SyncJob[];
  clusters: number;
  /** Config cache TTL (default the provider's). */
  configTtlMs?: number;
}

export function testRuntime(p: TestRuntimeParts): Runtime {
  const targets: ClusterTarget[] = Array.from({ length: p.clusters }, (_, i) => ({ name: `cluster-${i + 1}`, origin: 'static', server: `https://cluster-${i + 1}.invalid`, auth: 'none' }));
  return assembleRuntime({
    settings: loadSettings(p.settings),
    repository: p.settings.GITHUB_REPOSITORY!,
    source: p.source,
    statuses: p.source,
    proposer: p.source,
    config: createConfigProvider(p.source, p.configTtlMs !== undefined ? { ttlMs: p.configTtlMs } : {}),
    queue: { send: async (job) => void p.jobs.push(job) },
    deliveries: new MemoryDeliveryLog(),
    connector: {
      discover: async () => targets,
      connect: async (t) => { throw new Error(`cluster ${t.name} is not reachable in this scenario`); },
    },
    clock: systemClock,
    gitUrl: `git@github.com:${p.settings.GITHUB_REPOSITORY}`,
  });
}
