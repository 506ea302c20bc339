/**
 * The message between the push webhook (or the reconcile timer) and a cluster's
 * sync worker: one per environment × cluster, on the `sync` queue.
 *
 * The job is a hint, not an order: the worker always applies the branch's
 * HEAD (architecture rule 1), so duplicated, late or reordered jobs converge.
 */
import { z } from 'zod';
import { parseMessage } from '../config/index.ts';

export { SYNC_QUEUE } from './queue-names.ts';

export const syncJobSchema = z.strictObject({
  /** Schema version of this message. */
  v: z.literal(1),
  environment: z.string().min(1),
  /** Cluster name as discovery reports it. */
  cluster: z.string().min(1),
  /** Why: a push, the reconcile timer (new or behind cluster), drift repair, or a person. */
  reason: z.enum(['push', 'reconcile', 'drift', 'manual']),
  /** The revision that triggered the job, if any (informational: HEAD is applied). */
  revision: z.string().optional(),
  /** Apply everything (new branch, forced push, capped commit lists, new cluster) rather than the changed files. */
  full: z.boolean(),
  /** Repo-relative paths changed by the push (added or modified); empty for full syncs. */
  changed: z.array(z.string()).default([]),
  /** Repo-relative paths removed by the push (for prune). */
  removed: z.array(z.string()).default([]),
  /** GitHub delivery id or other trigger id, for logs. */
  trigger: z.string().optional(),
});

export type SyncJob = z.infer<typeof syncJobSchema>;

/** The job of a push for one cluster: the files it changed and removed, or a full sync when `full`. */
export function pushSyncJob(input: { environment: string; cluster: string; revision: string; full: boolean; changed: string[]; removed: string[]; trigger: string }): SyncJob {
  return { v: 1, reason: 'push', ...input };
}

/** A full sync of one cluster at HEAD: a new or behind cluster, drift, or a person asking. */
export function fullSyncJob(input: { environment: string; cluster: string; reason: Exclude<SyncJob['reason'], 'push'>; revision?: string; trigger?: string }): SyncJob {
  return { v: 1, full: true, changed: [], removed: [], ...input };
}

/** Parses a queue message body (JSON text or an already-decoded object); throws with the reason. */
export function parseSyncJob(body: unknown): SyncJob {
  return parseMessage(syncJobSchema, body, 'sync job');
}

/** Sends jobs somewhere (the storage queue in Azure, an in-process queue locally): sync jobs unless told otherwise. */
export interface JobQueue<J = SyncJob> {
  send(job: J): Promise<void>;
}
