/**
 * Storage queue `health` → one rollout-health check of a cluster after a sync. The job re-sends itself
 * with a visibility delay until the objects are healthy, one fails, or the timeout passes; no invocation
 * waits. A throw leaves the message for the host to retry, then `health-poison`.
 */
import { app, type InvocationContext } from '@azure/functions';
import { HEALTH_QUEUE } from '../shared/pipeline/queue-names.ts';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function healthCheckHandler(message: unknown, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const { healthJob } = await import('../shared/app/cluster-handlers.ts');
  const result = await healthJob(await getRuntime(), log, message);
  if (result) log.info('health.done', { result: result.outcome });
}

app.storageQueue('health-check', { queueName: HEALTH_QUEUE, connection: 'AzureWebJobsStorage', handler: healthCheckHandler });
