/**
 * The parts of GitHub's `pull_request` webhook payload a preview uses, validated at the boundary (zod).
 * Everything else in the payload is ignored; a field GitHub may send as null (a deleted fork) is allowed.
 */
import { z } from 'zod';
import { describeIssues, repositoryName } from '../config/index.ts';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-character commit SHA');

export const pullRequestEventSchema = z.object({
  action: z.string().min(1),
  number: z.number().int().positive(),
  pull_request: z.object({
    state: z.enum(['open', 'closed']),
    merged: z.boolean().nullable().optional(),
    draft: z.boolean().optional(),
    head: z.object({ sha, ref: z.string().min(1), repo: z.object({ full_name: repositoryName }).nullable() }),
    base: z.object({ sha, ref: z.string().min(1), repo: z.object({ full_name: repositoryName }) }),
  }),
  repository: z.object({ full_name: repositoryName }),
  /** On `edited`: what changed; a new base branch (`changes.base`) changes what merging would do. */
  changes: z.object({ base: z.unknown().optional() }).optional(),
});

/** A pull request event, flattened. */
export interface PullRequestEvent {
  action: string;
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  /** `owner/name` the event is about (the base repository). */
  repository: string;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** `owner/name` of the head repository; undefined when GitHub no longer knows it (a deleted fork). */
  headRepository: string | undefined;
  /** An `edited` event that moved the pull request to another base branch. */
  baseChanged: boolean;
}

/** The actions that (re)build a preview; every other action is answered 202 with the reason. */
export const PREVIEW_ACTIONS: readonly string[] = ['opened', 'synchronize', 'reopened', 'ready_for_review'];

/** Validates a decoded `pull_request` payload; throws with every missing or wrong field named. */
export function parsePullRequestEvent(payload: unknown): PullRequestEvent {
  const r = pullRequestEventSchema.safeParse(payload);
  if (!r.success) {
    throw new Error(`invalid pull_request payload: ${describeIssues(r.error)}`);
  }
  const { action, number, pull_request: pr, repository, changes } = r.data;
  return {
    action,
    number,
    state: pr.state,
    merged: pr.merged === true,
    draft: pr.draft === true,
    repository: repository.full_name,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    headRepository: pr.head.repo?.full_name,
    baseChanged: action === 'edited' && changes?.base !== undefined,
  };
}

/** Whether the head lives in the base repository itself (never a fork): only then may a preview touch live clusters. */
export function isSameRepository(event: PullRequestEvent): boolean {
  return event.headRepository !== undefined && event.headRepository.toLowerCase() === event.repository.toLowerCase();
}
