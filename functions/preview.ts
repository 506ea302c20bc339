/**
 * Storage queue `preview` → one pull request's preview: build base and head per environment, compare, dry-run
 * where allowed, report on GitHub. A throw leaves the message for the host to retry, then `preview-poison`.
 */
import { app, type InvocationContext } from '@azure/functions';
import { PREVIEW_QUEUE } from '../shared/pipeline/queue-names.ts';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function previewHandler(message: unknown, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  // Loaded on first use: builds and dry runs load the manifest and Kubernetes modules.
  const { previewJob } = await import('../shared/app/preview-handlers.ts');
  const result = await previewJob(await getRuntime(), log, message);
  if (result) log.info('preview.done', { result: result.description });
}

app.storageQueue('preview', { queueName: PREVIEW_QUEUE, connection: 'AzureWebJobsStorage', handler: previewHandler });
