/**
 * ACR's classic webhook over HTTP. ACR signs nothing; it sends the custom
 * headers configured on the webhook, so a shared secret travels in one
 * (default `Authorization: Bearer <secret>`) and is compared in constant time.
 * Fails closed without a configured secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookResponse } from './github-delivery.ts';
import { MalformedEventError, parseAcrWebhook, type ImagePushed } from './registry-event.ts';

export interface AcrWebhookDeps {
  /** The shared secret; empty refuses every request. */
  secret: string;
  /** The header carrying it: `authorization` expects `Bearer <secret>`, any other header the bare secret. */
  header?: string;
  onImagePushed(image: ImagePushed): Promise<WebhookResponse>;
}

/** Handles one ACR webhook request. */
export async function handleAcrWebhook(req: WebhookRequest, deps: AcrWebhookDeps): Promise<WebhookResponse> {
  if (!deps.secret) return { status: 503, body: { error: 'ACR webhook secret not configured: refusing every request (set ACR_WEBHOOK_SECRET)' } };
  const name = (deps.header ?? 'authorization').toLowerCase();
  const raw = req.header(name) ?? '';
  const presented = name === 'authorization' ? raw.replace(/^Bearer\s+/i, '') : raw;
  if (!safeEqual(presented, deps.secret)) return { status: 401, body: { error: `missing or wrong secret in the ${name} header` } };
  let decision;
  try {
    decision = parseAcrWebhook(req.body);
  } catch (err) {
    if (err instanceof MalformedEventError) return { status: 400, body: { error: err.message } };
    throw err;
  }
  if (decision.kind === 'ignored') return { status: 202, body: { ignored: decision.reason } };
  return deps.onImagePushed(decision.image);
}

/** Constant-time comparison that does not leak the secret's length (both sides hashed first). */
function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}
