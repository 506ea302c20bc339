/**
 * Webhook delivery: push events are queued in order and POSTed to the configured URL with GitHub's headers
 * and signatures, or only captured. Every delivery is recorded for {@link WebhookSender.deliveries}.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

/** Where deliveries go. Without `url` (or with `capture`), deliveries are recorded but not sent. */
export interface WebhookConfig {
  url?: string;
  secret?: string;
  capture?: boolean;
  /** Adds `installation: { id, node_id }` to payloads, as a GitHub App's webhook receives them. */
  installationId?: number;
}

/** One delivery: the exact headers and body, and the receiver's answer when sent. */
export interface WebhookDelivery {
  id: string; event: string; headers: Record<string, string>; body: string; payload: unknown;
  sent: boolean; status?: number; error?: string;
}

/** The headers and body GitHub would send for `payload` (signed when `secret` is given). */
export async function webhookRequest(event: string, payload: unknown, secret?: string, hookId = 1): Promise<{ headers: Record<string, string>; body: string }> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/fake', 'x-github-event': event,
    'x-github-delivery': randomUUID(), 'x-github-hook-id': String(hookId),
    'x-github-hook-installation-target-type': 'repository',
  };
  if (secret) {
    headers['x-hub-signature-256'] = await sign(secret, body);
    headers['x-hub-signature'] = `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('hex')}`;
  }
  return { headers, body };
}

/** Sends deliveries one at a time, in the order ref moves happened. */
export class WebhookSender {
  config: WebhookConfig | null;
  private readonly log: WebhookDelivery[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(config: WebhookConfig | null) {
    this.config = config;
  }

  /** Queues a delivery whose payload is computed by `build` (in queue order). Nothing happens when off. */
  enqueue(event: string, build: () => Promise<Record<string, unknown>>, targetId: number): void {
    const config = this.config;
    if (!config) return;
    this.chain = this.chain.then(async () => {
      const payload = await build();
      if (config.installationId !== undefined) {
        payload['installation'] = { id: config.installationId, node_id: Buffer.from(`0:Installation${config.installationId}`).toString('base64') };
      }
      const { headers, body } = await webhookRequest(event, payload, config.secret);
      headers['x-github-hook-installation-target-id'] = String(targetId);
      const delivery: WebhookDelivery = { id: headers['x-github-delivery']!, event, headers, body, payload, sent: false };
      this.log.push(delivery);
      if (!config.url || config.capture) return;
      delivery.sent = true;
      try {
        const res = await fetch(config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        delivery.status = res.status;
        await res.arrayBuffer();
      } catch (error) {
        delivery.error = error instanceof Error ? error.message : String(error);
      }
    }).catch((error: unknown) => {
      this.log.push({ id: randomUUID(), event, headers: {}, body: '', payload: null, sent: false, error: `failed to build the ${event} payload: ${String(error)}` });
    });
  }

  /** Resolves when every queued delivery has been built and sent. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  /** The recorded deliveries, oldest first. */
  deliveries(): WebhookDelivery[] {
    return [...this.log];
  }

  /** Forgets recorded deliveries. */
  clear(): void {
    this.log.length = 0;
  }
}
