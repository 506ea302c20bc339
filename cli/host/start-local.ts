/**
 * Starts the local host: the runtime, the queue worker, the HTTP routes and
 * the reconcile timer. `gitops serve` and `gitops demo` both use it.
 */
import { acrWebhook, githubWebhook, registryPush } from '../../shared/app/handlers.ts';
import { scanRegistries } from '../../shared/app/scan-handler.ts';
import { ConfigError } from '../../shared/config/config-error.ts';
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
  // New targets get everything at once: folder targets by a full sync job, real clusters through reconcile.
  const reconcileOnce = async () => {
    try {
      await host.reconcile();
    } catch (err) {
      log.error('reconcile.failed', { result: (err as Error).message });
    }
  };
  await reconcileOnce();
  const timer = setInterval(() => void reconcileOnce(), (options.reconcileSeconds ?? 300) * 1000);
  timer.unref();
  // The image scan runs only when its schedule is set explicitly (it reads registries with your Azure login).
  let scanTimer: NodeJS.Timeout | undefined;
  if (options.env.GITOPS_IMAGE_SCAN_SCHEDULE) {
    const minutes = everyMinutes(options.settings.imageScan.schedule);
    let running = false;
    scanTimer = setInterval(() => {
      if (running) return;
      running = true;
      scanRegistries(runtime, log).catch((err: unknown) => log.error('scan.failed', { result: (err as Error).message })).finally(() => (running = false));
    }, minutes * 60_000);
    scanTimer.unref();
  }
  return {
    url: http.url,
    host,
    async close() {
      clearInterval(timer);
      if (scanTimer) clearInterval(scanTimer);
      await http.close();
      await host.stop();
    },
  };
}

// The interval of an NCRONTAB schedule "every N minutes" (what the template writes); others are refused.
export function everyMinutes(schedule: string): number {
  const m = /^0 \*\/([0-9]+) \* \* \* \*$/.exec(schedule.trim());
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 59) {
    throw new ConfigError([`setting GITOPS_IMAGE_SCAN_SCHEDULE: the local host takes "0 */N * * * *" (every N minutes, 1-59), not ${JSON.stringify(schedule)}`]);
  }
  return Number(m[1]);
}
