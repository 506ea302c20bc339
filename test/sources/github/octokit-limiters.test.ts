import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/core';
import { retry as pluginRetry } from '@octokit/plugin-retry';
import { RetryLimiter, concurrencyGroup, timerFreeRetry, type FailedInfo } from '../../../shared/sources/github/octokit-limiters.ts';

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

/** Answers in order, as fetch: a status with a JSON body, or a thrown network error; counts the calls. */
function scripted(answers: Array<{ status: number; body?: unknown } | 'network'>): { fetch: typeof fetch; calls: () => number } {
  let n = 0;
  const fetchFn = (async () => {
    const a = answers[Math.min(n, answers.length - 1)]!;
    n += 1;
    if (a === 'network') throw new TypeError('fetch failed');
    return new Response(JSON.stringify(a.body ?? {}), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: fetchFn, calls: () => n };
}

const WENT_WRONG = { data: null, errors: [{ message: 'Something went wrong while executing your query. Please try again.' }] };

/** What a call came to: the answer's data or the error's status, and how many requests it took. */
async function outcome(plugin: typeof timerFreeRetry | typeof pluginRetry, answers: Parameters<typeof scripted>[0], call: (o: Octokit) => Promise<{ data: unknown }>, sleeps?: number[]) {
  const s = scripted(answers);
  const Client = Octokit.plugin(plugin as typeof timerFreeRetry);
  const o = new Client({
    request: { fetch: s.fetch },
    retry: { retries: 3, doNotRetry: [400, 401, 403, 404, 422, 429], retryAfterBaseValue: 1, ...(sleeps ? { sleep: async (ms: number) => { sleeps.push(ms); } } : {}) },
  });
  try {
    return { data: (await call(o)).data, calls: s.calls() };
  } catch (e) {
    return { status: (e as { status?: number }).status, message: (e as Error).message, calls: s.calls() };
  }
}

const get = (o: Octokit) => o.request('GET /repos/{owner}/{repo}', { owner: 'a', repo: 'b' });
const once = (o: Octokit) => o.request('GET /repos/{owner}/{repo}', { owner: 'a', repo: 'b', request: { retries: 1 } });
const query = (o: Octokit) => o.request('POST /graphql', { query: '{ viewer { login } }' });
const SCENARIOS: Array<{ name: string; answers: Parameters<typeof scripted>[0]; call: (o: Octokit) => Promise<{ data: unknown }>; sleeps: number[] }> = [
  { name: '502, 503, then 200', answers: [{ status: 502 }, { status: 503 }, { status: 200, body: { ok: 1 } }], call: get, sleeps: [1, 4] },
  { name: 'a network failure, then 200', answers: ['network', { status: 200, body: { ok: 2 } }], call: get, sleeps: [1] },
  { name: '500 every time: three retries, then the error', answers: [{ status: 500, body: { message: 'boom' } }], call: get, sleeps: [1, 4, 9] },
  { name: '404: final, not retried', answers: [{ status: 404, body: { message: 'Not Found' } }], call: get, sleeps: [] },
  { name: '429: left to the throttling plugin', answers: [{ status: 429, body: { message: 'slow down' } }], call: get, sleeps: [] },
  { name: 'a request\'s own retries (1)', answers: [{ status: 500 }], call: once, sleeps: [1] },
  { name: 'GraphQL "something went wrong", then data', answers: [{ status: 200, body: WENT_WRONG }, { status: 200, body: { data: { viewer: { login: 'x' } } } }], call: query, sleeps: [1] },
  { name: 'GraphQL "something went wrong" every time', answers: [{ status: 200, body: WENT_WRONG }], call: query, sleeps: [1, 4, 9] },
];

for (const sc of SCENARIOS) {
  test(`retries without Bottleneck come to what @octokit/plugin-retry does: ${sc.name}`, async () => {
    const sleeps: number[] = [];
    const ours = await outcome(timerFreeRetry, sc.answers, sc.call, sleeps);
    const theirs = await outcome(pluginRetry, sc.answers, sc.call);
    assert.deepEqual(ours, theirs);
    assert.deepEqual(sleeps, sc.sleeps, 'attempt n waits n² × retryAfterBaseValue');
    assert.equal(ours.calls, sc.sleeps.length + 1);
  });
}

test('retries without Bottleneck are off when retry.enabled is false', async () => {
  const s = scripted([{ status: 502 }]);
  const o = new (Octokit.plugin(timerFreeRetry))({ request: { fetch: s.fetch }, retry: { enabled: false } });
  await assert.rejects(get(o), (e: { status?: number }) => e.status === 502);
  assert.equal(s.calls(), 1);
});
