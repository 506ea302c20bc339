/** Timer (every 5 minutes): new clusters, clusters behind HEAD and drifted ones get a full sync job. */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function reconcileHandler(_timer: Timer, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const { reconcileAll } = await import('../shared/app/cluster-handlers.ts');
  const r = await reconcileAll(await getRuntime(), log);
  log.info('reconcile.done', { result: `${r.jobs.length} jobs, ${r.clusters.length} clusters, ${r.errors.length} errors` });
}

app.timer('reconcile', { schedule: '0 */5 * * * *', runOnStartup: false, handler: reconcileHandler });
