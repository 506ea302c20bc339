import { test } from 'node:test';
import { commitWithRetry } from '../../../shared/sources/commit-with-retry.ts';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO, startFixture, type Fake } from './fixture.ts';

const run = promisify(execFile);
const TREES = 'POST /repos/{owner}/{repo}/git/trees';
const COMMITS = 'POST /repos/{owner}/{repo}/git/commits';
const REFS = 'PATCH /repos/{owner}/{repo}/git/refs/{ref}';

async function git(fake: Fake, ...args: string[]): Promise<string> {
  return (await run('git', ['--git-dir', fake.gitDir(REPO), ...args])).stdout.trim();
}

test('a commit of several changes creates exactly one commit with the right tree in three writes', async () => {
  const f = await startFixture({ 'apps/web.yaml': 'image: web:1\n', 'apps/api.yaml': 'image: api:1\n', 'old.yaml': 'x: 1\n' });
  try {
    const head = await f.source.resolveBranch('main');
    await f.source.listFiles(head);
    f.reset();
    const result = await f.source.commit({
      branch: 'main',
      expectedHead: head,
      files: new Map([['apps/web.yaml', 'image: web:2\n'], ['apps/new.yaml', 'image: new:1\n'], ['old.yaml', null]]),
      message: 'Update images',
    });
    assert.equal(result.status, 'committed');
    const revision = result.status === 'committed' ? result.revision : '';
    assert.equal(await f.fake.head(REPO, 'main'), revision);
    assert.deepEqual(f.calls(), { [TREES]: 1, [COMMITS]: 1, [REFS]: 1 });
    assert.equal(await git(f.fake, 'rev-parse', `${revision}^`), head, 'the parent is the expected head');
    assert.equal(await git(f.fake, 'rev-list', '--count', `${head}..${revision}`), '1');
    assert.deepEqual((await git(f.fake, 'ls-tree', '-r', '--name-only', revision)).split('\n'), ['apps/api.yaml', 'apps/new.yaml', 'apps/web.yaml']);
    assert.equal(await f.fake.readFile(REPO, 'main', 'apps/web.yaml'), 'image: web:2\n');
    assert.equal(await git(f.fake, 'log', '-1', '--format=%an <%ae>|%cn|%s', revision), 'serverless-gitops <serverless-gitops@users.noreply.github.com>|serverless-gitops|Update images');
    // The instance knows its own commit: reading it back costs no call.
    f.reset();
    const read = await f.source.readFiles(revision, ['apps/web.yaml', 'apps/new.yaml']);
    assert.equal(read.get('apps/new.yaml'), 'image: new:1\n');
    assert.equal(f.total(), 0);
  } finally {
    await f.close();
  }
});

test('the author is configurable and the committer defaults to serverless-gitops', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' }, { settings: { committer: { name: 'Image Bot', email: 'bot@example.com' } } });
  try {
    const head = await f.source.resolveBranch('main');
    const result = await f.source.commit({ branch: 'main', expectedHead: head, files: new Map([['a.yaml', 'a: 2\n']]), message: 'm', author: { name: 'Ada', email: 'ada@example.com' } });
    assert.equal(result.status, 'committed');
    assert.equal(await git(f.fake, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'main'), 'Ada <ada@example.com>|Image Bot <bot@example.com>');
  } finally {
    await f.close();
  }
});

test('a commit on a branch that moved answers moved with the new head and leaves the ref unchanged', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
  try {
    const stale = await f.source.resolveBranch('main');
    const other = await f.fake.commit('main', { files: { 'b.yaml': 'b: 2\n' }, message: 'someone else' });
    const result = await f.source.commit({ branch: 'main', expectedHead: stale, files: new Map([['a.yaml', 'a: 2\n']]), message: 'mine' });
    assert.deepEqual(result, { status: 'moved', head: other });
    assert.equal(await f.fake.head(REPO, 'main'), other);
    assert.equal(await f.fake.readFile(REPO, 'main', 'a.yaml'), 'a: 1\n');
  } finally {
    await f.close();
  }
});

