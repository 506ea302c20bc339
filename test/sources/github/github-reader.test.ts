import { test } from 'node:test';
import { commitWithRetry } from '../../../shared/sources/commit-with-retry.ts';
import assert from 'node:assert/strict';
import { startGitHubFake } from '../../support/github-fake/index.ts';
import { createGitHubSource } from '../../../shared/sources/github/index.ts';
import { REPO, TOKEN, deployment, manifests, startFixture, type Fixture } from './fixture.ts';

const TREE = 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}';
const GRAPHQL = 'POST /graphql';
const BLOB = 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}';
const TARBALL = 'GET /repos/{owner}/{repo}/tarball/{ref}';
/** The tarball call's redirect target (codeload on github.com): the same call's download, not an API call. */
const CODELOAD = 'GET /_codeload/{owner}/{repo}/legacy.tar.gz/{sha}';
const WRITES = { 'POST /repos/{owner}/{repo}/git/trees': 1, 'POST /repos/{owner}/{repo}/git/commits': 1, 'PATCH /repos/{owner}/{repo}/git/refs/{ref}': 1 };

const measured: Record<string, unknown> = {};

/** API calls since the last reset (the tarball's download hop counted apart). */
function apiCalls(f: Fixture): { calls: Record<string, number>; total: number } {
  const calls = f.calls();
  assert.equal(calls[CODELOAD] ?? 0, calls[TARBALL] ?? 0, 'one download per tarball call');
  delete calls[CODELOAD];
  return { calls, total: Object.values(calls).reduce((a, b) => a + b, 0) };
}

/** A push changing `count` files, by commits of the fake (like a developer's push). */
async function pushChanges(f: Fixture, size: number, count: number, tag: string): Promise<string[]> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    files[`development-configs/team-${i % 20}/${name}.yaml`] = deployment(name, tag, i);
  }
  await f.fake.commit('main', { files, message: `bump ${count} of ${size}` });
  return Object.keys(files);
}

const totals = { cold: new Set<number>(), warmOne: new Set<number>(), warmMany: new Set<number>(), image: new Set<number>() };

for (const size of [50, 500, 2000]) {
  test(`a repository of ${size} files costs the same few GitHub calls per event, cold and warm`, async () => {
    const f = await startFixture(manifests(size));
    try {
      // A cold instance: the branch (GraphQL: commit and tree SHA), then the whole commit in one tarball.
      const head = await f.source.resolveBranch('main');
      const files = await f.source.listFiles(head);
      assert.equal(files.length, size);
      const all = await f.source.readFiles(head, files.map((x) => x.path));
      assert.equal(all.size, size);
      const cold = apiCalls(f);
      assert.deepEqual(cold.calls, { [GRAPHQL]: 1, [TARBALL]: 1 }, 'branch, then one tarball for the tree and every text');

      // A push changes one file; the warm instance re-reads the whole environment at the new head.
      const changed = 'development-configs/team-3/app-0003.yaml';
      await f.fake.commit('main', { files: { [changed]: deployment('app-0003', '2.0.0', 3) }, message: 'bump' });
      f.reset();
      const next = await f.source.resolveBranch('main');
      const paths = (await f.source.listFiles(next)).map((x) => x.path);
      const again = await f.source.readFiles(next, paths);
      assert.equal(again.size, size);
      assert.match(again.get(changed)!, /app-0003:2\.0\.0/);
      const warmOne = apiCalls(f);
      assert.deepEqual(warmOne.calls, { [GRAPHQL]: 2, [TREE]: 1 }, 'branch, tree, and one query for the one changed blob');

      // A push changing every file: the warm instance takes the tarball instead of several GraphQL batches.
      const bumped = await pushChanges(f, size, size, '3.0.0');
      f.reset();
      const third = await f.source.resolveBranch('main');
      const read = await f.source.readFiles(third, (await f.source.listFiles(third)).map((x) => x.path));
      assert.match(read.get(bumped.at(-1)!)!, /:3\.0\.0/);
      const warmMany = apiCalls(f);
      assert.equal(warmMany.total, 3, JSON.stringify(warmMany.calls));
      assert.deepEqual(warmMany.calls, size > 200 ? { [GRAPHQL]: 1, [TREE]: 1, [TARBALL]: 1 } : { [GRAPHQL]: 2, [TREE]: 1 });

      // A registry event on the warm instance: read head, recompute one file, one compare-and-swap commit.
      f.reset();
      const target = 'development-configs/team-7/app-0007.yaml';
      const result = await commitWithRetry(f.source, async (h) => {
        const text = (await f.source.readFiles(h, [target])).get(target)!;
        return { files: new Map([[target, text.replace(':3.0.0', ':3.1.0')]]), message: 'Update app-0007 to 3.1.0' };
      }, { branch: 'main' });
      assert.equal(result.status, 'committed');
      const image = apiCalls(f);
      assert.deepEqual(image.calls, { [GRAPHQL]: 1, ...WRITES }, 'branch, tree, commit, ref: the file text and the tree come from the cache');
      totals.cold.add(cold.total);
      totals.warmOne.add(warmOne.total);
      totals.warmMany.add(warmMany.total);
      totals.image.add(image.total);
      measured[`${size} files`] = { cold: cold.calls, warmPushOneChanged: warmOne.calls, warmPushAllChanged: warmMany.calls, warmImageUpdate: image.calls };
    } finally {
      await f.close();
    }
  });
}

