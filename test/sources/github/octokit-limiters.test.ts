import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryLimiter, concurrencyGroup, type FailedInfo } from '../../../shared/sources/github/octokit-limiters.ts';

test('the retry limiter runs a job with its arguments and tries it again after the wait its failed listener answers', async () => {
  const sleeps: number[] = [];
  const seen: FailedInfo[] = [];
  const limiter = new RetryLimiter(async (ms) => { sleeps.push(ms); });
  limiter.on('failed', (_error, info) => { seen.push(info); return info.retryCount < 2 ? 100 * (info.retryCount + 1) : undefined; });
  let calls = 0;
  const job = async (a: string, b: number) => { calls += 1; if (calls < 3) throw new Error(`fail ${calls}`); return `${a}${b}`; };
  assert.equal(await limiter.schedule(job, 'x', 1), 'x1');
  assert.deepEqual(sleeps, [100, 200]);
  assert.deepEqual(seen.map((s) => [s.retryCount, s.args]), [[0, ['x', 1]], [1, ['x', 1]]]);
});

test('the retry limiter throws the job\'s error when the listener answers no wait, and skips Bottleneck\'s job options', async () => {
  const limiter = new RetryLimiter(async () => undefined);
  limiter.on('failed', () => undefined);
  const boom = new Error('boom');
  await assert.rejects(limiter.schedule({ priority: 0 }, async () => { throw boom; }), (e) => e === boom);
  const noListener = new RetryLimiter(async () => undefined);
  await assert.rejects(noListener.schedule(async () => { throw boom; }), (e) => e === boom);
});

test('a concurrency group runs at most its limit of jobs at once, the next one as a slot frees', async () => {
  const group = concurrencyGroup(2) as { key(id: string): { schedule(...a: unknown[]): Promise<unknown> } };
  const turns = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const release = new Map<number, () => void>();
  const job = (n: number) => new Promise<number>((resolve) => {
    running += 1;
    most = Math.max(most, running);
    started.push(n);
    release.set(n, () => { running -= 1; resolve(n); });
  });
  const all = Promise.all([1, 2, 3, 4].map((n) => group.key('client').schedule({}, job, n)));
  await turns();
  assert.deepEqual(started, [1, 2]);
  release.get(1)!();
  await turns();
  assert.deepEqual(started, [1, 2, 3]);
  release.get(2)!();
  release.get(3)!();
  await turns();
  assert.deepEqual(started, [1, 2, 3, 4]);
  release.get(4)!();
  assert.deepEqual(await all, [1, 2, 3, 4]);
  assert.equal(most, 2);
});