test('an empty change, or one equal to the current contents, makes no commit and no write', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    const head = await f.source.resolveBranch('main');
    assert.deepEqual(await f.source.commit({ branch: 'main', expectedHead: head, files: new Map(), message: 'nothing' }), { status: 'unchanged' });
    const same = new Map<string, string | null>([['a.yaml', 'a: 1\n'], ['gone.yaml', null]]);
    assert.deepEqual(await f.source.commit({ branch: 'main', expectedHead: head, files: same, message: 'same' }), { status: 'unchanged' });
    assert.equal(f.calls()[TREES], undefined);
    assert.equal(f.calls()[COMMITS], undefined);
    assert.equal(await f.fake.head(REPO, 'main'), head);
  } finally {
    await f.close();
  }
});

test('commitWithRetry converges when another writer moves the branch between its read and its write', async () => {
  const f = await startFixture({ 'counter.yaml': 'count: 0\n', 'other.yaml': 'x: 0\n' });
  try {
    let raced = false;
    f.fake.onBeforeRefUpdate(async (event) => {
      if (raced || event.ref !== 'refs/heads/main') return;
      raced = true;
      await f.fake.commit('main', { files: { 'other.yaml': 'x: 1\n' }, message: 'concurrent developer push' });
    });
    const heads: string[] = [];
    const result = await commitWithRetry(f.source, async (head) => {
      heads.push(head);
      const text = (await f.source.readFiles(head, ['counter.yaml'])).get('counter.yaml')!;
      const count = Number(/count: (\d+)/.exec(text)![1]);
      return { files: new Map([['counter.yaml', `count: ${count + 1}\n`]]), message: 'increment' };
    }, { branch: 'main', attempts: 3, jitterMs: 5 });
    assert.equal(result.status, 'committed');
    assert.equal(result.attempts, 2);
    assert.equal(heads.length, 2);
    assert.notEqual(heads[0], heads[1], 'the second attempt was computed from the new head');
    assert.equal(await f.fake.readFile(REPO, 'main', 'counter.yaml'), 'count: 1\n');
    assert.equal(await f.fake.readFile(REPO, 'main', 'other.yaml'), 'x: 1\n', 'the other writer’s change is kept');
  } finally {
    await f.close();
  }
});

test('commitWithRetry that computes no change commits nothing', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    const result = await commitWithRetry(f.source, async () => undefined, { branch: 'main' });
    assert.deepEqual(result, { status: 'unchanged', attempts: 1 });
  } finally {
    await f.close();
  }
});

// Five writers race here; twenty images on four instances race in test/reliability/image-events.heavy.ts.
const WRITERS = 5;

test(`${WRITERS} concurrent commitWithRetry calls changing ${WRITERS} different files all land on a linear history`, async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < WRITERS; i++) files[`apps/app-${i}.yaml`] = `image: app-${i}:1\n`;
  const f = await startFixture(files);
  try {
    const start = await f.source.resolveBranch('main');
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        commitWithRetry(f.source, async (head) => {
          const path = `apps/app-${i}.yaml`;
          const text = (await f.source.readFiles(head, [path])).get(path)!;
          return { files: new Map([[path, text.replace(':1', ':2')]]), message: `Update app-${i} to 2` };
        }, { branch: 'main', attempts: 40, jitterMs: 20 }),
      ),
    );
    assert.ok(results.every((r) => r.status === 'committed'));
    for (let i = 0; i < WRITERS; i++) assert.equal(await f.fake.readFile(REPO, 'main', `apps/app-${i}.yaml`), `image: app-${i}:2\n`, `app-${i} landed`);
    const log = (await git(f.fake, 'rev-list', '--parents', `${start}..main`)).split('\n');
    assert.equal(log.length, WRITERS, 'one commit per writer');
    assert.ok(log.every((line) => line.split(' ').length === 2), 'each has one parent');
    const attempts = results.map((r) => r.attempts);
    console.log(JSON.stringify({ concurrentCommits: WRITERS, attempts: { max: Math.max(...attempts), total: attempts.reduce((a, b) => a + b, 0) } }));
  } finally {
    await f.close();
  }
});
