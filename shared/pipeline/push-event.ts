/**
 * The parts of GitHub's `push` webhook payload the pipeline uses, validated at
 * the boundary. Everything else in the payload is ignored.
 */
import { z } from 'zod';
import { describeIssues, repositoryName } from '../config/index.ts';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-character commit SHA');
const paths = z.array(z.string()).default([]);

export const pushEventSchema = z.object({
  ref: z.string().min(1),
  before: sha,
  after: sha,
  created: z.boolean(),
  deleted: z.boolean(),
  forced: z.boolean(),
  commits: z
    .array(z.object({ id: sha, added: paths, removed: paths, modified: paths }))
    .default([]),
  repository: z.object({ full_name: repositoryName }),
});

export type PushEvent = z.infer<typeof pushEventSchema>;

export const ZERO_SHA = '0'.repeat(40);

/** GitHub caps a push payload's commit list at 2048 and each commit's file lists at 3000 entries. */
export const MAX_PUSH_COMMITS = 2048;
export const MAX_COMMIT_FILES = 3000;

/** Validates a decoded push payload; throws with every missing or wrong field named. */
export function parsePushEvent(payload: unknown): PushEvent {
  const r = pushEventSchema.safeParse(payload);
  if (!r.success) {
    throw new Error(`invalid push payload: ${describeIssues(r.error)}`);
  }
  return r.data;
}
