/**
 * Rate limits (primary and secondary, with GitHub's headers), Octokit's throttling and retry plugins against them,
 * injected faults, latency, authentication and the request log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { setup, REPO, FULL, TOKEN, QUIET, statusOf } from './test-kit.ts';

const ThrottledOctokit = Octokit.plugin(throttling, retry);

/** The fake's clock: real time plus whatever a test has moved it by (windows pass without waiting). */
function movableClock(): { now: () => number; advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => { offset += ms; } };
}

test('the primary rate limit answers 403 with x-ratelimit headers until the reset time', async () => {
  const clock = movableClock();
  const { fake } = await setup({ now: clock.now });
  try {
    fake.setRateLimit({ limit: 60, remaining: 2, resetInSeconds: 2 });
    const get = (): Promise<Response> => fetch(`${fake.url}/repos/${FULL}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const first = await get();
    assert.equal(first.status, 200);
    assert.deepEqual(['limit', 'remaining', 'used', 'resource'].map((h) => first.headers.get(`x-ratelimit-${h}`)), ['60', '1', '59', 'core']);
    assert.equal((await get()).status, 200);
    const limited = await get();
    assert.equal(limited.status, 403);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.headers.get('x-ratelimit-used'), '60');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    assert.ok(reset >= Math.floor(Date.now() / 1000) && reset <= Math.floor(Date.now() / 1000) + 2);
    assert.match(((await limited.json()) as { message: string }).message, /API rate limit exceeded/);
    const overview = await fetch(`${fake.url}/rate_limit`, { headers: { authorization: `token ${TOKEN}` } });
    assert.equal(overview.status, 200, 'GET /rate_limit does not count against the limit');
    assert.equal(((await overview.json()) as { resources: { core: { remaining: number } } }).resources.core.remaining, 0);
    assert.equal((await get()).status, 403, 'still limited just before the reset time');
    clock.advance((reset + 1) * 1000 - clock.now());
    assert.equal((await get()).status, 200, 'refilled once the reset time has passed');
    fake.setRateLimit({ remaining: 0, resetInSeconds: 60, status: 429 });
    assert.equal((await get()).status, 429);
  } finally {
    await fake.close();
  }
});

test('Octokit\'s throttling plugin waits out a primary rate limit and retries', async () => {
  const clock = movableClock();
  const { fake } = await setup({ now: clock.now });
  try {
    const seen: number[] = [];
    // One millisecond per second of wait: the plugin's wait is real but short, and the fake's clock jumps past the reset.
    const octokit = new ThrottledOctokit({ baseUrl: fake.url, auth: TOKEN, log: QUIET, throttle: {
      retryAfterBaseValue: 1,
      onRateLimit: (retryAfter: number) => { seen.push(retryAfter); clock.advance((retryAfter + 1) * 1000); return true; },
      onSecondaryRateLimit: () => false,
    } });
    fake.setRateLimit({ remaining: 0, resetInSeconds: 2 });
    const repo = await octokit.rest.repos.get(REPO);
    assert.equal(repo.status, 200);
    assert.equal(seen.length, 1);
    assert.ok(seen[0]! >= 1 && seen[0]! <= 3, `retry after ${seen[0]}s`);
    assert.deepEqual(fake.requests().map((e) => e.status), [403, 200]);
  } finally {
    await fake.close();
  }
});

test('a secondary rate limit answers with retry-after, and the throttling plugin honours it', async () => {
  const clock = movableClock();
  const { fake } = await setup({ now: clock.now });
  try {
    fake.setSecondaryRateLimit({ afterRequests: 1, retryAfterSeconds: 1, status: 429 });
    const get = (): Promise<Response> => fetch(`${fake.url}/repos/${FULL}`, { headers: { authorization: `token ${TOKEN}` } });
    assert.equal((await get()).status, 200);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.match(((await limited.json()) as { message: string }).message, /secondary rate limit/);

    fake.setSecondaryRateLimit({ afterRequests: 0, retryAfterSeconds: 1, status: 403 });
    const seen: number[] = [];
    const octokit = new ThrottledOctokit({ baseUrl: fake.url, auth: TOKEN, log: QUIET, throttle: {
      retryAfterBaseValue: 1,
      onRateLimit: () => false,
      onSecondaryRateLimit: (retryAfter: number) => { seen.push(retryAfter); clock.advance(retryAfter * 1000); return true; },
    } });
    fake.resetRequests();
    assert.equal((await octokit.rest.repos.get(REPO)).status, 200);
    assert.deepEqual(seen, [1]);
    assert.deepEqual(fake.requests().map((e) => e.status), [403, 200]);
  } finally {
    await fake.close();
  }
});

test('injected 5xx faults are retried by Octokit\'s retry plugin and connection resets reach the client', async () => {
  const { fake } = await setup();
  try {
    const octokit = new ThrottledOctokit({ baseUrl: fake.url, auth: TOKEN, log: QUIET, retry: { retryAfterBaseValue: 5 },
      throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false } });
    fake.setFaults({ failNext: 2, errorStatus: 503 });
    assert.equal((await octokit.rest.git.getRef({ ...REPO, ref: 'heads/main' })).status, 200);
    assert.deepEqual(fake.requests().map((e) => e.status), [503, 503, 200]);
    fake.setFaults({ failNext: 1, failNextKind: 'reset' });
    await assert.rejects(fetch(`${fake.url}/repos/${FULL}`, { headers: { authorization: `token ${TOKEN}` } }));
    fake.setFaults({ errorRate: 1, random: () => 0 });
    assert.equal((await statusOf(new Octokit({ baseUrl: fake.url, auth: TOKEN, log: QUIET }).rest.repos.get(REPO))).status, 502);
    fake.setFaults({});
    assert.equal((await octokit.rest.repos.get(REPO)).status, 200);
  } finally {
    await fake.close();
  }
});

test('a required token is enforced with 401, and latency delays answers', async () => {
  const { fake, octokit } = await setup();
  try {
    const res = await fetch(`${fake.url}/repos/${FULL}`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { message: string }).message, 'Requires authentication');
    const wrong = await statusOf(new Octokit({ baseUrl: fake.url, auth: 'nope', log: QUIET }).rest.repos.get(REPO));
    assert.equal(wrong.status, 401);
    assert.match(wrong.message, /Bad credentials/);
    fake.setLatency(120);
    const started = Date.now();
    await octokit.rest.repos.get(REPO);
    assert.ok(Date.now() - started >= 110);
  } finally {
    await fake.close();
  }
});

test('the request log counts requests by method and route template', async () => {
  const { fake, octokit } = await setup();
  try {
    await octokit.rest.git.getRef({ ...REPO, ref: 'heads/main' });
    await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: '1' });
    await octokit.rest.repos.getContent({ ...REPO, path: 'apps/web/deployment.yaml' });
    await octokit.rest.repos.getContent({ ...REPO, path: 'apps/api/deployment.yaml' });
    await statusOf(octokit.request('GET /nowhere'));
    const log = fake.requests();
    assert.equal(log.total, 5);
    assert.equal(log.length, 5);
    assert.deepEqual(log.counts, {
      'GET /repos/{owner}/{repo}/git/ref/{ref}': 1, 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': 1,
      'GET /repos/{owner}/{repo}/contents/{path}': 2, 'GET <unmatched>': 1,
    });
    assert.equal(log[0]!.path, '/repos/acme/config/git/ref/heads%2Fmain');
    fake.resetRequests();
    assert.deepEqual(fake.requestCounts(), {});
  } finally {
    await fake.close();
  }
});
