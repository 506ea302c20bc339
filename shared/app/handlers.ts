/**
 * What each event trigger does with the runtime, independent of the transport:
 * the Azure Functions files and the local host both call these, so the local
 * host runs exactly the code Azure runs. The cluster triggers are in
 * cluster-handlers.ts, so webhooks never load the Kubernetes client.
 */
import type { Logger } from '../pipeline/logger.ts';
import { readAcrWebhook } from '../pipeline/acr-webhook.ts';
import { handleGitHubDelivery, type WebhookRequest } from '../pipeline/github-delivery.ts';
import { imageJobOf, MAX_DEQUEUE_COUNT, parseImageJob } from '../pipeline/image-job.ts';
import { onImagePushed, type ImagePushedResult } from '../pipeline/on-image-pushed.ts';
import { environmentSuspension } from '../pipeline/environment-suspension.ts';
import { onPullRequest } from '../pipeline/on-pull-request.ts';
import { onPush } from '../pipeline/on-push.ts';
import { MalformedEventError, parseEventGridEvent, type ImagePushed } from '../pipeline/registry-event.ts';
import { pushConfirmer } from '../registry/confirm-push.ts';
import { acrWebhookResponse, gitHubDeliveryResponse, imageQueuedResponse, releaseSummary, type WebhookResponse } from './http-outcomes.ts';
import type { Runtime } from './runtime.ts';

/** POST /api/github-webhook: the delivery's outcome mapped to HTTP. */
export async function githubWebhook(runtime: Runtime, log: Logger, req: WebhookRequest): Promise<WebhookResponse> {
  const outcome = await handleGitHubDelivery(req, {
    secrets: runtime.settings.webhookSecrets,
    repository: runtime.repository,
    onPush: (push, id, bodyDigest) => onPush(push, { id, bodyDigest }, { config: (hint) => runtime.config(hint), clusters: (env) => runtime.discover(env), queue: runtime.queue, deliveries: runtime.deliveries, log, now: () => runtime.clock.now(), fullSyncIntervalMs: runtime.settings.fullSyncIntervalSeconds * 1000 }),
    onPullRequest: (event, id, bodyDigest) =>
      onPullRequest(event, { id, bodyDigest }, { config: () => runtime.config(), repository: runtime.repository, source: runtime.source, queue: runtime.previews ? runtime.previewQueue : undefined, deliveries: runtime.deliveries, log }),
  });
  return gitHubDeliveryResponse(outcome);
}

/** The reconcile timer's housekeeping: delivery records past their retention are deleted (Azure Tables has no TTL). Never throws. */
export async function expireDeliveries(runtime: Runtime, log: Logger): Promise<number> {
  try {
    const n = await runtime.deliveries.expire();
    if (n > 0) log.info('push.deliveries-expired', { result: `${n} delivery records past their retention deleted` });
    return n;
  } catch (err) {
    log.warn('push.deliveries-expire-failed', { result: (err as Error).message });
    return 0;
  }
}

/** Releases one pushed image (both registry triggers end here). */
export function releaseImage(runtime: Runtime, log: Logger, image: ImagePushed): Promise<ImagePushedResult> {
  return onImagePushed(image, {
    config: () => runtime.config(),
    source: runtime.source,
    ...(runtime.proposer ? { proposer: runtime.proposer } : {}),
    ...(runtime.buildTimes ? { buildTimes: runtime.buildTimes } : {}),
    ...(runtime.registryTags ? { confirm: pushConfirmer(runtime.registryTags, log) } : {}),
    branchLocks: runtime.branchLocks,
    suspended: (env) => environmentSuspension(env, { discover: (e) => runtime.discover(e), connector: runtime.connector, stateNamespace: runtime.settings.stateNamespace }),
    log,
  });
}

/**
 * POST /api/acr-webhook (ACR's classic webhook): verified and read in the request, then queued (202). ACR does
 * not retry a webhook, so the release (GitHub writes, a tag the registry may not hold yet) runs from the
 * `image-release` queue, whose trigger retries it (`imageJob`).
 */
