import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryJobQueue } from '../../shared/pipeline/memory-job-queue.ts';
import type { SyncJob } from '../../shared/pipeline/sync-job.ts';

const job = (cluster: string): SyncJob => ({ v: 1, environment: 'dev', cluster, reason: 'push', full: false, changed: [], removed: [] });

test('the in-process queue retries failed jobs, poisons them after the bound, and reports idle only when done', async () => {
  const q = new MemoryJobQueue({ maxAttempts: 3, retryDelayMs: 5 });
  const attempts: Record<string, number[]> = {};
  q.process(async (j, attempt) => {
    (attempts[j.cluster] ??= []).push(attempt);
    if (j.cluster === 'flaky' && attempt < 2) throw new Error('down');
    if (j.cluster === 'dead') throw new Error('gone for good');
  });
  await Promise.all(['a', 'flaky', 'dead'].map((c) => q.send(job(c))));
  await q.idle();
  assert.deepEqual(attempts, { a: [1], flaky: [1, 2], dead: [1, 2, 3] });
  assert.deepEqual(q.poisoned.map((p) => [p.job.cluster, p.error]), [['dead', 'gone for good']]);
});
