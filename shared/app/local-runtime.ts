/**
 * The local host's runtime. Embedded defaults, so it runs with no cloud account:
 * the source is a local git repository (by default the sample under examples/,
 * copied to a working folder on first run), jobs run in-process, and clusters are
 * kubeconfig contexts where an environment selects some that exist, otherwise a
 * dry-run folder target that receives what the cluster would get. With GITHUB_*
 * settings the source is GitHub (or the fake); with AzureWebJobsStorage the jobs go
 * through Azure Storage queues (Azurite) exactly as in Azure.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { acrAccess } from '../registry/acr-access.ts';
import { assembleRuntime, defaultGitUrl, type Runtime } from './runtime.ts';
import { healthJob, reconcileAll, syncJob } from './cluster-handlers.ts';
import { expireDeliveries, imageJob } from './handlers.ts';
import { defaultKubeconfig } from './laptop.ts';
import { HEALTH_QUEUE, type HealthQueue } from '../pipeline/health-job.ts';
import { MemoryHealthQueue } from '../pipeline/memory-health-queue.ts';
import { StorageHealthQueue } from '../storage/storage-health-queue.ts';
import { createClusterConnector, FOLDER_CLUSTER, systemClock, type ClusterTarget } from '../clusters/index.ts';
import { findEnvironment } from '../config/index.ts';
import { connectorBounds, type Settings } from '../config/settings.ts';
import { createConfigProvider } from '../pipeline/config-provider.ts';
import { DELIVERY_RETENTION_MS, MemoryDeliveryLog } from '../pipeline/delivery-log.ts';
import type { Logger } from '../pipeline/logger.ts';
import { MemoryJobQueue } from '../pipeline/memory-job-queue.ts';
import { onBranchUpdate } from '../pipeline/on-push.ts';
import { writeEnvironment } from '../pipeline/build-environment.ts';
import { fullSyncJob, parseSyncJob, SYNC_QUEUE, type JobQueue } from '../pipeline/sync-job.ts';
import { IMAGE_QUEUE, MAX_DEQUEUE_COUNT, type ImageJob } from '../pipeline/image-job.ts';
import { PREVIEW_QUEUE, type PreviewJob } from '../pipeline/preview-job.ts';
import { previewJob } from './preview-handlers.ts';
import { GitHubPreviewReporter, gitHubSourceFromSettings, type GitHubSource } from '../sources/github/index.ts';
import { LocalGitSource } from '../sources/local-git.ts';
import type { TagLister } from '../registry/tag-lister.ts';
import type { CommitRequest, CommitResult } from '../sources/port.ts';
import { QueueWorker } from '../storage/queue-worker.ts';
import { queueService, StorageJobQueue } from '../storage/storage-job-queue.ts';
import { DELIVERY_TABLE, TableDeliveryLog } from '../storage/table-delivery-log.ts';

const run = promisify(execFile);
const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'radix-config');

export interface LocalHost {
  runtime: Runtime;
  /** Where the folder targets are written, one folder per environment. */
  foldersDir: string;
  /** The local repository, when the source is local git. */
  repoDir: string | undefined;
  /** Starts processing queued jobs. */
  start(): Promise<void>;
  /**
   * Expires old delivery records and brings every target up to date: a folder target gets a full sync job,
   * environments with clusters go through reconcile (new, behind or drifted clusters). Throws when the
   * configuration cannot be read.
   */
  reconcile(): Promise<void>;
  /** Resolves when no job is pending or running. */
  idle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Jobs that failed every retry. */
  poisoned(): Promise<unknown[]>;
}

/** Creates the sample repository (branches master and release) in `dir` unless a repository is there. */
export async function ensureSampleRepo(dir: string): Promise<void> {
  if (await stat(path.join(dir, '.git')).then(() => true, () => false)) return;
  await mkdir(dir, { recursive: true });
  await cp(SAMPLE, dir, { recursive: true });
  const env = { ...process.env, GIT_AUTHOR_NAME: 'platform team', GIT_AUTHOR_EMAIL: 'platform@example.com', GIT_COMMITTER_NAME: 'platform team', GIT_COMMITTER_EMAIL: 'platform@example.com' };
  const git = (...a: string[]) => run('git', ['-C', dir, ...a], { env });
  await git('init', '--quiet', '--initial-branch', 'master');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'Sample config repository');
  await git('branch', 'release');
}

