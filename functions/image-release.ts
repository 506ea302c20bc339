/**
 * Storage queue `image-release` → one image the ACR classic webhook accepted, released into git. A throw (a tag
 * the registry does not hold yet, GitHub unreachable) leaves the message for the host to retry (host.json
 * maxDequeueCount); the last failure is logged as `image.poisoned` and the host moves it to `image-release-poison`.
 */
import { app, type InvocationContext } from '@azure/functions';
import { IMAGE_QUEUE } from '../shared/pipeline/queue-names.ts';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function imageReleaseHandler(message: unknown, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
  const { imageJob } = await import('../shared/app/handlers.ts');
  const result = await imageJob(await getRuntime(), log, message, { dequeueCount });
  log.info('image.done', { result: JSON.stringify(result).slice(0, 2000) });
}

app.storageQueue('image-release', { queueName: IMAGE_QUEUE, connection: 'AzureWebJobsStorage', handler: imageReleaseHandler });
