/**
 * Timer (every 5 minutes): new clusters, clusters behind HEAD and drifted ones get a full sync job (which also
 * catches up full syncs the push rate limit deferred); expired delivery records are deleted.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function reconcileHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const [{ reconcileAll }, { expireDeliveries }] = await Promise.all([import('../shared/app/cluster-handlers.ts'), import('../shared/app/handlers.ts')]);
  const runtime = await getRuntime();
  await expireDeliveries(runtime, log);
  const r = await reconcileAll(runtime, log);
  log.info('reconcile.done', { result: `${r.jobs.length} jobs, ${r.clusters.length} clusters, ${r.errors.length} errors` });
}

app.timer('reconcile', { schedule: '0 */5 * * * *', runOnStartup: false, handler: reconcileHandler });
