import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, startFixture, type Fixture } from './fixture.ts';
import { proposalBranch } from '../../../shared/sources/github/index.ts';

/** An image update as the pipeline computes it: replace the tag of `name` in `path` at `head`. */
function bump(f: Fixture, path: string, name: string, tag: string) {
  return async (head: string) => {
    const text = (await f.source.readFiles(head, [path])).get(path)!;
    const next = text.replace(new RegExp(`(${name}):[\\w.-]+`), `$1:${tag}`);
    return next === text ? undefined : { files: new Map([[path, next]]), message: `Update ${name} to ${tag}`, images: [`radixprod.azurecr.io/${name}:${tag}`] };
  };
}

test('pull-request mode opens one pull request and updates it on the second change, listing both images', async () => {
  const f = await startFixture({ 'prod/web.yaml': 'image: radixprod.azurecr.io/web:1\n', 'prod/api.yaml': 'image: radixprod.azurecr.io/api:1\n' }, { branches: ['release'] });
  try {
    const base = await f.source.resolveBranch('release');
    const first = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '2') });
    assert.equal(first.status, 'opened');
    const second = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/api.yaml', 'api', '7') });
    assert.equal(second.status, 'updated');
    const pulls = f.fake.pulls(REPO);
    assert.equal(pulls.length, 1, 'one pull request, not one per image');
    const [pr] = pulls;
    assert.equal(pr!.head, proposalBranch('production'));
    assert.equal(pr!.base, 'release');
    assert.equal(pr!.title, 'Update images in production: api:7, web:2');
    assert.match(pr!.body ?? '', /radixprod\.azurecr\.io\/api:7/);
    assert.match(pr!.body ?? '', /radixprod\.azurecr\.io\/web:2/);
    assert.equal(await f.fake.head(REPO, 'release'), base, 'the protected branch is not written');
    assert.equal(await f.fake.readFile(REPO, 'gitops/image-updates/production', 'prod/web.yaml'), 'image: radixprod.azurecr.io/web:2\n');
    assert.equal(await f.fake.readFile(REPO, 'gitops/image-updates/production', 'prod/api.yaml'), 'image: radixprod.azurecr.io/api:7\n');
    // The same event again changes nothing.
    const again = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/api.yaml', 'api', '7') });
    assert.equal(again.status, 'unchanged');
  } finally {
    await f.close();
  }
});

test('a newer tag of the same image replaces the older one in the pull request title', async () => {
  const f = await startFixture({ 'prod/web.yaml': 'image: radixprod.azurecr.io/web:1\n' }, { branches: ['release'] });
  try {
    await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '2') });
    await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '3') });
    assert.equal(f.fake.pulls(REPO)[0]!.title, 'Update images in production: web:3');
  } finally {
    await f.close();
  }
});

test('when the base branch moved, the proposal branch merges it and keeps its own changes as a fast forward', async () => {
  const f = await startFixture({ 'prod/web.yaml': 'image: radixprod.azurecr.io/web:1\n', 'prod/api.yaml': 'image: radixprod.azurecr.io/api:1\n', 'README.md': 'v1\n' }, { branches: ['release'] });
  try {
    await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '2') });
    const branch = proposalBranch('production');
    const before = (await f.fake.head(REPO, branch))!;
    await f.fake.commit('release', { files: { 'README.md': 'v2\n' }, message: 'docs' });
    const result = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/api.yaml', 'api', '5') });
    assert.equal(result.status, 'updated');
    assert.deepEqual('dropped' in result ? result.dropped : undefined, []);
    assert.equal(await f.fake.readFile(REPO, branch, 'README.md'), 'v2\n', 'the base’s change is in');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/web.yaml'), 'image: radixprod.azurecr.io/web:2\n', 'the earlier update is kept');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/api.yaml'), 'image: radixprod.azurecr.io/api:5\n');
    const comparison = await f.source.compare(before, (await f.fake.head(REPO, branch))!);
    assert.equal(comparison.status, 'ahead', 'the branch moved forward, not by force');
    assert.equal(f.fake.pulls(REPO).length, 1);
  } finally {
    await f.close();
  }
});

