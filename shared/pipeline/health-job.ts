/**
 * The delayed `health` job a sync leaves behind when it applied objects with health rules: one check
 * per delivery, re-sent with a visibility delay backing off from 15 s until the objects are healthy,
 * one has failed, or the environment's timeout passes. No invocation waits.
 */
import { z } from 'zod';
import { parseMessage } from '../config/index.ts';

export { HEALTH_QUEUE } from './queue-names.ts';
/** The first check, and the base of the backoff. */
export const FIRST_HEALTH_CHECK_MS = 15_000;

export const healthJobSchema = z.strictObject({
  v: z.literal(1),
  environment: z.string().min(1),
  cluster: z.string().min(1),
  /** The revision the sync applied: a record for another revision means this job is superseded. */
  revision: z.string().min(1),
  /** Checks so far, this one included. */
  attempt: z.number().int().min(1).max(1000),
});

export type HealthJob = z.infer<typeof healthJobSchema>;

/** Sends health jobs, visible after `delayMs` (a storage queue's visibility timeout; at most 7 days). */
export interface HealthQueue {
  send(job: HealthJob, delayMs: number): Promise<void>;
}

export function parseHealthJob(body: unknown): HealthJob {
  return parseMessage(healthJobSchema, body, 'health job');
}

/** The wait before check `attempt + 1`: 15 s, 30 s, 60 s … never past the deadline (and at least 1 s). */
export function nextHealthDelayMs(attempt: number, now: number, deadline: number): number {
  const backoff = FIRST_HEALTH_CHECK_MS * 2 ** Math.min(attempt, 20);
  return Math.max(1000, Math.min(backoff, deadline - now));
}
