/**
 * The rollout-health record a sync leaves beside its state (`health.json` in the state ConfigMap): what it
 * waits for, until when, and what the checks found.
 */
import { z } from 'zod';

export const watchedObjectSchema = z.object({ id: z.string(), apiVersion: z.string(), kind: z.string(), namespace: z.string().optional(), name: z.string() });
export type WatchedObject = z.infer<typeof watchedObjectSchema>;

export const healthRecordSchema = z.object({
  revision: z.string(),
  status: z.enum(['progressing', 'healthy', 'degraded', 'timed-out']),
  /** When the sync applied the objects, and when waiting stops. */
  since: z.string(),
  deadline: z.string(),
  checkedAt: z.string().optional(),
  checks: z.number().int().nonnegative(),
  /** Objects not healthy yet. */
  pending: z.array(watchedObjectSchema),
  failed: z.array(z.object({ id: z.string(), reason: z.string() })),
  message: z.string(),
});
export type HealthRecord = z.infer<typeof healthRecordSchema>;
