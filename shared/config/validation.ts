/**
 * The validation vocabulary every boundary shares (pure): how a zod failure is worded in one line, and what a
 * GitHub repository name (`owner/name`) is. Settings, gitops.yaml, webhook payloads, registry events and queue
 * messages all word their problems the same way.
 */
import { z } from 'zod';

/** A GitHub `owner/name`: letters, digits, `_`, `.` and `-` on each side of the one slash. */
export const REPOSITORY_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The zod schema of an `owner/name`, with the message every boundary gives. */
export const repositoryName = z.string().regex(REPOSITORY_NAME, 'expected owner/name');

/** Where an issue is: its path under `prefix`, joined with dots, or `(top level)`. */
export function issuePath(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  return [...prefix, ...issue.path].map(String).join('.') || '(top level)';
}

/** Every issue of a failed parse as `path: message`, joined with `; `. */
export function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return error.issues.map((i) => `${issuePath(i, prefix)}: ${i.message}`).join('; ');
}

/**
 * A queue message (JSON text, or an object the trigger already decoded) read with its schema; throws
 * `<what> is not JSON` or `invalid <what>: <issues>`. Every queue's parser is this one.
 */
export function parseMessage<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new Error(`${what} is not JSON`);
    }
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`invalid ${what}: ${describeIssues(r.error)}`);
  return r.data;
}
