/**
 * Event Grid `Microsoft.ContainerRegistry.ImagePushed` (Event Grid schema or CloudEvents 1.0) → image updates
 * in git. What can never succeed (a malformed event, other event types, unknown registries) is logged and
 * acknowledged; a throw (GitHub or the registry unreachable, a tag the registry does not hold yet) fails the
 * delivery: Event Grid retries per the subscription's policy, then dead-letters.
 */
import { app, type InvocationContext } from '@azure/functions';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function registryPushHandler(event: unknown, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const { registryPush } = await import('../shared/app/handlers.ts');
  const result = await registryPush(await getRuntime(), log, event);
  const id = (event as { id?: unknown } | null)?.id;
  log.info('image.done', { eventId: typeof id === 'string' ? id.slice(0, 256) : undefined, result: JSON.stringify(result).slice(0, 2000) });
}

app.eventGrid<unknown>('registry-push', { handler: registryPushHandler });