test('the call counts per event are the same at 50, 500 and 2,000 files', () => {
  assert.ok(totals.cold.size > 0, 'the per-size tests above ran and recorded their counts');
  for (const [event, seen] of Object.entries(totals)) assert.equal(seen.size, 1, `${event}: ${[...seen].join(', ')}`);
  assert.deepEqual(Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, [...v][0]])), { cold: 2, warmOne: 3, warmMany: 3, image: 4 });
});

for (const size of [50, 500, 2000]) {
  test(`a cold image update in a repository of ${size} files costs the branch, one tarball and the three writes`, async () => {
    const f = await startFixture(manifests(size));
    try {
      const target = 'development-configs/team-7/app-0007.yaml';
      const result = await commitWithRetry(f.source, async (h) => {
        const env = (await f.source.listFiles(h)).map((x) => x.path).filter((p) => p.startsWith('development-configs/'));
        const text = (await f.source.readFiles(h, env)).get(target)!;
        return { files: new Map([[target, text.replace(':1.0.0', ':1.1.0')]]), message: 'Update app-0007 to 1.1.0' };
      }, { branch: 'main' });
      assert.equal(result.status, 'committed');
      assert.deepEqual(apiCalls(f).calls, { [GRAPHQL]: 1, [TARBALL]: 1, ...WRITES });
      assert.match(await f.fake.readFile(REPO, 'main', target) ?? '', /app-0007:1\.1\.0/);
    } finally {
      await f.close();
    }
  });
}

test('the default branch, its tip and gitops.yaml come in one GraphQL query', async () => {
  const f = await startFixture({ 'gitops.yaml': 'environments: {}\n', 'a.yaml': 'a: 1\n' }, { branches: ['trunk'] });
  try {
    const read = await f.source.readDefaultBranchFile('gitops.yaml');
    assert.deepEqual(read, { branch: 'trunk', revision: await f.fake.head(REPO, 'trunk'), text: 'environments: {}\n' });
    assert.deepEqual(f.calls(), { [GRAPHQL]: 1 });
    assert.equal(await f.source.defaultBranch(), 'trunk', 'the branch name is kept');
    assert.equal((await f.source.readDefaultBranchFile('missing.yaml')).text, undefined);
    assert.equal((await f.source.readDefaultBranchFile('a.yaml')).text, 'a: 1\n');
    f.reset();
    await f.source.listFiles(read.revision);
    assert.deepEqual(apiCalls(f).calls, { [TARBALL]: 1 }, 'the tree SHA learnt with the file checks the tarball: no tree call');
  } finally {
    await f.close();
  }
});

