import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { REPO, TOKEN, memoryLog, startFixture } from './fixture.ts';
import { startGitHubFake } from '../../support/github-fake/index.ts';
import { createGitHubSource, graphqlUrlFor, parseGitHubSettings } from '../../../shared/sources/github/index.ts';
import { isContentWrite, writeAllowance } from '../../../shared/sources/github/create-github-client.ts';

test('settings that are wrong are refused with the name of each bad setting and without its value', () => {
  assert.throws(
    () => parseGitHubSettings({ repository: 'no-slash', baseUrl: 'not a url', auth: { token: '' } }),
    (error: Error) => {
      assert.match(error.message, /github\.repository: must be owner\/name/);
      assert.match(error.message, /github\.baseUrl/);
      assert.match(error.message, /github\.auth/);
      return true;
    },
  );
  const secret = '-----BEGIN PRIVATE KEY-----\nsecret-material\n-----END PRIVATE KEY-----';
  assert.throws(
    () => parseGitHubSettings({ repository: 'a/b', auth: { appId: 'abc', privateKey: secret, installationId: 1 } }),
    (error: Error) => !error.message.includes('secret-material') && /github\.auth/.test(error.message),
  );
  assert.throws(() => parseGitHubSettings({ repository: 'a/b', baseUrl: 'https://github.com', auth: { token: 't' } }), /use https:\/\/api\.github\.com/);
});

test('settings default to github.com, the serverless-gitops committer and writes paced at 20 at once, then one a second', () => {
  const s = parseGitHubSettings({ repository: 'equinor/radix-flux', auth: { token: 't' } });
  assert.equal(s.baseUrl, 'https://api.github.com');
  assert.equal(s.committer.name, 'serverless-gitops');
  assert.equal(s.writeIntervalMs, 1000);
  assert.equal(s.writeBurst, 20);
  assert.throws(() => parseGitHubSettings({ repository: 'a/b', auth: { token: 't' }, writeBurst: 0 }), /writeBurst/);
});

test('the GraphQL endpoint is derived for github.com and for GitHub Enterprise Server', () => {
  assert.equal(graphqlUrlFor('https://api.github.com'), 'https://api.github.com/graphql');
  assert.equal(graphqlUrlFor('https://ghe.example.com/api/v3'), 'https://ghe.example.com/api/graphql');
  assert.equal(graphqlUrlFor('https://ghe.example.com/api/v3/'), 'https://ghe.example.com/api/graphql');
  assert.equal(graphqlUrlFor('http://127.0.0.1:3000'), 'http://127.0.0.1:3000/graphql');
});

test('an enterprise base URL with /api/v3 reaches REST under /api/v3 and GraphQL at /api/graphql', async () => {
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'a.yaml': 'a: 1\n' } }], token: TOKEN });
  const seen: string[] = [];
  const fetchSpy: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    seen.push(url.pathname);
    // The fake serves GraphQL at /graphql only; GitHub Enterprise Server serves it at /api/graphql.
    if (url.pathname === '/api/graphql') url.pathname = '/graphql';
    return fetch(url, init);
  };
  try {
    const source = createGitHubSource({ repository: REPO, baseUrl: `${fake.url}/api/v3`, auth: { token: TOKEN }, writeIntervalMs: 0 }, { fetch: fetchSpy });
    const head = await source.resolveBranch('main');
    assert.equal((await source.readFiles(head, ['a.yaml'])).get('a.yaml'), 'a: 1\n');
    assert.ok(seen.some((p) => /^\/api\/v3\/repos\/acme\/config\/tarball\/[0-9a-f]{40}$/.test(p)), seen.join(' '));
    assert.ok(seen.includes('/api/graphql'));
  } finally {
    await fake.close();
  }
});

test('a primary rate limit is waited out until its reset and the read then succeeds', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    f.fake.setRateLimit({ resource: 'graphql', remaining: 0, resetInSeconds: 1 });
    // The reset GitHub announces (whole seconds: up to a second away), read where it does not count.
    const overview = await fetch(`${f.fake.url}/rate_limit`, { headers: { authorization: `token ${TOKEN}` } });
    const reset = ((await overview.json()) as { resources: { graphql: { reset: number } } }).resources.graphql.reset;
    const head = await f.source.resolveBranch('main');
    assert.match(head, /^[0-9a-f]{40}$/);
    const queries = f.fake.requests().filter((e) => e.route === 'POST /graphql');
    assert.ok(queries.length >= 2 && [403, 429].includes(queries[0]!.status), `first limited, then retried: ${queries.map((q) => q.status).join(', ')}`);
    assert.equal(queries.at(-1)!.status, 200);
    assert.ok(queries.slice(1).every((q) => Date.parse(q.at) >= reset * 1000), 'no retry before the announced reset');
    assert.ok(f.logged.some((l) => /rate limit .*retrying/.test(l)));
  } finally {
    await f.close();
  }
});