test('when the base changed a file the proposal also changed, the base wins and the file is reported as dropped', async () => {
  const f = await startFixture({ 'prod/web.yaml': 'image: radixprod.azurecr.io/web:1\n', 'prod/api.yaml': 'image: radixprod.azurecr.io/api:1\n' }, { branches: ['release'] });
  try {
    await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '2') });
    await f.fake.commit('release', { files: { 'prod/web.yaml': 'image: radixprod.azurecr.io/web:9\n' }, message: 'manual pin' });
    const result = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/api.yaml', 'api', '5') });
    assert.equal(result.status, 'updated');
    assert.deepEqual('dropped' in result ? result.dropped : undefined, ['prod/web.yaml']);
    const branch = proposalBranch('production');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/web.yaml'), 'image: radixprod.azurecr.io/web:9\n');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/api.yaml'), 'image: radixprod.azurecr.io/api:5\n');
  } finally {
    await f.close();
  }
});

test('a proposal branch someone pre-seeded is rebuilt from the base: their commits do not hide under the app\'s pull request', async () => {
  const f = await startFixture({ 'prod/web.yaml': 'image: radixprod.azurecr.io/web:1\n' }, { branches: ['release'] });
  try {
    const base = (await f.fake.head(REPO, 'release'))!;
    const branch = proposalBranch('production');
    const seeded = await f.fake.commit(branch, {
      files: { 'prod/rbac.yaml': 'kind: ClusterRoleBinding\n', 'prod/web.yaml': 'image: radixprod.azurecr.io/web:2\n' },
      message: 'Auto-release radixprod.azurecr.io/web:2',
      author: { name: 'serverless-gitops', email: 'gitops@users.noreply.github.com' },
      parents: [base],
    });
    const result = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '1') });
    assert.equal(result.status, 'unchanged', 'nothing of ours to propose: the foreign branch is left alone and no pull request opened');
    assert.equal(await f.fake.head(REPO, branch), seeded);
    assert.equal(f.fake.pulls(REPO).length, 0);

    const opened = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '3') });
    assert.equal(opened.status, 'opened');
    assert.match('rebuilt' in opened ? String(opened.rebuilt) : '', /not the head this app last wrote: rebuilt from release/);
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/rbac.yaml'), undefined, 'the pre-seeded file is gone');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/web.yaml'), 'image: radixprod.azurecr.io/web:3\n');
    const comparison = await f.source.compare(base, (await f.fake.head(REPO, branch))!);
    assert.deepEqual([comparison.status, comparison.files.map((x) => x.path)], ['ahead', ['prod/web.yaml']], 'one commit of ours on top of the base, nothing else');
    assert.equal(f.fake.pulls(REPO)[0]!.title, 'Update images in production: web:3');
  } finally {
    await f.close();
  }
});

test('a commit pushed on top of the app\'s proposal is not built on: the branch is rebuilt from the base with the new change only', async () => {
  const f = await startFixture({ 'prod/web.yaml': 'image: radixprod.azurecr.io/web:1\n', 'prod/api.yaml': 'image: radixprod.azurecr.io/api:1\n' }, { branches: ['release'] });
  try {
    const branch = proposalBranch('production');
    await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '2') });
    await f.fake.commit(branch, { files: { 'prod/evil.yaml': 'kind: Secret\n' }, message: 'Auto-release radixprod.azurecr.io/web:2' });
    const result = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/api.yaml', 'api', '7') });
    assert.equal(result.status, 'updated');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/evil.yaml'), undefined);
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/api.yaml'), 'image: radixprod.azurecr.io/api:7\n');
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/web.yaml'), 'image: radixprod.azurecr.io/web:1\n', 'earlier proposals go with the rebuild; their next event proposes them again');
    assert.equal(f.fake.pulls(REPO)[0]!.title, 'Update images in production: api:7', 'the pull request lists only what the rebuilt branch carries');
    // Built on again normally once the head is the app's.
    const next = await f.source.propose({ environment: 'production', baseBranch: 'release', compute: bump(f, 'prod/web.yaml', 'web', '3') });
    assert.ok(next.status === 'updated' && !('rebuilt' in next && next.rebuilt));
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/api.yaml'), 'image: radixprod.azurecr.io/api:7\n');
  } finally {
    await f.close();
  }
});
