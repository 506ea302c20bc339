/**
 * Storage queue `sync` → one environment applied to one cluster. A throw
 * leaves the message for the host to retry (host.json maxDequeueCount), then
 * it moves to `sync-poison`; a failed cluster never blocks the others' jobs.
 */
import { app, type InvocationContext } from '@azure/functions';
import { SYNC_QUEUE } from '../shared/pipeline/queue-names.ts';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function syncClusterHandler(message: unknown, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  // Loaded on first use: the Kubernetes client is heavy, and registration must stay fast.
  const { syncJob } = await import('../shared/app/cluster-handlers.ts');
  // The sync logs its own outcome (`sync.done` or `sync.failed`), once.
  await syncJob(await getRuntime(), log, message, `functions/${context.invocationId}`);
}

app.storageQueue('sync-cluster', { queueName: SYNC_QUEUE, connection: 'AzureWebJobsStorage', handler: syncClusterHandler });
