import { test } from 'node:test';
import { commitWithRetry } from '../../../shared/sources/commit-with-retry.ts';
import assert from 'node:assert/strict';
import { deployment, manifests, startFixture } from './fixture.ts';

const TREE = 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}';
const GRAPHQL = 'POST /graphql';
const REF = 'GET /repos/{owner}/{repo}/git/ref/{ref}';
const BLOB = 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}';

const measured: Record<string, unknown> = {};

for (const size of [50, 500, 2000]) {
  test(`a push to a repository of ${size} files costs the same three GitHub calls once the instance is warm`, async () => {
    const f = await startFixture(manifests(size));
    try {
      const head = await f.source.resolveBranch('main');
      const files = await f.source.listFiles(head);
      assert.equal(files.length, size);
      const all = await f.source.readFiles(head, files.map((x) => x.path));
      assert.equal(all.size, size);
      const cold = f.calls();
      assert.equal(cold[TREE], 1, 'one recursive tree call');
      assert.equal(cold[GRAPHQL], Math.ceil(size / 200), 'texts in batches of at most 200');
      assert.equal(cold[BLOB], undefined, 'no blob calls for small files');

      // A push changes one file; the warm instance re-reads the whole environment at the new head.
      const changed = 'development-configs/team-3/app-0003.yaml';
      await f.fake.commit('main', { files: { [changed]: deployment('app-0003', '2.0.0', 3) }, message: 'bump' });
      f.reset();
      const next = await f.source.resolveBranch('main');
      const paths = (await f.source.listFiles(next)).map((x) => x.path);
      const again = await f.source.readFiles(next, paths);
      assert.equal(again.size, size);
      assert.match(again.get(changed)!, /app-0003:2\.0\.0/);
      const warm = f.calls();
      assert.deepEqual(warm, { [REF]: 1, [TREE]: 1, [GRAPHQL]: 1 }, 'branch, tree, and one query for the one changed blob');

      // A registry event on the warm instance: read head, recompute one file, one compare-and-swap commit.
      f.reset();
      const target = 'development-configs/team-7/app-0007.yaml';
      const result = await commitWithRetry(f.source, async (h) => {
        const text = (await f.source.readFiles(h, [target])).get(target)!;
        return { files: new Map([[target, text.replace(':1.0.0', ':1.1.0')]]), message: 'Update app-0007 to 1.1.0' };
      }, { branch: 'main' });
      assert.equal(result.status, 'committed');
      const imageUpdate = f.calls();
      assert.deepEqual(imageUpdate, {
        [REF]: 1, 'POST /repos/{owner}/{repo}/git/trees': 1, 'POST /repos/{owner}/{repo}/git/commits': 1, 'PATCH /repos/{owner}/{repo}/git/refs/{ref}': 1,
      }, 'branch, tree, commit, ref: the file text and the tree come from the cache');
      measured[`${size} files`] = { coldFullRead: cold, warmPushFullRead: warm, warmImageUpdate: imageUpdate };
    } finally {
      await f.close();
    }
  });
}

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
  const f = await startFixture({ 'a/ns.yaml': same, 'b/ns.yaml': same, 'c/other.yaml': 'x: 1\n' });
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
  const f = await startFixture(manifests(120));
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
  const f = await startFixture({ 'big.yaml': big, 'small.yaml': 'a: 1\n' });
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
