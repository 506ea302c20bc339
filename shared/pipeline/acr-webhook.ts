/**
 * ACR's classic webhook over HTTP, as a domain outcome (the edge maps it to a status). ACR signs nothing;
 * it sends the custom headers configured on the webhook, so each registry's own secret travels in one
 * (default `Authorization: Bearer <secret>`). The presented secret is compared in constant time with every
 * registry's; the registry whose secret matched is the only one the event may speak for, so a secret
 * leaked from one registry's webhook cannot update images of another. Fails closed without secrets.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from './github-delivery.ts';
import { MalformedEventError, parseAcrWebhook, type ImagePushed } from './registry-event.ts';

export interface AcrWebhookOptions {
  /** Secrets by registry login server (lower case), current first. Empty refuses every request. */
  secrets: ReadonlyMap<string, readonly string[]>;
  /** The header carrying it: `authorization` expects `Bearer <secret>`, any other header the bare secret. */
  header?: string;
}

export type AcrWebhookOutcome =
  | { kind: 'refused'; why: 'not-configured' | 'unauthenticated' | 'wrong-registry'; reason: string }
  | { kind: 'malformed'; reason: string }
  | { kind: 'ignored'; reason: string; eventType?: string; eventId?: string }
  | { kind: 'image'; image: ImagePushed };

/** Authenticates and reads one ACR webhook request. Never throws for bad input. */
export function readAcrWebhook(req: WebhookRequest, options: AcrWebhookOptions): AcrWebhookOutcome {
  if (options.secrets.size === 0) {
    return { kind: 'refused', why: 'not-configured', reason: 'no ACR webhook secrets configured: refusing every request (set ACR_WEBHOOK_SECRETS)' };
  }
  const name = (options.header ?? 'authorization').toLowerCase();
  const raw = req.header(name) ?? '';
  const presented = name === 'authorization' ? raw.replace(/^Bearer\s+/i, '') : raw;
  // Every registry's secrets are compared (no early exit), so timing says nothing about which one matched.
  let registry: string | undefined;
  for (const [server, secrets] of options.secrets) {
    for (const secret of secrets) if (safeEqual(presented, secret) && registry === undefined) registry = server;
  }
  if (!registry) return { kind: 'refused', why: 'unauthenticated', reason: `missing or wrong secret in the ${name} header` };
  let decision;
  try {
    decision = parseAcrWebhook(req.body);
  } catch (err) {
    if (err instanceof MalformedEventError) return { kind: 'malformed', reason: err.message };
    throw err;
  }
  if (decision.kind === 'ignored') return decision;
  if (decision.image.registry !== registry) {
    return { kind: 'refused', why: 'wrong-registry', reason: `the secret is ${registry}'s, but the event is from ${decision.image.registry}: each registry's webhook sends its own secret` };
  }
  return decision;
}

/** Constant-time comparison that does not leak the secret's length (both sides hashed first). */
function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}
