/**
 * Starts the local host: the runtime, the queue worker, the HTTP routes and
 * the reconcile timer. `gitops serve` and `gitops demo` both use it.
 */
import { reconcileAll } from '../../shared/app/cluster-handlers.ts';
import { acrWebhook, expireDeliveries, githubWebhook, registryPush } from '../../shared/app/handlers.ts';
import { FOLDER_CLUSTER } from '../../shared/clusters/index.ts';
import type { Settings } from '../../shared/config/settings.ts';
import type { Logger } from '../../shared/pipeline/logger.ts';
import type { TagLister } from '../../shared/registry/tag-lister.ts';
import { startHttpHost } from './http-host.ts';
import { createLocalHost, type LocalHost } from '../../shared/app/local-runtime.ts';

export interface LocalServer {
  url: string;
  host: LocalHost;
  close(): Promise<void>;
}

export async function startLocalServer(options: {
  settings: Settings;
  env: Readonly<Record<string, string | undefined>>;
  workDir: string;
  repoDir?: string;
  port?: number;
  reconcileSeconds?: number;
  log: Logger;
  /** Registries the host can confirm pushed tags in (tests: the ACR fake). */
  registryTags?: (registry: string) => TagLister | undefined;
}): Promise<LocalServer> {
  const { log } = options;
  const host = await createLocalHost({ settings: options.settings, workDir: options.workDir, env: options.env, log, ...(options.repoDir ? { repoDir: options.repoDir } : {}), ...(options.registryTags ? { registryTags: options.registryTags } : {}) });
  const { runtime } = host;
  await host.start();
  const http = await startHttpHost(
    {
      http: { 'github-webhook': (req) => githubWebhook(runtime, log, req), 'acr-webhook': (req) => acrWebhook(runtime, log, req) },
      eventGrid: { 'registry-push': (event) => registryPush(runtime, log, event) },
      onError: (route, err) => log.error('host.error', { route, result: (err as Error)?.message ?? String(err) }),
    },
    { port: options.port ?? 7071 },
  );
  // New targets get everything at once: folder targets here, real clusters through reconcile.
  const reconcileOnce = async () => {
    try {
      await expireDeliveries(runtime, log);
      const config = await runtime.config();
      const withClusters = new Set<string>();
      for (const env of config.environments) {
        for (const t of await runtime.discover(env)) {
          if (t.name === FOLDER_CLUSTER) await runtime.queue.send({ v: 1, environment: env.name, cluster: t.name, reason: 'reconcile', full: true, changed: [], removed: [] });
          else withClusters.add(env.name);
        }
      }
      if (withClusters.size > 0) await reconcileAll(runtime, log, (env) => withClusters.has(env.name));
    } catch (err) {
      log.error('reconcile.failed', { result: (err as Error).message });
    }
  };
  await reconcileOnce();
  const timer = setInterval(() => void reconcileOnce(), (options.reconcileSeconds ?? 300) * 1000);
  timer.unref();
  return {
    url: http.url,
    host,
    async close() {
      clearInterval(timer);
      await http.close();
      await host.stop();
    },
  };
}