test('a secondary rate limit is waited out for its retry-after and the write then succeeds', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    const head = await f.source.resolveBranch('main');
    f.fake.setSecondaryRateLimit({ afterRequests: 1, retryAfterSeconds: 1 });
    const result = await f.source.commit({ branch: 'main', expectedHead: head, files: new Map([['a.yaml', 'a: 2\n']]), message: 'm' });
    assert.equal(result.status, 'committed');
    assert.ok(f.logged.some((l) => /secondary rate limit .*retrying in 1s/.test(l)));
  } finally {
    await f.close();
  }
});

test('a rate limit that resets later than the allowed wait fails with a clear error naming the reset', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' }, { settings: { maxRateLimitWaitSeconds: 5 } });
  try {
    f.fake.setRateLimit({ resource: 'graphql', remaining: 0, resetInSeconds: 3600 });
    await assert.rejects(f.source.resolveBranch('main'), /failed to resolve branch main in github:acme\/config: GitHub rate limit exceeded until \d{4}-/);
  } finally {
    await f.close();
  }
});

test('a server error and a reset connection are retried and the call succeeds', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' }, { client: { retryAfterBaseMs: 50 } });
  try {
    f.fake.setFaults({ failNext: 1, errorStatus: 502 });
    const head = await f.source.resolveBranch('main');
    f.fake.setFaults({ failNext: 1, failNextKind: 'reset' });
    assert.equal((await f.source.readFiles(head, ['a.yaml'])).get('a.yaml'), 'a: 1\n');
    const statuses = f.fake.requests().map((e) => e.status);
    assert.ok(statuses.includes(502) && statuses.includes(-1), 'both faults happened');
  } finally {
    await f.close();
  }
});

test('GitHub App authentication signs a JWT, exchanges it for one installation token and reuses it', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'a.yaml': 'a: 1\n' } }], token: TOKEN });
  const exchanges: { appId: unknown }[] = [];
  // The fake does not serve the installation-token exchange yet: this fetch answers it like GitHub, verifying
  // the app's JWT with the public key, and passes every other request to the fake.
  const withTokenExchange: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (init?.method === 'POST' && url.pathname === '/app/installations/42/access_tokens') {
      const jwt = String(new Headers(init.headers).get('authorization')).replace(/^bearer /i, '');
      const [header, payload, signature] = jwt.split('.');
      const valid = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature!, 'base64url'));
      if (!valid) return new Response(JSON.stringify({ message: 'A JSON web token could not be decoded' }), { status: 401 });
      exchanges.push({ appId: JSON.parse(Buffer.from(payload!, 'base64url').toString()).iss });
      const body = { token: TOKEN, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: 'write' }, repository_selection: 'all' };
      return new Response(JSON.stringify(body), { status: 201, headers: { 'content-type': 'application/json' } });
    }
    return fetch(url, init);
  };
  const lines: string[] = [];
  try {
    const source = createGitHubSource(
      { repository: REPO, baseUrl: fake.url, auth: { appId: 1234, privateKey: pem, installationId: 42 }, writeIntervalMs: 0 },
      { fetch: withTokenExchange, log: memoryLog(lines) },
    );
    const head = await source.resolveBranch('main');
    await source.readFiles(head, ['a.yaml']);
    await source.commit({ branch: 'main', expectedHead: head, files: new Map([['a.yaml', 'a: 2\n']]), message: 'm' });
    assert.deepEqual(exchanges, [{ appId: 1234 }]);
    assert.ok(!lines.some((l) => l.includes(TOKEN) || l.includes('PRIVATE KEY')), 'no secret is logged');
  } finally {
    await fake.close();
  }
});

test('a wrong token fails with GitHub’s answer and the token appears in no log line or message', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' }, { settings: { auth: { token: 'ghp_wrong-secret' } } });
  try {
    await assert.rejects(f.source.resolveBranch('main'), (error: Error) => /GitHub answered 401: Bad credentials/.test(error.message) && !error.message.includes('ghp_wrong-secret'));
    assert.ok(!f.logged.some((l) => l.includes('ghp_wrong-secret')));
  } finally {
    await f.close();
  }
});

