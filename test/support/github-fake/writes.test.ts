/**
 * Writes through the Git Data API: blobs, trees, commits, refs; fast-forward rules and compare-and-swap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setup, REPO, FULL, statusOf } from './test-kit.ts';
import type { Octokit } from '@octokit/rest';

async function commitOn(octokit: Octokit, parent: string, path: string, content: string, message = `set ${path}`): Promise<string> {
  const base = await octokit.rest.git.getCommit({ ...REPO, commit_sha: parent });
  const tree = await octokit.rest.git.createTree({ ...REPO, base_tree: base.data.tree.sha, tree: [{ path, mode: '100644', type: 'blob', content }] });
  return (await octokit.rest.git.createCommit({ ...REPO, message, tree: tree.data.sha, parents: [parent] })).data.sha;
}

test('a blob, a tree on a base tree, a commit and a ref update produce the commit git would', async () => {
  const { fake, octokit } = await setup();
  try {
    const head = (await fake.head(FULL, 'main'))!;
    const base = await octokit.rest.git.getCommit({ ...REPO, commit_sha: head });
    const blob = await octokit.rest.git.createBlob({ ...REPO, content: Buffer.from('image: web:2\n').toString('base64'), encoding: 'base64' });
    assert.equal(blob.data.sha, execFileSync('git', ['hash-object', '--stdin'], { input: 'image: web:2\n', encoding: 'utf8' }).trim());
    const tree = await octokit.rest.git.createTree({ ...REPO, base_tree: base.data.tree.sha, tree: [
      { path: 'apps/web/deployment.yaml', mode: '100644', type: 'blob', sha: blob.data.sha },
      { path: 'apps/new/deployment.yaml', mode: '100644', type: 'blob', content: 'image: new:1\n' },
      { path: 'README.md', mode: '100644', type: 'blob', sha: null },
      { path: 'base', mode: '040000', type: 'tree', sha: null },
    ] });
    const author = { name: 'GitOps Bot', email: 'bot@example.test', date: '2024-05-06T07:08:09Z' };
    const commit = await octokit.rest.git.createCommit({ ...REPO, message: 'Update web\n\nimage: web:2', tree: tree.data.sha, parents: [head], author });
    assert.equal(commit.status, 201);
    assert.deepEqual(commit.data.author, author);
    assert.equal(commit.data.message, 'Update web\n\nimage: web:2');
    assert.deepEqual(commit.data.parents.map((p) => p.sha), [head]);
    const updated = await octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: commit.data.sha });
    assert.equal(updated.data.object.sha, commit.data.sha);
    assert.equal(await fake.head(FULL, 'main'), commit.data.sha);
    const files = execFileSync('git', ['--git-dir', fake.gitDir(FULL), 'ls-tree', '-r', '--name-only', 'main'], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(files, ['apps/api/deployment.yaml', 'apps/new/deployment.yaml', 'apps/web/deployment.yaml']);
    assert.equal(await fake.readFile(FULL, 'main', 'apps/web/deployment.yaml'), 'image: web:2\n');
    const raw = execFileSync('git', ['--git-dir', fake.gitDir(FULL), 'cat-file', 'commit', commit.data.sha], { encoding: 'utf8' });
    assert.match(raw, /^author GitOps Bot <bot@example\.test> 1714979289 \+0000$/m);
  } finally {
    await fake.close();
  }
});

test('a non-fast-forward update is answered 422 and leaves the ref unchanged; force moves it', async () => {
  const { fake, octokit } = await setup();
  try {
    const head = (await fake.head(FULL, 'main'))!;
    const ahead = await commitOn(octokit, head, 'a.txt', 'a\n');
    await octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: ahead });
    const sideways = await commitOn(octokit, head, 'b.txt', 'b\n');
    const refused = await statusOf(octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: sideways }));
    assert.equal(refused.status, 422);
    assert.match(refused.message, /Update is not a fast forward/);
    assert.equal(await fake.head(FULL, 'main'), ahead);
    await octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: sideways, force: true });
    assert.equal(await fake.head(FULL, 'main'), sideways);
    assert.equal((await statusOf(octokit.rest.git.updateRef({ ...REPO, ref: 'heads/nope', sha: sideways }))).status, 422);
    assert.equal((await statusOf(octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: 'f'.repeat(40) }))).status, 422);
  } finally {
    await fake.close();
  }
});

test('of concurrent compare-and-swap updates from one parent exactly one wins', async () => {
  const { fake, octokit } = await setup();
  try {
    const head = (await fake.head(FULL, 'main'))!;
    const candidates = await Promise.all(Array.from({ length: 8 }, (_, i) => commitOn(octokit, head, `c${i}.txt`, `${i}\n`)));
    const results = await Promise.allSettled(candidates.map((sha) => octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha })));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [candidates[i]] : []));
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { status: number }).status, 422);
    assert.equal(await fake.head(FULL, 'main'), won[0]);
  } finally {
    await fake.close();
  }
});

test('a race hook that moves the branch between read and update forces the non-fast-forward answer', async () => {
  const { fake, octokit } = await setup();
  try {
    const head = (await fake.head(FULL, 'main'))!;
    const mine = await commitOn(octokit, head, 'mine.txt', 'mine\n');
    let theirs = '';
    const off = fake.onBeforeRefUpdate(async (event) => {
      assert.deepEqual([event.repo, event.ref, event.before, event.after, event.force], [FULL, 'refs/heads/main', head, mine, false]);
      theirs = await fake.commit(FULL, 'main', { files: { 'theirs.txt': 'theirs\n' }, message: 'a developer pushes' });
    });
    const refused = await statusOf(octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: mine }));
    off();
    assert.equal(refused.status, 422);
    assert.match(refused.message, /Update is not a fast forward/);
    assert.equal(await fake.head(FULL, 'main'), theirs);
    const rebased = await commitOn(octokit, theirs, 'mine.txt', 'mine\n');
    await octokit.rest.git.updateRef({ ...REPO, ref: 'heads/main', sha: rebased });
    assert.equal(await fake.head(FULL, 'main'), rebased);
  } finally {
    await fake.close();
  }
});

test('creating an existing ref is answered 422 and deleting a ref removes it', async () => {
  const { fake, octokit } = await setup();
  try {
    const head = (await fake.head(FULL, 'main'))!;
    const created = await octokit.rest.git.createRef({ ...REPO, ref: 'refs/heads/gitops/update-web', sha: head });
    assert.equal(created.status, 201);
    assert.equal(created.data.ref, 'refs/heads/gitops/update-web');
    const again = await statusOf(octokit.rest.git.createRef({ ...REPO, ref: 'refs/heads/gitops/update-web', sha: head }));
    assert.equal(again.status, 422);
    assert.match(again.message, /Reference already exists/);
    assert.equal((await statusOf(octokit.rest.git.createRef({ ...REPO, ref: 'heads/x', sha: head }))).status, 422);
    assert.equal((await statusOf(octokit.rest.git.createRef({ ...REPO, ref: 'refs/heads/y', sha: '1'.repeat(40) }))).status, 422);
    const deleted = await octokit.rest.git.deleteRef({ ...REPO, ref: 'heads/gitops/update-web' });
    assert.equal(deleted.status, 204);
    assert.equal(await fake.head(FULL, 'gitops/update-web'), undefined);
    assert.equal((await statusOf(octokit.rest.git.deleteRef({ ...REPO, ref: 'heads/gitops/update-web' }))).status, 422);
  } finally {
    await fake.close();
  }
});

test('invalid trees and commits are answered 422', async () => {
  const { fake, octokit } = await setup();
  try {
    const bad = [
      () => octokit.rest.git.createTree({ ...REPO, tree: [{ path: 'x', mode: '100644', type: 'blob', sha: '2'.repeat(40) }] }),
      () => octokit.rest.git.createTree({ ...REPO, tree: [{ path: '/abs', mode: '100644', type: 'blob', content: 'x' }] }),
      () => octokit.rest.git.createTree({ ...REPO, tree: [{ path: 'x', mode: '100600' as '100644', type: 'blob', content: 'x' }] }),
      () => octokit.rest.git.createCommit({ ...REPO, message: 'm', tree: '3'.repeat(40) }),
      () => octokit.rest.git.createCommit({ ...REPO, message: 'm', tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', parents: ['5'.repeat(40)] }),
    ];
    for (const call of bad) assert.equal((await statusOf(call())).status, 422);
  } finally {
    await fake.close();
  }
});
