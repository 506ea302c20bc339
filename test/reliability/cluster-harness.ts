/**
 * The pipeline as deployed, against the fakes: the GitHub fake records each push's signed webhook, the real
 * webhook handler (githubWebhook → onPush) enqueues one job per cluster on the in-process MemoryJobQueue
 * (at-least-once: a job that throws is retried after a delay, then poisoned), and its workers run the real
 * queue handler (syncJob → syncCluster) in parallel, one holder identity per invocation, against a fleet of
 * Kubernetes fakes reached through the real cluster connector. Every attempt is recorded. The fakes run in a
 * child process (cluster-fakes-process.ts), so their CPU is not the pipeline's.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { syncJob } from '../../shared/app/cluster-handlers.ts';
import { githubWebhook } from '../../shared/app/handlers.ts';
import type { Runtime } from '../../shared/app/runtime.ts';
import { createClusterConnector, systemClock, type Clock, type ClusterTarget, type RetryPolicy } from '../../shared/clusters/index.ts';
import type { WebhookResponse } from '../../shared/app/http-outcomes.ts';
import type { LogFields, Logger } from '../../shared/pipeline/logger.ts';
import { MemoryJobQueue } from '../../shared/pipeline/memory-job-queue.ts';
import type { SyncClusterResult } from '../../shared/pipeline/sync-cluster.ts';
import type { SyncJob } from '../../shared/pipeline/sync-job.ts';
import { createGitHubSource } from '../../shared/sources/github/index.ts';
import type { WebhookDelivery } from '../support/github-fake/index.ts';
import type { FaultOptions } from '../support/kube-fake/index.ts';
import { startFakesProcess, type RemoteGitHub, type RemoteKube } from './cluster-fakes-process.ts';
import { reconcileAll } from '../../shared/app/cluster-handlers.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { REGISTRY, tagIn, workload } from './github-harness.ts';
import { testRuntime } from './test-runtime.ts';

export const RIG_REPO = 'acme/config';
export const RIG_TOKEN = 'ghs_cluster-rig-token';
const TOKEN = RIG_TOKEN;
const SECRET = 'cluster-rig-webhook-secret';
export const RIG_GITOPS_YAML = 'environments:\n  development:\n    branch: main\n    path: development-configs\n    registries: [radixdev.azurecr.io]\n';

export interface ClusterRigOptions {
  clusters: number;
  /** Repository files (gitops.yaml is added unless given). */
  files: Record<string, string>;
  githubLatencyMs?: number;
  kubeLatencyMs?: number;
  /** Faults of every Kubernetes fake from the start (each fake gets its own seed: `seed + index`). */
  kubeFaults?: FaultOptions;
  /** The clock of the runtime and of the cluster clients (retry backoff, lease polls). */
  clock?: Clock;
  kubeRetry?: RetryPolicy;
  /** The GitHub adapter's fetch (fault injection on the wire) and retry settings. */
  githubFetch?: typeof fetch;
  githubMaxRetries?: number;
  queue?: { maxAttempts?: number; retryDelayMs?: number; concurrency?: number };
  configTtlMs?: number;
  /** Child processes the Kubernetes fleet is spread over (default 1): each API server is a machine of its own. */
  kubeProcesses?: number;
  /** More app settings of the runtime (e.g. `GITOPS_APPLY_CONCURRENCY`). */
  settings?: Record<string, string>;
}

/** One handled delivery of a job (the queue may deliver a job several times). */
export interface JobAttempt {
  job: SyncJob;
  attempt: number;
  startedMs: number;
  endedMs: number;
  result?: SyncClusterResult;
  /** Why the handler threw (the queue retries the job). */
  error?: string;
}

/** A logger that keeps every entry with its time (performance.now()), for profiles and assertions. */
export interface TimedLogger extends Logger {
  entries: { at: number; level: string; event: string; fields: LogFields }[];
}

