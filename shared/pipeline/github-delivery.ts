/**
 * A GitHub webhook delivery, from raw bytes to a domain outcome: verify the signature
 * over the raw bytes, decode JSON or form bodies, and route by event to the use case.
 * Fails closed: no secret configured, no signature, or a wrong one → nothing is done.
 * The transport (Azure Functions, the local host) only supplies headers and the raw body;
 * `shared/app/http-outcomes.ts` turns the outcome into GitHub's answer.
 */
import { createHash } from 'node:crypto';
import { verifyWithFallback } from '@octokit/webhooks-methods';
import { parsePullRequestEvent, type PullRequestEvent } from '../preview/pull-request-event.ts';
import type { PullRequestOutcome } from './on-pull-request.ts';
import type { PushOutcome } from './on-push.ts';
import { parsePushEvent, type PushEvent } from './push-event.ts';

export interface WebhookRequest {
  /** Header lookup, case-insensitive as HTTP headers are. */
  header(name: string): string | null | undefined;
  /** The raw body, decoded as UTF-8 exactly as received. */
  body: string;
}

/** What became of a delivery. */
export type GitHubDeliveryOutcome =
  | { kind: 'refused'; why: 'not-configured' | 'unauthenticated' | 'too-large' | 'unsupported-media'; reason: string }
  /** Headers missing, or a body or payload that is not what GitHub sends. */
  | { kind: 'malformed'; reason: string }
  | { kind: 'ping'; zen: string | undefined }
  | { kind: 'ignored'; reason: string }
  | { kind: 'push'; outcome: PushOutcome }
  | { kind: 'pull-request'; outcome: PullRequestOutcome };

export interface DeliveryDeps {
  /** Accepted secrets: the current one first, then any still valid during rotation. Empty = refuse everything. */
  secrets: readonly string[];
  /** `owner/name` of the config repository; pushes to other repositories are ignored. */
  repository: string;
  /** `bodyDigest`: SHA-256 (hex) of the signed body, so a body replayed under a new delivery id is recognised. */
  onPush(push: PushEvent, deliveryId: string, bodyDigest: string): Promise<PushOutcome>;
  /** Pull-request previews; without it `pull_request` events are ignored as not handled. */
  onPullRequest?(event: PullRequestEvent, deliveryId: string, bodyDigest: string): Promise<PullRequestOutcome>;
}

/** The largest body we accept (GitHub caps deliveries at 25 MB). */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

const refused = (why: 'not-configured' | 'unauthenticated' | 'too-large' | 'unsupported-media', reason: string): GitHubDeliveryOutcome => ({ kind: 'refused', why, reason });
const malformed = (reason: string): GitHubDeliveryOutcome => ({ kind: 'malformed', reason });
const ignored = (reason: string): GitHubDeliveryOutcome => ({ kind: 'ignored', reason });

/** Handles one delivery; never throws for bad input (errors from onPush propagate, so the caller answers 5xx). */
export async function handleGitHubDelivery(req: WebhookRequest, deps: DeliveryDeps): Promise<GitHubDeliveryOutcome> {
  if (deps.secrets.length === 0) {
    return refused('not-configured', 'webhook secret not configured: refusing every delivery (set GITHUB_WEBHOOK_SECRET)');
  }
  const event = req.header('x-github-event');
  const delivery = req.header('x-github-delivery');
  const signature = req.header('x-hub-signature-256');
  const missing = [!event && 'X-GitHub-Event', !delivery && 'X-GitHub-Delivery', !signature && 'X-Hub-Signature-256'].filter(Boolean);
  if (missing.length > 0) return malformed(`missing header(s): ${missing.join(', ')}`);
  if (Buffer.byteLength(req.body, 'utf8') > MAX_WEBHOOK_BYTES) return refused('too-large', `body larger than ${MAX_WEBHOOK_BYTES} bytes`);
  if (!/^sha256=[0-9a-f]{64}$/.test(signature!)) return refused('unauthenticated', 'X-Hub-Signature-256 is not a sha256= HMAC');
  const [secret, ...others] = deps.secrets;
  const valid = await verifyWithFallback(secret!, req.body, signature!, others).catch(() => false);
  if (valid !== true) return refused('unauthenticated', 'signature does not match the payload (check the webhook secret)');

  const decoded = decodeBody(req);
  if ('kind' in decoded) return decoded;
  const payload = decoded.payload;

  switch (event) {
    case 'ping':
      return { kind: 'ping', zen: typeof payload.zen === 'string' ? payload.zen : undefined };
    case 'push': {
      let push: PushEvent;
      try {
        push = parsePushEvent(payload);
      } catch (err) {
        return malformed((err as Error).message);
      }
      if (push.repository.full_name.toLowerCase() !== deps.repository.toLowerCase()) {
        return ignored(`push to ${push.repository.full_name}, not the configured repository ${deps.repository}`);
      }
      return { kind: 'push', outcome: await deps.onPush(push, delivery!, createHash('sha256').update(req.body, 'utf8').digest('hex')) };
    }
    case 'pull_request': {
      if (!deps.onPullRequest) return ignored('pull-request previews are not configured in this deployment');
      let pr: PullRequestEvent;
      try {
        pr = parsePullRequestEvent(payload);
      } catch (err) {
        return malformed((err as Error).message);
      }
      if (pr.repository.toLowerCase() !== deps.repository.toLowerCase()) {
        return ignored(`pull request in ${pr.repository}, not the configured repository ${deps.repository}`);
      }
      return { kind: 'pull-request', outcome: await deps.onPullRequest(pr, delivery!, createHash('sha256').update(req.body, 'utf8').digest('hex')) };
    }
    default:
      return ignored(`event ${event} is not handled (only push, pull_request and ping)`);
  }
}

type Decoded = { payload: Record<string, unknown> } | GitHubDeliveryOutcome;

/** Decodes `application/json` or GitHub's default `application/x-www-form-urlencoded` (`payload=<json>`). */
function decodeBody(req: WebhookRequest): Decoded {
  const type = (req.header('content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  let text: string;
  if (type === 'application/json') text = req.body;
  else if (type === 'application/x-www-form-urlencoded') {
    const p = new URLSearchParams(req.body).get('payload');
    if (p === null) return malformed('form body has no payload field');
    text = p;
  } else return refused('unsupported-media', `content type ${type} is not supported (use application/json or application/x-www-form-urlencoded)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return malformed(`body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return malformed('body is not a JSON object');
  return { payload: value as Record<string, unknown> };
}
