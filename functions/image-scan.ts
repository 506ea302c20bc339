/**
 * Timer `image-scan` (GITOPS_IMAGE_SCAN_SCHEDULE, every 10 minutes by default): the safety net behind
 * registry events. Lists the followed repositories' newest tags and releases what the events missed.
 * It runs in its own invocation: registry events are never queued behind it.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function imageScanHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const { scanRegistries } = await import('../shared/app/scan-handler.ts');
  const r = await scanRegistries(await getRuntime(), log);
  if (r.errors.length > 0) for (const e of r.errors) log.warn('scan.error', { image: e.repository ? `${e.registry}/${e.repository}` : e.registry, environment: e.environment, result: e.message });
}

app.timer('image-scan', { schedule: '%GITOPS_IMAGE_SCAN_SCHEDULE%', runOnStartup: false, handler: imageScanHandler });
