/**
 * A GitHub webhook delivery, from raw HTTP to a decision: verify the signature
 * over the raw bytes, decode JSON or form bodies, and route by event. Fails
 * closed: no secret configured, no signature, or a wrong one → nothing is done.
 * The transport (Azure Functions, the local host) only supplies headers and the raw body.
 */
import { createHash } from 'node:crypto';
import { verifyWithFallback } from '@octokit/webhooks-methods';
import { parsePullRequestEvent, type PullRequestEvent } from '../preview/pull-request-event.ts';
import { parsePushEvent, type PushEvent } from './push-event.ts';

export interface WebhookRequest {
  /** Header lookup, case-insensitive as HTTP headers are. */
  header(name: string): string | null | undefined;
  /** The raw body, decoded as UTF-8 exactly as received. */
  body: string;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface DeliveryDeps {
  /** Accepted secrets: the current one first, then any still valid during rotation. Empty = refuse everything. */
  secrets: readonly string[];
  /** `owner/name` of the config repository; pushes to other repositories are ignored. */
  repository: string;
  /** `bodyDigest`: SHA-256 (hex) of the signed body, so a body replayed under a new delivery id is recognised. */
  onPush(push: PushEvent, deliveryId: string, bodyDigest: string): Promise<WebhookResponse>;
  /** Pull-request previews; without it `pull_request` events are answered 202 as not handled. */
  onPullRequest?(event: PullRequestEvent, deliveryId: string, bodyDigest: string): Promise<WebhookResponse>;
}

/** The largest body we accept (GitHub caps deliveries at 25 MB). */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

const reply = (status: number, body: Record<string, unknown>): WebhookResponse => ({ status, body });

/** Handles one delivery; never throws for bad input (errors from onPush propagate, so the caller answers 5xx). */
export async function handleGitHubDelivery(req: WebhookRequest, deps: DeliveryDeps): Promise<WebhookResponse> {
  if (deps.secrets.length === 0) {
    return reply(503, { error: 'webhook secret not configured: refusing every delivery (set GITHUB_WEBHOOK_SECRET)' });
  }
  const event = req.header('x-github-event');
  const delivery = req.header('x-github-delivery');
  const signature = req.header('x-hub-signature-256');
  const missing = [!event && 'X-GitHub-Event', !delivery && 'X-GitHub-Delivery', !signature && 'X-Hub-Signature-256'].filter(Boolean);
  if (missing.length > 0) return reply(400, { error: `missing header(s): ${missing.join(', ')}` });
  if (Buffer.byteLength(req.body, 'utf8') > MAX_WEBHOOK_BYTES) return reply(413, { error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` });
  if (!/^sha256=[0-9a-f]{64}$/.test(signature!)) return reply(401, { error: 'X-Hub-Signature-256 is not a sha256= HMAC' });
  const [secret, ...others] = deps.secrets;
  const valid = await verifyWithFallback(secret!, req.body, signature!, others).catch(() => false);
  if (valid !== true) return reply(401, { error: 'signature does not match the payload (check the webhook secret)' });

  const decoded = decodeBody(req);
  if ('error' in decoded) return reply(decoded.status, { error: decoded.error });
  const payload = decoded.payload;

  switch (event) {
    case 'ping':
      return reply(200, { ok: true, event: 'ping', zen: typeof payload.zen === 'string' ? payload.zen : undefined });
    case 'push': {
      let push: PushEvent;
      try {
        push = parsePushEvent(payload);
      } catch (err) {
        return reply(400, { error: (err as Error).message });
      }
      if (push.repository.full_name.toLowerCase() !== deps.repository.toLowerCase()) {
        return reply(202, { ignored: `push to ${push.repository.full_name}, not the configured repository ${deps.repository}` });
      }
      return deps.onPush(push, delivery!, createHash('sha256').update(req.body, 'utf8').digest('hex'));
    }
    case 'pull_request': {
      if (!deps.onPullRequest) return reply(202, { ignored: 'pull-request previews are not configured in this deployment' });
      let pr: PullRequestEvent;
      try {
        pr = parsePullRequestEvent(payload);
      } catch (err) {
        return reply(400, { error: (err as Error).message });
      }
      if (pr.repository.toLowerCase() !== deps.repository.toLowerCase()) {
        return reply(202, { ignored: `pull request in ${pr.repository}, not the configured repository ${deps.repository}` });
      }
      return deps.onPullRequest(pr, delivery!, createHash('sha256').update(req.body, 'utf8').digest('hex'));
    }
    default:
      return reply(202, { ignored: `event ${event} is not handled (only push, pull_request and ping)` });
  }
}

type Decoded = { payload: Record<string, unknown> } | { status: number; error: string };

/** Decodes `application/json` or GitHub's default `application/x-www-form-urlencoded` (`payload=<json>`). */
function decodeBody(req: WebhookRequest): Decoded {
  const type = (req.header('content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  let text: string;
  if (type === 'application/json') text = req.body;
  else if (type === 'application/x-www-form-urlencoded') {
    const p = new URLSearchParams(req.body).get('payload');
    if (p === null) return { status: 400, error: 'form body has no payload field' };
    text = p;
  } else return { status: 415, error: `content type ${type} is not supported (use application/json or application/x-www-form-urlencoded)` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { status: 400, error: `body is not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { status: 400, error: 'body is not a JSON object' };
  return { payload: value as Record<string, unknown> };
}