export async function createLocalHost(options: {
  settings: Settings;
  workDir: string;
  repoDir?: string;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** Registries the host can ask for tags (none by default: a laptop holds no registry credentials, pushes are unchecked). */
  registryTags?: (registry: string) => TagLister | undefined;
}): Promise<LocalHost> {
  const { settings, log } = options;
  const foldersDir = path.join(options.workDir, 'clusters');
  const clock = systemClock;
  let repoDir: string | undefined;
  let runtime: Runtime;
  let queue: JobQueue;
  const memoryQueue = settings.storage ? undefined : new MemoryJobQueue({ retryDelayMs: 2000 });
  const memoryPreviews = settings.storage ? undefined : new MemoryJobQueue<PreviewJob>({ retryDelayMs: 2000 });
  let previewQueue: JobQueue<PreviewJob>;
  let imageQueue: JobQueue<ImageJob>;
  const memoryImages = settings.storage ? undefined : new MemoryJobQueue<ImageJob>({ retryDelayMs: 2000, maxAttempts: MAX_DEQUEUE_COUNT });
  let imageWorker: QueueWorker | undefined;
  let worker: QueueWorker | undefined;
  let previewWorker: QueueWorker | undefined;
  let healthWorker: QueueWorker | undefined;
  let healthQueue: HealthQueue;
  const memoryHealth = settings.storage ? undefined : new MemoryHealthQueue();

  let source: Runtime['source'];
  let repository: string;
  let github: GitHubSource | undefined;
  if (settings.github) {
    const g = settings.github;
    const gh = gitHubSourceFromSettings(g, settings.commitAuthor, { writeIntervalMs: 0 });
    source = github = gh;
    repository = g.repository;
  } else {
    repoDir = path.resolve(options.repoDir ?? path.join(options.workDir, 'repo'));
    await ensureSampleRepo(repoDir);
    const git = new LocalGitSource(repoDir, { author: settings.commitAuthor });
    repository = `local/${path.basename(repoDir)}`;
    // A local repository has no GitHub to send the push webhook: a commit the pipeline writes is handed to the push use case as a branch update.
    source = {
      description: git.description,
      defaultBranch: () => git.defaultBranch(),
      resolveBranch: (b) => git.resolveBranch(b),
      listFiles: (r) => git.listFiles(r),
      readFiles: (r, p) => git.readFiles(r, p),
      async commit(req: CommitRequest): Promise<CommitResult> {
        const result = await git.commit(req);
        if (result.status === 'committed') {
          const { changed, removed } = await git.diff(req.expectedHead, result.revision);
          const update = { ref: `refs/heads/${req.branch}`, before: req.expectedHead, after: result.revision, deleted: false, changed, removed };
          await onBranchUpdate(update, `local-${result.revision}`, { config: (hint) => runtime.config(hint), clusters: (env) => runtime.discover(env), queue, deliveries: runtime.deliveries, log });
        }
        return result;
      },
    };
  }

  let deliveries;
  if (settings.storage && 'connectionString' in settings.storage) {
    const service = queueService(settings.storage);
    queue = new StorageJobQueue(service, SYNC_QUEUE);
    deliveries = new TableDeliveryLog(TableClient.fromConnectionString(settings.storage.connectionString, DELIVERY_TABLE, { allowInsecureConnection: true }), { retentionMs: DELIVERY_RETENTION_MS });
    worker = new QueueWorker(service, {
      queueName: SYNC_QUEUE,
      handler: (m, meta) => handleJob(m, meta.id),
      onError: (err, meta) => log.warn('sync.retry', { result: `${(err as Error).message}${meta.poisoned ? ' (moved to sync-poison)' : ''}` }),
    });
    previewQueue = new StorageJobQueue<PreviewJob>(service, PREVIEW_QUEUE);
    previewWorker = new QueueWorker(service, {
      queueName: PREVIEW_QUEUE,
      handler: async (m) => void (await previewJob(runtime, log, m)),
      onError: (err, meta) => log.warn('preview.retry', { result: `${(err as Error).message}${meta.poisoned ? ` (moved to ${PREVIEW_QUEUE}-poison)` : ''}` }),
    });
    imageQueue = new StorageJobQueue<ImageJob>(service, IMAGE_QUEUE);
    imageWorker = new QueueWorker(service, {
      queueName: IMAGE_QUEUE,
      maxDequeueCount: MAX_DEQUEUE_COUNT,
      handler: async (m, meta) => void (await imageJob(runtime, log, m, meta)),
      // imageJob logs each failed release itself; only the queue's own failures are left to say.
      onError: (err, meta) => meta.dequeueCount === 0 && log.warn('image.retry', { result: (err as Error).message }),
    });
    healthQueue = new StorageHealthQueue(service, HEALTH_QUEUE);
    healthWorker = new QueueWorker(service, {
      queueName: HEALTH_QUEUE,
      handler: async (m) => void (await healthJob(runtime, log, m)),
      onError: (err, meta) => log.warn('health.retry', { result: `${(err as Error).message}${meta.poisoned ? ' (moved to health-poison)' : ''}` }),
    });
  } else {
    queue = memoryQueue!;
    previewQueue = memoryPreviews!;
    imageQueue = memoryImages!;
    healthQueue = memoryHealth!;
    deliveries = new MemoryDeliveryLog();
  }

  // Registries are read (image scan) with the developer's Azure login, only when a scan runs.
  let credential: TokenCredential | undefined;
  const acr = acrAccess(() => (credential ??= settings.azureClientId ? new ManagedIdentityCredential({ clientId: settings.azureClientId }) : new DefaultAzureCredential()));
  const connector = createClusterConnector({ clock, defaultKubeconfig: defaultKubeconfig(options.env), ...connectorBounds(settings) });
  const base = assembleRuntime({
    settings,
    repository,
    source,
    ...(github ? { statuses: github, proposer: github, previews: new GitHubPreviewReporter(github.client, settings.github!.auth.kind === 'app' ? 'checks' : 'comment') } : {}),
    previewQueue,
    config: createConfigProvider(source, { inlineYaml: settings.configYaml, environmentBranches: settings.environmentBranches, bounds: settings.bounds, defaultBranchFallback: true }),
    queue,
    imageQueue,
    deliveries,
    connector,
    clock,
    gitUrl: settings.gitUrl ?? (settings.github ? defaultGitUrl(settings.github.repository) : repoDir!),
    registryAccess: (host) => acr.registry(host),
    healthQueue,
    ...(options.registryTags ? { registryTags: options.registryTags } : {}),
  });
  // Environments with no reachable cluster get the folder target instead.
  const folder = (env: string): ClusterTarget => ({ name: FOLDER_CLUSTER, origin: 'static', server: `file://${path.join(foldersDir, env)}`, auth: 'none' });
  runtime = {
    ...base,
    discover: async (env) => {
      const found = await base.discover(env).catch(() => []);
      return found.length > 0 ? found : [folder(env.name)];
    },
  };

  async function handleJob(message: unknown, id: string): Promise<void> {
    const job = parseSyncJob(message);
    if (job.cluster !== FOLDER_CLUSTER) {
      await syncJob(runtime, log, job, `local/${os.hostname()}/${id}`);
      return;
    }
    const env = findEnvironment(await runtime.config(), job.environment);
    if (!env) return;
    const revision = await runtime.source.resolveBranch(env.branch);
    const { rendered, written } = await writeEnvironment(runtime.source, env, revision, { dir: path.join(foldersDir, env.name), gitUrl: runtime.gitUrl, clock });
    log.info('sync.folder', { environment: env.name, cluster: FOLDER_CLUSTER, commit: revision, result: `${written.length} objects written to ${path.join(foldersDir, env.name)}, ${rendered.errors.length} errors` });
  }

  return {
    runtime,
    foldersDir,
    repoDir,
    async start() {
      if (worker) await Promise.all([worker.start(), previewWorker!.start(), imageWorker!.start()]);
      else {
        memoryQueue!.process((job) => handleJob(job, randomUUID()));
        memoryImages!.process(async (job, attempt) => void (await imageJob(runtime, log, job, { dequeueCount: attempt })));
        memoryPreviews!.process(async (job) => void (await previewJob(runtime, log, job)));
      }
      if (healthWorker) await healthWorker.start();
      else memoryHealth!.process(async (job) => void (await healthJob(runtime, log, job)));
    },
    async reconcile() {
      await expireDeliveries(runtime, log);
      const config = await runtime.config();
      const withClusters = new Set<string>();
      for (const env of config.environments) {
        for (const t of await runtime.discover(env)) {
          if (t.name === FOLDER_CLUSTER) await runtime.queue.send(fullSyncJob({ environment: env.name, cluster: t.name, reason: 'reconcile' }));
          else withClusters.add(env.name);
        }
      }
      if (withClusters.size > 0) await reconcileAll(runtime, log, (env) => withClusters.has(env.name));
    },
    async idle(timeoutMs = 60_000) {
      // Images first: a release commits, and its branch update queues sync jobs.
      if (worker) {
        await imageWorker!.idle(timeoutMs);
        await Promise.all([worker.idle(timeoutMs), previewWorker!.idle(timeoutMs)]);
      } else {
        const idle = async () => {
          await memoryImages!.idle();
          await Promise.all([memoryQueue!.idle(), memoryPreviews!.idle()]);
        };
        await Promise.race([idle(), new Promise((_, reject) => setTimeout(() => reject(new Error(`jobs still running after ${timeoutMs} ms`)), timeoutMs).unref())]);
      }
    },
    async stop() {
      await Promise.all([worker?.stop(), previewWorker?.stop(), imageWorker?.stop()]);
      await healthWorker?.stop();
      memoryHealth?.stop();
    },
    async poisoned() {
      if (memoryQueue) return [...memoryQueue.poisoned, ...memoryImages!.poisoned];
      return [];
    },
  };
}
