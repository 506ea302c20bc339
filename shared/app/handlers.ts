/**
 * What each event trigger does with the runtime, independent of the transport:
 * the Azure Functions files and the local host both call these, so the local
 * host runs exactly the code Azure runs. The cluster triggers are in
 * cluster-handlers.ts, so webhooks never load the Kubernetes client.
 */
import type { Logger } from '../pipeline/logger.ts';
import { handleAcrWebhook } from '../pipeline/acr-webhook.ts';
import { handleGitHubDelivery, type WebhookRequest, type WebhookResponse } from '../pipeline/github-delivery.ts';
import { onImagePushed, type ImagePushedResult } from '../pipeline/on-image-pushed.ts';
import { onPullRequest } from '../pipeline/on-pull-request.ts';
import { onPush } from '../pipeline/on-push.ts';
import { MalformedEventError, parseEventGridEvent, type ImagePushed } from '../pipeline/registry-event.ts';
import type { Runtime } from './runtime.ts';

/** POST /api/github-webhook. */
export function githubWebhook(runtime: Runtime, log: Logger, req: WebhookRequest): Promise<WebhookResponse> {
  return handleGitHubDelivery(req, {
    secrets: runtime.settings.webhookSecrets,
    repository: runtime.repository,
    onPush: (push, id) => onPush(push, id, { config: (hint) => runtime.config(hint), clusters: (env) => runtime.discover(env), queue: runtime.queue, deliveries: runtime.deliveries, log }),
    onPullRequest: (event, id) =>
      onPullRequest(event, id, { config: () => runtime.config(), repository: runtime.repository, source: runtime.source, queue: runtime.previews ? runtime.previewQueue : undefined, deliveries: runtime.deliveries, log }),
  });
}

/** Releases one pushed image (both registry triggers end here). */
export function releaseImage(runtime: Runtime, log: Logger, image: ImagePushed): Promise<ImagePushedResult> {
  return onImagePushed(image, {
    config: () => runtime.config(),
    source: runtime.source,
    ...(runtime.proposer ? { proposer: runtime.proposer } : {}),
    ...(runtime.buildTimes ? { buildTimes: runtime.buildTimes } : {}),
    branchLocks: runtime.branchLocks,
    log,
  });
}

/** POST /api/acr-webhook (ACR's classic webhook). */
export function acrWebhook(runtime: Runtime, log: Logger, req: WebhookRequest): Promise<WebhookResponse> {
  return handleAcrWebhook(req, {
    secret: runtime.settings.acrWebhookSecret ?? '',
    onImagePushed: async (image) => {
      const result = await releaseImage(runtime, log, image);
      return { status: 200, body: summarize(result) };
    },
  });
}

/**
 * The Event Grid trigger. A malformed event throws MalformedEventError: the
 * platform's bounded retry policy then dead-letters it (it is never acked as done).
 */
export async function registryPush(runtime: Runtime, log: Logger, event: unknown): Promise<Record<string, unknown>> {
  let decision;
  try {
    decision = parseEventGridEvent(event);
  } catch (err) {
    if (err instanceof MalformedEventError) log.error('image.malformed', { result: err.message });
    throw err;
  }
  if (decision.kind === 'ignored') {
    log.info('image.ignored', { result: decision.reason });
    return { ignored: decision.reason };
  }
  return summarize(await releaseImage(runtime, log, decision.image));
}

function summarize(result: ImagePushedResult): Record<string, unknown> {
  if (result.kind === 'ignored') return { ignored: result.reason };
  return {
    image: result.image,
    branches: result.branches.map((b) => ({ branch: b.branch, environments: b.environments, status: b.status, revision: b.revision, pullRequest: b.pullRequest, changes: b.changes, skipped: b.skipped.map((s) => ({ env: s.env, workload: s.workload, container: s.container, reason: s.message })), errors: b.errors })),
  };
}
