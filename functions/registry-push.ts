/**
 * Event Grid `Microsoft.ContainerRegistry.ImagePushed` → image updates in git.
 * A throw fails the delivery: Event Grid retries per the subscription's policy,
 * then dead-letters (malformed events included: never acknowledged as done).
 */
import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { registryPush } from '../shared/app/handlers.ts';
import { invocationLogger } from './log.ts';
import { getRuntime } from './runtime.ts';

export async function registryPushHandler(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const log = invocationLogger(context);
  const result = await registryPush(await getRuntime(), log, event);
  log.info('image.done', { eventId: event.id, result: JSON.stringify(result).slice(0, 2000) });
}

app.eventGrid('registry-push', { handler: registryPushHandler });