test('reads and GraphQL queries are not spaced by writeIntervalMs', { timeout: 60_000 }, async () => {
  // An interval of ten minutes: spaced, five reads could not finish within the test's timeout.
  const f = await startFixture({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' }, { settings: { writeIntervalMs: 600_000 } });
  try {
    const head = await f.source.resolveBranch('main');
    await f.source.readDefaultBranchFile('a.yaml');
    await f.source.resolveBranch('main');
    await Promise.all([f.source.listFiles(head), f.source.defaultBranch()]);
    assert.equal((await f.source.readFiles(head, ['b.yaml'])).get('b.yaml'), 'b: 1\n');
    assert.ok(f.fake.requests().filter((e) => e.route.endsWith('/graphql')).length >= 3, 'three of them GraphQL queries');
  } finally {
    await f.close();
  }
});

test('with writeBurst 1, writes keep their writeIntervalMs spacing: each waits for the interval since the previous one started', async () => {
  // The client's own clock, stepped by the test: a write waits exactly what is left of the interval.
  let now = 1_000_000;
  const waits: number[] = [];
  const clock = { now: () => now, sleep: async (ms: number) => { waits.push(ms); now += ms; } };
  const f = await startFixture({ 'a.yaml': 'a: 1\n' }, { settings: { writeIntervalMs: 400, writeBurst: 1 }, client: { clock } });
  try {
    const head = await f.source.resolveBranch('main');
    const result = await f.source.commit({ branch: 'main', expectedHead: head, files: new Map([['a.yaml', 'a: 2\n']]), message: 'm' });
    assert.equal(result.status, 'committed');
    const writes = f.fake.requests().filter((e) => e.method !== 'GET' && !e.route.endsWith('/graphql'));
    assert.equal(writes.length, 3, 'tree, commit, ref');
    assert.deepEqual(waits, [400, 400], 'the first write starts at once, the commit and the ref each wait the interval');
    now += 1_000;
    await f.source.commit({ branch: 'main', expectedHead: result.status === 'committed' ? result.revision : head, files: new Map([['a.yaml', 'a: 3\n']]), message: 'm2' });
    assert.deepEqual(waits, [400, 400, 400, 400], 'after a pause longer than the interval the next first write starts at once');
  } finally {
    await f.close();
  }
});

test('up to writeBurst writes start at once, then one per writeIntervalMs, the allowance refilling with time', async () => {
  let now = 1_000_000;
  const waits: number[] = [];
  const clock = { now: () => now, sleep: async (ms: number) => { waits.push(ms); now += ms; } };
  const f = await startFixture({ 'a.yaml': 'a: 1\n' }, { settings: { writeIntervalMs: 400, writeBurst: 4 }, client: { clock } });
  try {
    let head = await f.source.resolveBranch('main');
    const commit = async (text: string) => {
      const r = await f.source.commit({ branch: 'main', expectedHead: head, files: new Map([['a.yaml', text]]), message: text });
      assert.equal(r.status, 'committed');
      if (r.status === 'committed') head = r.revision;
    };
    await commit('a: 2\n');
    assert.deepEqual(waits, [], 'tree, commit and ref: three of the four at once');
    await commit('a: 3\n');
    assert.deepEqual(waits, [400, 400], 'the fourth at once, then one per interval');
    now += 1_200;
    await commit('a: 4\n');
    assert.deepEqual(waits, [400, 400], 'three intervals later, three more at once');
    now += 100_000;
    await commit('a: 5\n');
    await commit('a: 6\n');
    assert.deepEqual(waits, [400, 400, 400, 400], 'a long pause refills the allowance to four, not more');
    assert.equal(f.fake.requests().filter((e) => e.method !== 'GET' && !e.route.endsWith('/graphql')).length, 15);
  } finally {
    await f.close();
  }
});

test('concurrent writes beyond the allowance queue one interval apart', async () => {
  let now = 0;
  const waits: number[] = [];
  const take = writeAllowance(1000, 2, { now: () => now, sleep: async (ms: number) => { waits.push(ms); } });
  await Promise.all([take(), take(), take(), take(), take()]);
  assert.deepEqual(waits, [1000, 2000, 3000], 'two at once, the third a second later, the fourth two, the fifth three');
  now = 3_500;
  await take();
  assert.deepEqual(waits, [1000, 2000, 3000, 500], '3.5 s pay the debt of three and half a write: the next waits half a second');
  now = 60_000;
  await Promise.all([take(), take(), take()]);
  assert.deepEqual(waits, [1000, 2000, 3000, 500, 1000], 'a minute refills two, not more: the third waits');
});

test('content-creating requests are told from reads, GraphQL queries and token exchanges', () => {
  assert.equal(isContentWrite('POST', '/repos/{owner}/{repo}/git/trees'), true);
  assert.equal(isContentWrite('PATCH', '/repos/{owner}/{repo}/git/refs/{ref}'), true);
  assert.equal(isContentWrite('POST', '/repos/{owner}/{repo}/statuses/{sha}'), true);
  assert.equal(isContentWrite('GET', '/repos/{owner}/{repo}/tarball/{ref}'), false);
  assert.equal(isContentWrite('POST', 'https://api.github.com/graphql', 'query ReadFiles { x }'), false);
  assert.equal(isContentWrite('POST', 'https://ghe.example.com/api/graphql', '{ repository { x } }'), false);
  assert.equal(isContentWrite('POST', 'https://api.github.com/graphql', '  mutation M { x }'), true);
  assert.equal(isContentWrite('POST', '/app/installations/42/access_tokens'), false);
  assert.equal(isContentWrite('POST', 'https://ghe.example.com/api/v3/app/installations/42/access_tokens'), false);
});
