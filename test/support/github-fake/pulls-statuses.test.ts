/**
 * Pull requests and commit statuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, REPO, FULL, statusOf } from './test-kit.ts';

test('pull requests are created, listed by head and base, updated, and a duplicate open one is answered 422', async () => {
  const { fake, octokit } = await setup({ repos: [{ fullName: FULL, files: { 'a.yaml': 'a: 1\n' }, branches: ['main', 'gitops/web', 'empty'] }] });
  try {
    const headSha = await fake.commit(FULL, 'gitops/web', { files: { 'a.yaml': 'a: 2\n' }, message: 'bump' });
    const pr = await octokit.rest.pulls.create({ ...REPO, title: 'Bump web', head: 'gitops/web', base: 'main', body: 'images' });
    assert.equal(pr.status, 201);
    assert.equal(pr.data.number, 1);
    assert.equal(pr.data.head.sha, headSha);
    assert.equal(pr.data.head.label, 'acme:gitops/web');
    assert.deepEqual([pr.data.state, pr.data.commits, pr.data.changed_files, pr.data.mergeable], ['open', 1, 1, true]);

    const dup = await statusOf(octokit.rest.pulls.create({ ...REPO, title: 'Again', head: 'acme:gitops/web', base: 'main' }));
    assert.equal(dup.status, 422);
    assert.match(JSON.stringify(dup.data), /A pull request already exists for acme:gitops\/web\./);
    assert.equal((await statusOf(octokit.rest.pulls.create({ ...REPO, title: 'x', head: 'missing', base: 'main' }))).status, 422);
    const none = await statusOf(octokit.rest.pulls.create({ ...REPO, title: 'x', head: 'empty', base: 'main' }));
    assert.equal(none.status, 422);
    assert.match(JSON.stringify(none.data), /No commits between main and empty/);

    let open = await octokit.rest.pulls.list({ ...REPO, head: 'acme:gitops/web', base: 'main', state: 'open' });
    assert.deepEqual(open.data.map((p) => p.number), [1]);
    assert.deepEqual((await octokit.rest.pulls.list({ ...REPO, head: 'acme:other' })).data, []);

    const next = await fake.commit(FULL, 'gitops/web', { files: { 'a.yaml': 'a: 3\n' } });
    assert.equal((await octokit.rest.pulls.get({ ...REPO, pull_number: 1 })).data.head.sha, next, 'the head follows the branch');
    const updated = await octokit.rest.pulls.update({ ...REPO, pull_number: 1, title: 'Bump web to 3', body: 'a: 3' });
    assert.deepEqual([updated.data.title, updated.data.body], ['Bump web to 3', 'a: 3']);
    await octokit.rest.pulls.update({ ...REPO, pull_number: 1, state: 'closed' });
    open = await octokit.rest.pulls.list({ ...REPO, head: 'acme:gitops/web', state: 'open' });
    assert.deepEqual(open.data, []);
    const again = await octokit.rest.pulls.create({ ...REPO, title: 'Reopened as new', head: 'gitops/web', base: 'main' });
    assert.equal(again.data.number, 2);
    assert.equal((await statusOf(octokit.rest.pulls.update({ ...REPO, pull_number: 1, state: 'open' }))).status, 422, 'reopening would duplicate #2');
    assert.deepEqual(fake.pulls(FULL).map((p) => [p.number, p.state]), [[1, 'closed'], [2, 'open']]);
    const all = await octokit.rest.pulls.list({ ...REPO, state: 'all' });
    assert.deepEqual(all.data.map((p) => p.number), [2, 1]);
    assert.equal((await statusOf(octokit.rest.pulls.get({ ...REPO, pull_number: 99 }))).status, 404);
  } finally {
    await fake.close();
  }
});

test('commit statuses are listed newest first and combined per context', async () => {
  const { fake, octokit } = await setup();
  try {
    const sha = (await fake.head(FULL, 'main'))!;
    let combined = await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: 'main' });
    assert.deepEqual([combined.data.state, combined.data.total_count], ['pending', 0]);
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'pending', context: 'gitops/apply', description: 'applying' });
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'success', context: 'gitops/apply', target_url: 'https://example.test/1' });
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'success', context: 'gitops/validate' });
    const list = await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: 'main' });
    assert.deepEqual(list.data.map((s) => [s.context, s.state]), [['gitops/validate', 'success'], ['gitops/apply', 'success'], ['gitops/apply', 'pending']]);
    combined = await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: sha });
    assert.deepEqual([combined.data.state, combined.data.total_count], ['success', 2]);
    await octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'error', context: 'gitops/validate' });
    combined = await octokit.rest.repos.getCombinedStatusForRef({ ...REPO, ref: 'main' });
    assert.equal(combined.data.state, 'failure');
    assert.equal(fake.statuses(FULL, sha).length, 4);
    assert.equal((await statusOf(octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'done' as 'success' }))).status, 422);
    assert.equal((await statusOf(octokit.rest.repos.createCommitStatus({ ...REPO, sha: '6'.repeat(40), state: 'success' }))).status, 422);
    const long = await statusOf(octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'failure', description: 'x'.repeat(141) }));
    assert.equal(long.status, 422);
    assert.match(JSON.stringify(long.data), /maximum is 140 characters/);
    const page = await octokit.rest.repos.listCommitStatusesForRef({ ...REPO, ref: 'main', per_page: 2 });
    assert.equal(page.data.length, 2);
    assert.match(page.headers.link ?? '', /rel="next"/);
  } finally {
    await fake.close();
  }
});
