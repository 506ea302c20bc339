/**
 * The message between the `pull_request` webhook and the preview worker: one per pull request head, on the
 * `preview` queue (a preview builds two revisions and may dry-run on clusters: longer than GitHub's 10 s).
 * Like a sync job it is a hint: the worker drops it when the pull request has moved on to another head.
 */
import { z } from 'zod';
import { parseMessage } from '../config/index.ts';

export { PREVIEW_QUEUE } from './queue-names.ts';

const sha = z.string().regex(/^[0-9a-f]{40}$/);

export const previewJobSchema = z.strictObject({
  v: z.literal(1),
  /** `owner/name` of the config repository. */
  repository: z.string().min(1),
  number: z.number().int().positive(),
  baseRef: z.string().min(1),
  baseSha: sha,
  headSha: sha,
  /** The head is a branch of the config repository itself (not a fork): only then may a dry run touch clusters. */
  sameRepository: z.boolean(),
  /** Environments in scope when the webhook planned it. */
  environments: z.array(z.string().min(1)).min(1),
  /** GitHub delivery id, for logs. */
  trigger: z.string().optional(),
});

export type PreviewJob = z.infer<typeof previewJobSchema>;

/** Parses a queue message body (JSON text or an already-decoded object); throws with the reason. */
export function parsePreviewJob(body: unknown): PreviewJob {
  return parseMessage(previewJobSchema, body, 'preview job');
}
