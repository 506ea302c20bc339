/**
 * `gitops serve [--port 7071] [--repo DIR] [--work DIR] [--reconcile-seconds N]`: the Function App on a
 * laptop (what `npm start` runs): /api/github-webhook, /api/acr-webhook and the Event Grid route
 * /runtime/webhooks/eventgrid?functionName=registry-push, with the queue worker and the reconcile timer
 * in-process. Settings come from the environment, then local.settings.json (`Values`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSettings } from '../../shared/config/settings.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../host/console-logger.ts';
import { startLocalServer } from '../host/start-local.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `Usage: gitops serve [--port 7071] [--repo DIR] [--work DIR]
                    [--reconcile-seconds 300]

Runs the Function App locally. With no GITHUB_* settings the source is a local
git repository (--repo DIR, default: the sample repository copied to
WORK/repo); with no AzureWebJobsStorage jobs run in-process; environments
without a reachable cluster (kubeconfig contexts) get a folder target under
WORK/clusters/<environment>/. Webhooks are refused until
GITHUB_WEBHOOK_SECRET / ACR_WEBHOOK_SECRETS are set; Event Grid events are
acted on only from the registries in GITOPS_REGISTRY_TOPICS.`;

/** Settings from local.settings.json's Values, overridden by the real environment. */
export async function localEnvironment(ctx: CommandContext): Promise<Record<string, string | undefined>> {
  let values: Record<string, string> = {};
  try {
    const parsed = JSON.parse(await readFile(path.join(ctx.cwd, 'local.settings.json'), 'utf8')) as { Values?: Record<string, string> };
    values = parsed.Values ?? {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`local.settings.json: ${(err as Error).message}`);
  }
  return { ...values, ...ctx.env };
}

export async function serve(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, { port: { type: 'string' }, repo: { type: 'string' }, work: { type: 'string' }, 'reconcile-seconds': { type: 'string' } });
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const port = Number(parsed.port ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${parsed.port}: expected a port number`);
  const reconcileSeconds = Number(parsed['reconcile-seconds'] ?? 300);
  if (!(reconcileSeconds > 0)) throw new UsageError(`--reconcile-seconds ${parsed['reconcile-seconds']}: expected a positive number`);
  const env = await localEnvironment(ctx);
  const settings = loadSettings(env);
  const log = consoleLogger(ctx.out);
  const server = await startLocalServer({
    settings,
    env,
    workDir: path.resolve(ctx.cwd, parsed.work ?? '.work/serve'),
    ...(parsed.repo ? { repoDir: path.resolve(ctx.cwd, parsed.repo) } : {}),
    port,
    reconcileSeconds,
    log,
  });
  const { out } = ctx;
  out.line(out.bold(`serverless-gitops local host on ${server.url}`));
  out.line(`  source      ${server.host.runtime.source.description}`);
  out.line(`  POST        ${server.url}/api/github-webhook${settings.webhookSecrets.length ? '' : out.yellow('   (refusing: GITHUB_WEBHOOK_SECRET not set)')}`);
  out.line(`  POST        ${server.url}/api/acr-webhook${settings.acrWebhookSecrets.size ? '' : out.yellow('      (refusing: ACR_WEBHOOK_SECRETS not set)')}`);
  out.line(`  POST        ${server.url}/runtime/webhooks/eventgrid?functionName=registry-push${settings.registryTopics.size ? '' : out.yellow('   (ignoring every registry: GITOPS_REGISTRY_TOPICS not set)')}`);
  const config = await server.host.runtime.config();
  for (const e of config.environments) {
    const targets = await server.host.runtime.discover(e);
    out.line(`  ${e.name.padEnd(12)}${e.branch}:${e.path || '/'} → ${targets.map((t) => t.name).join(', ')}`);
  }
  for (const u of config.unavailable ?? []) out.line(out.yellow(`  ${u.name.padEnd(12)}unavailable: ${u.reason}`));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
