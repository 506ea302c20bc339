/**
 * The queues' names, apart from their message schemas: a Function entry point names its trigger's queue at
 * import time, and must not load zod (or anything else) to do it; the handler loads the rest on its first
 * invocation (cold start: see README Performance).
 */

/** One message per environment × cluster (sync-job.ts). */
export const SYNC_QUEUE = 'sync';
/** Delayed rollout-health checks after a sync (health-job.ts). */
export const HEALTH_QUEUE = 'health';
/** Pull-request previews (preview-job.ts). */
export const PREVIEW_QUEUE = 'preview';
/** Images the ACR classic webhook accepted, to release into git (image-job.ts). */
export const IMAGE_QUEUE = 'image-release';