test('a server without Commit.file (an older GitHub Enterprise Server) still reads the configuration in one query', async () => {
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'gitops.yaml': 'environments: {}\n' } }], token: TOKEN });
  const queries: string[] = [];
  const olderServer: typeof fetch = async (input, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    queries.push(body);
    if (body.includes('file(path:')) {
      const errors = [{ path: ['query', 'repository', 'defaultBranchRef', 'target', 'file'], extensions: { code: 'undefinedField', typeName: 'Commit', fieldName: 'file' }, message: "Field 'file' doesn't exist on type 'Commit'" }];
      return new Response(JSON.stringify({ errors }), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return fetch(input, init);
  };
  try {
    const source = createGitHubSource({ repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0 }, { fetch: olderServer });
    const read = await source.readDefaultBranchFile('gitops.yaml');
    assert.deepEqual(read, { branch: 'main', revision: await fake.head(REPO, 'main'), text: 'environments: {}\n' });
    queries.length = 0;
    assert.equal((await source.readDefaultBranchFile('gitops.yaml')).text, 'environments: {}\n');
    assert.equal(queries.length, 1, 'the fallback is remembered: one query per read');
  } finally {
    await fake.close();
  }
});

test('reading the same commit twice fetches nothing the second time', async () => {
  const f = await startFixture(manifests(30));
  try {
    const head = await f.source.resolveBranch('main');
    const paths = (await f.source.listFiles(head)).map((x) => x.path);
    await f.source.readFiles(head, paths);
    f.reset();
    const again = await f.source.readFiles(head, paths);
    assert.equal(again.size, 30);
    assert.equal(f.total(), 0);
  } finally {
    await f.close();
  }
});

test('concurrent reads of the same blobs (one sync job per cluster) fetch each blob once', async () => {
  const f = await startFixture(manifests(30), { settings: { archiveMaxBytes: 0 } });
  try {
    const head = await f.source.resolveBranch('main');
    const paths = (await f.source.listFiles(head)).map((x) => x.path).slice(0, 10);
    f.reset();
    const reads = await Promise.all(Array.from({ length: 10 }, () => f.source.readFiles(head, paths)));
    assert.ok(reads.every((r) => r.size === 10 && [...r.values()].every((t, i) => t === [...reads[0]!.values()][i])));
    assert.deepEqual(f.calls(), { 'POST /graphql': 1 }, 'ten readers, one query');
  } finally {
    await f.close();
  }
});

test('the blob cache stays within its byte bound, dropping the least recently used texts', async () => {
  const files = manifests(30);
  const one = Object.values(files)[0]!.length * 2;
  const f = await startFixture(files, { settings: { cacheMaxBytes: one * 10 + 100 } });
  try {
    const head = await f.source.resolveBranch('main');
    const paths = (await f.source.listFiles(head)).map((x) => x.path);
    const all = await f.source.readFiles(head, paths);
    assert.equal(all.size, 30, 'every file is answered even when the cache cannot hold them all');
    assert.ok(f.source.reader.cachedTexts <= 10);
    f.reset();
    await f.source.readFiles(head, paths.slice(-5));
    assert.equal(f.total(), 0, 'the most recent texts are still cached');
  } finally {
    await f.close();
  }
});

test('identical contents at several paths are fetched once and files that do not exist are absent', async () => {
  const same = 'kind: Namespace\nmetadata:\n  name: same\n';
  const f = await startFixture({ 'a/ns.yaml': same, 'b/ns.yaml': same, 'c/other.yaml': 'x: 1\n' }, { settings: { archiveMaxBytes: 0 } });
  try {
    const head = await f.source.resolveBranch('main');
    f.reset();
    const out = await f.source.readFiles(head, ['a/ns.yaml', 'b/ns.yaml', 'c/other.yaml', 'missing.yaml']);
    assert.deepEqual([...out.keys()].sort(), ['a/ns.yaml', 'b/ns.yaml', 'c/other.yaml']);
    assert.equal(out.get('b/ns.yaml'), same);
    assert.equal(f.calls()[GRAPHQL], 1);
    assert.equal(f.source.reader.cachedTexts, 2);
  } finally {
    await f.close();
  }
});