export function timedLogger(): TimedLogger {
  const entries: TimedLogger['entries'] = [];
  const at = (level: string) => (event: string, fields: LogFields = {}) => void entries.push({ at: performance.now(), level, event, fields });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

export interface ClusterRig {
  github: RemoteGitHub;
  fleet: RemoteKube[];
  targets: ClusterTarget[];
  runtime: Runtime;
  queue: MemoryJobQueue;
  /** Every job the webhook handler (or reconcile) enqueued. */
  jobs: SyncJob[];
  attempts: JobAttempt[];
  log: TimedLogger;
  /** Commits `files` (null deletes) on main; returns the new HEAD and the push delivery GitHub would send. */
  commit(files: Record<string, string | null>, message: string): Promise<{ sha: string; delivery: WebhookDelivery }>;
  /** Hands a delivery to the webhook handler, as the Function's HTTP trigger does (`newId`: as a new delivery). */
  deliver(delivery: WebhookDelivery, options?: { newId?: boolean }): Promise<WebhookResponse>;
  /** CPU the fakes have used so far (ms; their processes and the git processes they ran); undefined off Linux. */
  fakesCpuMs(): number | undefined;
  /** Resolves when no job is pending, retrying or running. */
  settle(): Promise<void>;
  /** Resolves once `done()` holds, checked after each handled delivery (rejects after `timeoutMs`). */
  until(done: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startClusterRig(o: ClusterRigOptions): Promise<ClusterRig> {
  const clock = o.clock ?? systemClock;
  const fakes = await startFakesProcess({
    github: { repos: [{ fullName: RIG_REPO, files: { 'gitops.yaml': RIG_GITOPS_YAML, ...o.files }, branches: ['main'] }], token: TOKEN, latencyMs: o.githubLatencyMs ?? 0, webhook: { capture: true, secret: SECRET } },
    kube: Array.from({ length: o.clusters }, (_, i) => ({
      name: `cluster-${i + 1}`,
      ...(o.kubeLatencyMs ? { latencyMs: o.kubeLatencyMs } : {}),
      ...(o.kubeFaults ? { faults: { ...o.kubeFaults, ...(o.kubeLatencyMs ? { latencyMs: o.kubeLatencyMs } : {}), seed: (o.kubeFaults.seed ?? 1) + i } } : {}),
    })),
    ...(o.kubeProcesses !== undefined ? { kubeProcesses: o.kubeProcesses } : {}),
  });
  const { github, fleet } = fakes;
  const targets: ClusterTarget[] = fleet.map((f) => ({ name: f.name, origin: 'static', server: f.url, auth: 'none' }));
  const connector = createClusterConnector({ clock, ...(o.kubeRetry ? { retry: o.kubeRetry } : {}), timeoutMs: 10_000 });
  const source = createGitHubSource(
    { repository: RIG_REPO, baseUrl: github.url, auth: { token: TOKEN }, writeIntervalMs: 0, maxRateLimitWaitSeconds: 5, ...(o.githubMaxRetries !== undefined ? { maxRetries: o.githubMaxRetries } : {}) },
    { retryAfterBaseMs: 5, log: { debug() {}, info() {}, warn() {}, error() {} }, ...(o.githubFetch ? { fetch: o.githubFetch } : {}) },
  );
  const queue = new MemoryJobQueue({ maxAttempts: o.queue?.maxAttempts ?? 5, retryDelayMs: o.queue?.retryDelayMs ?? 200, concurrency: o.queue?.concurrency ?? o.clusters });
  const jobs: SyncJob[] = [];
  const runtime = testRuntime({
    source, clock, jobs, queue, clusters: o.clusters, fleet: { targets, connector }, configTtlMs: o.configTtlMs ?? 600_000,
    settings: { GITHUB_REPOSITORY: RIG_REPO, GITHUB_TOKEN: TOKEN, GITHUB_WEBHOOK_SECRET: SECRET, GITOPS_ENVIRONMENTS: 'development=main', ...o.settings },
  });
  const log = timedLogger();
  const attempts: JobAttempt[] = [];
  const handled = new EventEmitter();
  let invocation = 0;
  queue.process(async (job, attempt) => {
    const startedMs = performance.now();
    try {
      // Each delivery is its own invocation, with its own holder identity (as in Azure).
      const result = await syncJob(runtime, log, job, `rig-worker-${++invocation}`);
      attempts.push({ job, attempt, startedMs, endedMs: performance.now(), ...(result ? { result } : {}) });
    } catch (err) {
      attempts.push({ job, attempt, startedMs, endedMs: performance.now(), error: (err as Error).message });
      throw err;
    } finally {
      handled.emit('attempt');
    }
  });

  return {
    github, fleet, targets, runtime, queue, jobs, attempts, log,
    async commit(files, message) {
      const before = (await github.deliveries()).length;
      const sha = await github.commit(RIG_REPO, 'main', { files, message });
      const delivery = (await github.deliveries()).slice(before).find((d) => d.event === 'push');
      if (!delivery) throw new Error(`the GitHub fake recorded no push delivery for ${message}`);
      return { sha, delivery };
    },
    deliver(delivery, options = {}) {
      const headers = options.newId ? { ...delivery.headers, 'x-github-delivery': randomUUID() } : delivery.headers;
      return githubWebhook(runtime, log, { header: (n) => headers[n.toLowerCase()], body: delivery.body });
    },
    settle: () => queue.idle(),
    fakesCpuMs: () => fakes.cpuMs(),
    async until(done, timeoutMs = 60_000) {
      const signal = AbortSignal.timeout(timeoutMs);
      while (!done()) await once(handled, 'attempt', { signal });
    },
    async close() {
      await queue.idle();
      await fakes.close();
    },
  };
}

// The reliability scenarios' environment and checks.

export const NAMESPACE_FILE = 'development-configs/apps/namespace.yaml';
export const appPath = (i: number): string => `development-configs/apps/app-${i}.yaml`;
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n';

/** A small environment: the `apps` namespace and `apps` Deployments at `master-1`. */
export function appFiles(apps: number): Record<string, string> {
  return { [NAMESPACE_FILE]: NAMESPACE, ...Object.fromEntries(Array.from({ length: apps }, (_, i) => [appPath(i), workload(`app-${i}`, 'master-1')])) };
}

/** A clock whose sleeps are real but short (client retry backoff, lease polls): runs stay quick. */
const fastClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20))) };
export const fastRig = (o: ClusterRigOptions) => startClusterRig({ clock: fastClock, kubeRetry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }, ...o });

