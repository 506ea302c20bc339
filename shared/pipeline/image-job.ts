/**
 * The message between the ACR classic webhook and the image release: one pushed image, on the `image-release`
 * queue. ACR does not retry a webhook, so the request only verifies and reads the event, queues it and answers
 * 202; the queue trigger releases it and, when it fails (a tag the registry does not hold yet, GitHub
 * unreachable), throws so the queue retries it, then moves it to `image-release-poison` (logged).
 */
import { z } from 'zod';
import { parseMessage } from '../config/index.ts';
import { MAX_TAG_LENGTH } from '../images/index.ts';
import type { ImagePushed } from './registry-event.ts';

export { IMAGE_QUEUE } from './queue-names.ts';

/** Deliveries of a queue message before the host moves it to `<queue>-poison` (host.json `queues.maxDequeueCount`). */
export const MAX_DEQUEUE_COUNT = 5;

/** Accepts every image `readAcrWebhook` accepts (the same bounds as the event schemas in registry-event.ts). */
export const imageJobSchema = z.strictObject({
  v: z.literal(1),
  /** The webhook event's id (for logs; a release is idempotent: an image already in git changes nothing). */
  id: z.string().min(1).max(256),
  registry: z.string().min(1).max(253),
  repository: z.string().min(1).max(512),
  tag: z.string().min(1).max(MAX_TAG_LENGTH),
  digest: z.string().regex(/^[a-z0-9]+:[a-f0-9]{32,}$/),
  /** When the registry recorded the push (ISO 8601), if it said. */
  pushedAt: z.iso.datetime().optional(),
});

export type ImageJob = z.infer<typeof imageJobSchema>;

/** The queue message for a pushed image. */
export function imageJobOf(image: ImagePushed): ImageJob {
  const { id, registry, repository, tag, digest, pushedAt } = image;
  return { v: 1, id, registry, repository, tag, digest, ...(pushedAt ? { pushedAt: pushedAt.toISOString() } : {}) };
}

/** Reads a queue message body (JSON text or an already-decoded object) back into the pushed image; throws with the reason. */
export function parseImageJob(body: unknown): ImagePushed {
  const { id, registry, repository, tag, digest, pushedAt } = parseMessage(imageJobSchema, body, 'image job');
  return { id, registry, repository, tag, digest, pushedAt: pushedAt ? new Date(pushedAt) : undefined };
}