test('a tree GitHub answers truncated is walked subtree by subtree and lists every file', async () => {
  const f = await startFixture(manifests(120), { settings: { archiveMaxBytes: 0 } });
  try {
    f.fake.setLimits({ treeEntries: 40 });
    const head = await f.source.resolveBranch('main');
    f.reset();
    const files = await f.source.listFiles(head);
    assert.equal(files.length, 120);
    assert.ok(files.every((x) => /^[0-9a-f]{40}$/.test(x.sha ?? '')));
    // root recursive (truncated), root level; development-configs recursive (truncated) and its level;
    // then each of the 20 team folders recursively.
    assert.equal(f.calls()[TREE], 2 + 2 + 20);
  } finally {
    await f.close();
  }
});

test('a file over the GraphQL text limit is read in full through the blob API', async () => {
  const big = `# big\n${'x'.repeat(200_000)}\n`;
  const f = await startFixture({ 'big.yaml': big, 'small.yaml': 'a: 1\n' }, { settings: { archiveMaxBytes: 0 } });
  try {
    f.fake.setLimits({ graphqlText: 100_000 });
    const head = await f.source.resolveBranch('main');
    f.reset();
    const out = await f.source.readFiles(head, ['big.yaml', 'small.yaml']);
    assert.equal(out.get('big.yaml'), big);
    assert.equal(out.get('small.yaml'), 'a: 1\n');
    assert.deepEqual(f.calls(), { [TREE]: 1, [GRAPHQL]: 1, [BLOB]: 1 });
  } finally {
    await f.close();
  }
});

test('resolving a branch that does not exist fails naming the branch', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    await assert.rejects(f.source.resolveBranch('nope'), /branch nope does not exist in github:acme\/config/);
  } finally {
    await f.close();
  }
});

test('compare lists what changed between two commits, also after a force push rewrote history', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
  try {
    const first = await f.source.resolveBranch('main');
    await f.fake.commit('main', { files: { 'a.yaml': 'a: 2\n', 'c.yaml': 'c: 1\n', 'b.yaml': null }, message: 'change' });
    const second = await f.source.resolveBranch('main');
    const forward = await f.source.compare(first, second);
    assert.equal(forward.status, 'ahead');
    assert.equal(forward.via, 'compare');
    assert.deepEqual(forward.files.map((x) => `${x.status} ${x.path}`).sort(), ['added c.yaml', 'modified a.yaml', 'removed b.yaml']);
    // Going back (a rollback or force push): the exact two-point difference, from the trees.
    const back = await f.source.compare(second, first);
    assert.equal(back.status, 'behind');
    assert.equal(back.via, 'trees');
    assert.deepEqual(back.files.map((x) => `${x.status} ${x.path}`).sort(), ['added b.yaml', 'modified a.yaml', 'removed c.yaml']);
  } finally {
    await f.close();
  }
});

test.after(() => {
  if (Object.keys(measured).length) console.log(JSON.stringify({ githubCalls: measured }));
});

test('gitops.yaml at a branch\'s tip, or at a revision, in one GraphQL query each (no tree, no tarball)', async () => {
  const f = await startFixture({ 'gitops.yaml': 'environments: {}\n' }, { branches: ['master', 'release'] });
  try {
    const first = await f.fake.head(REPO, 'release');
    await f.fake.commit('release', { files: { 'gitops.yaml': 'environments: {x: 1}\n' }, message: 'edit' });
    f.reset();
    const tip = await f.source.readFileAt({ branch: 'release' }, 'gitops.yaml');
    assert.deepEqual(tip, { revision: await f.fake.head(REPO, 'release'), text: 'environments: {x: 1}\n' });
    assert.deepEqual(await f.source.readFileAt({ revision: first! }, 'gitops.yaml'), { revision: first, text: 'environments: {}\n' });
    assert.equal((await f.source.readFileAt({ branch: 'master' }, 'missing.yaml')).text, undefined);
    assert.deepEqual(f.calls(), { [GRAPHQL]: 3 });
    await assert.rejects(f.source.readFileAt({ branch: 'nope' }, 'gitops.yaml'), /branch nope does not exist/);
  } finally {
    await f.close();
  }
});
