/**
 * The one mapping from domain outcomes to HTTP answers. The use cases below `shared/app` say what became of a
 * request (refused, malformed, ignored, duplicate, queued, released); the statuses and JSON bodies GitHub and
 * ACR see are decided here and nowhere else, as octokit/webhooks.js's verifier attaches a status the
 * middleware writes. The hosts (functions/*.ts, cli/host/http-host.ts) only write what this returns.
 */
import type { AcrWebhookOutcome } from '../pipeline/acr-webhook.ts';
import type { GitHubDeliveryOutcome } from '../pipeline/github-delivery.ts';
import type { ImageJob } from '../pipeline/image-job.ts';
import type { ImagePushedResult } from '../pipeline/on-image-pushed.ts';
import type { PullRequestOutcome } from '../pipeline/on-pull-request.ts';
import type { PushOutcome } from '../pipeline/on-push.ts';

/** What an HTTP function answers: a status and a JSON body. */
export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

const REFUSED = { 'not-configured': 503, unauthenticated: 401, 'wrong-registry': 403, 'too-large': 413, 'unsupported-media': 415 } as const;

/** A GitHub delivery's answer: 503/401/413/415 refused, 400 malformed, 200 ping, 202 ignored, then the use case's. */
export function gitHubDeliveryResponse(outcome: GitHubDeliveryOutcome): WebhookResponse {
  switch (outcome.kind) {
    case 'refused':
      return { status: REFUSED[outcome.why], body: { error: outcome.reason } };
    case 'malformed':
      return { status: 400, body: { error: outcome.reason } };
    case 'ping':
      return { status: 200, body: { ok: true, event: 'ping', zen: outcome.zen } };
    case 'ignored':
      return { status: 202, body: { ignored: outcome.reason } };
    case 'push':
      return pushResponse(outcome.outcome);
    case 'pull-request':
      return pullRequestResponse(outcome.outcome);
  }
}

/** A push: 422 when the configuration is invalid, 202 ignored or queued (with the summary), 200 duplicate. */
export function pushResponse(outcome: PushOutcome): WebhookResponse {
  switch (outcome.kind) {
    case 'config-invalid':
      return { status: 422, body: { error: `invalid configuration at ${outcome.revision}: ${outcome.reason}` } };
    case 'ignored':
      return { status: 202, body: { ignored: outcome.reason } };
    case 'duplicate':
      return { status: 200, body: { duplicate: true, delivery: outcome.delivery, revision: outcome.revision } };
    case 'queued': {
      const { kind: _, ...summary } = outcome;
      return { status: 202, body: { ...summary } };
    }
  }
}

/** A pull request: 422 when the configuration is invalid, 202 ignored or queued, 200 duplicate. */
export function pullRequestResponse(outcome: PullRequestOutcome): WebhookResponse {
  switch (outcome.kind) {
    case 'config-invalid':
      return { status: 422, body: { error: `invalid configuration: ${outcome.reason}` } };
    case 'ignored':
      return { status: 202, body: { ignored: outcome.reason } };
    case 'duplicate':
      return { status: 200, body: { duplicate: true, delivery: outcome.delivery, head: outcome.head } };
    case 'queued': {
      const { kind: _, ...summary } = outcome;
      return { status: 202, body: { ...summary } };
    }
  }
}

/** An ACR classic webhook request that was not an image to release: 503/401/403 refused, 400 malformed, 202 ignored. */
export function acrWebhookResponse(outcome: Exclude<AcrWebhookOutcome, { kind: 'image' }>): WebhookResponse {
  switch (outcome.kind) {
    case 'refused':
      return { status: REFUSED[outcome.why], body: { error: outcome.reason } };
    case 'malformed':
      return { status: 400, body: { error: outcome.reason } };
    case 'ignored':
      return { status: 202, body: { ignored: outcome.reason } };
  }
}

/** An image the ACR webhook accepted: 202, queued for release. */
export function imageQueuedResponse(job: ImageJob): WebhookResponse {
  return { status: 202, body: { queued: { id: job.id, image: `${job.registry}/${job.repository}:${job.tag}`, digest: job.digest } } };
}

/** The JSON summary of a release (the HTTP body, the Event Grid trigger's return value). */
export function releaseSummary(result: ImagePushedResult): Record<string, unknown> {
  if (result.kind === 'ignored') return { ignored: result.reason, ...(result.suspended ? { suspended: result.suspended } : {}) };
  if (result.kind === 'unconfirmed') return { error: result.reason, image: result.image };
  return {
    image: result.image,
    ...(result.suspended ? { suspended: result.suspended } : {}),
    branches: result.branches.map((b) => ({ branch: b.branch, environments: b.environments, status: b.status, revision: b.revision, pullRequest: b.pullRequest, changes: b.changes, skipped: b.skipped.map((s) => ({ env: s.env, workload: s.workload, container: s.container, reason: s.message })), errors: b.errors })),
  };
}