export async function bootstrap(rig: ClusterRig): Promise<void> {
  await reconcileAll(rig.runtime, silentLogger);
  await rig.settle();
  const bad = rig.attempts.filter((a) => a.result?.outcome !== 'synced');
  if (bad.length) throw new Error(`bootstrap failed: ${bad.map((a) => a.error ?? a.result?.description).join('; ')}`);
}

/** Every app's image on every cluster, and each cluster's recorded revision. */
export async function clusterState(rig: ClusterRig, apps: number) {
  return Promise.all(rig.fleet.map(async (f) => {
    const objects = await f.list({ namespace: 'apps', kind: 'Deployment' });
    const state = await f.get('v1', 'ConfigMap', 'gitops-system', 'gitops-development');
    const ns = await f.get('v1', 'Namespace', undefined, 'apps');
    const versions: Record<string, string> = { namespace: String(ns?.metadata.resourceVersion), state: String(state?.metadata.resourceVersion) };
    const images: Record<string, string | undefined> = {};
    for (const o of objects) {
      versions[o.metadata.name] = `${o.metadata.resourceVersion}/${o.metadata.generation}`;
      images[o.metadata.name] = o.spec?.template?.spec?.containers?.[0]?.image;
    }
    return { cluster: f.name, versions, images, revision: state?.data?.revision as string | undefined, apps: objects.length === apps };
  }));
}

export type Snapshot = Awaited<ReturnType<typeof clusterState>>;

/** Objects whose resourceVersion or generation differs between two snapshots. */
export function changedObjects(before: Snapshot, after: Snapshot): string[] {
  return before.flatMap((b, i) => Object.entries(b.versions).filter(([k, v]) => after[i]!.versions[k] !== v).map(([k]) => `${b.cluster}/${k}`));
}

/** Clusters whose apps do not all run HEAD's image, or whose state is not at HEAD. */
export async function clustersOffHead(rig: ClusterRig, snapshot: Snapshot, apps: number, head: string): Promise<string[]> {
  const want: Record<string, string> = {};
  for (let i = 0; i < apps; i++) want[`app-${i}`] = `${REGISTRY}/app-${i}:${tagIn(await rig.github.readFile(RIG_REPO, 'main', appPath(i)), `app-${i}`)}`;
  return snapshot.filter((s) => !s.apps || s.revision !== head || Object.entries(want).some(([k, v]) => s.images[k] !== v)).map((s) => s.cluster);
}

export const bump = (apps: number[], tag: string) => Object.fromEntries(apps.map((i) => [appPath(i), workload(`app-${i}`, tag)]));