export async function acrWebhook(runtime: Runtime, log: Logger, req: WebhookRequest): Promise<WebhookResponse> {
  const outcome = readAcrWebhook(req, { secrets: runtime.settings.acrWebhookSecrets });
  if (outcome.kind === 'refused') log.warn('image.refused', { result: outcome.reason });
  if (outcome.kind === 'malformed') log.error('image.malformed', { result: outcome.reason });
  if (outcome.kind === 'ignored') log.info('image.ignored', { eventId: outcome.eventId, eventType: outcome.eventType, result: outcome.reason });
  if (outcome.kind !== 'image') return acrWebhookResponse(outcome);
  const job = imageJobOf(outcome.image);
  await runtime.imageQueue.send(job);
  log.info('image.queued', { eventId: job.id, result: `${job.registry}/${job.repository}:${job.tag} queued for release` });
  return imageQueuedResponse(job);
}

/**
 * The `image-release` queue trigger: releases one image the ACR webhook queued. Throws for what a retry can fix
 * (a tag the registry does not hold yet, GitHub or the registry unreachable), so the queue delivers it again;
 * on the last delivery (`MAX_DEQUEUE_COUNT`, host.json) the failure is logged as `image.poisoned` before the
 * host moves the message to `image-release-poison`. An unreadable message fails every delivery the same way.
 */
export async function imageJob(runtime: Runtime, log: Logger, message: unknown, delivery: { dequeueCount: number }): Promise<Record<string, unknown>> {
  let what = 'image job';
  try {
    const image = parseImageJob(message);
    what = `${image.registry}/${image.repository}:${image.tag} (event ${image.id})`;
    const result = await releaseImage(runtime, log, image);
    if (result.kind === 'unconfirmed') throw new Error(result.reason);
    return releaseSummary(result);
  } catch (err) {
    const last = delivery.dequeueCount >= MAX_DEQUEUE_COUNT;
    const result = `${what}: ${(err as Error).message} (delivery ${delivery.dequeueCount} of ${MAX_DEQUEUE_COUNT}${last ? ': moved to the poison queue' : ': retried'})`;
    if (last) log.error('image.poisoned', { result });
    else log.warn('image.retry', { result });
    throw err;
  }
}

/**
 * The Event Grid trigger, one event of either delivery schema. What can never succeed is acknowledged,
 * not thrown: a malformed event is logged (`image.malformed`, naming the wrong field) and dropped, as are
 * event types and registries we do not act on (`image.ignored`). Retrying those would only repeat them for
 * Event Grid's whole retry window and, through the extension's all-or-nothing answer, redeliver the good
 * events of the same batch with them (README "Registry events"). Failures that may pass (GitHub, the
 * registry unreachable) throw, so Event Grid retries and finally dead-letters the event.
 */
export async function registryPush(runtime: Runtime, log: Logger, event: unknown): Promise<Record<string, unknown>> {
  let decision;
  try {
    decision = parseEventGridEvent(event, runtime.settings.registryTopics);
  } catch (err) {
    if (!(err instanceof MalformedEventError)) throw err;
    const id = (event as { id?: unknown } | null)?.id;
    log.error('image.malformed', { eventId: typeof id === 'string' ? id.slice(0, 256) : undefined, result: err.message });
    return { malformed: err.message };
  }
  if (decision.kind === 'ignored') {
    const fields = { eventId: decision.eventId, eventType: decision.eventType, result: decision.reason };
    if (decision.unexpected) log.warn('image.ignored', fields);
    else log.info('image.ignored', fields);
    return { ignored: decision.reason };
  }
  const result = await releaseImage(runtime, log, decision.image);
  // The tag may not have reached the registry replica we asked yet: fail the delivery, so Event Grid retries
  // (and dead-letters it if the tag never appears).
  if (result.kind === 'unconfirmed') throw new Error(result.reason);
  return releaseSummary(result);
}
