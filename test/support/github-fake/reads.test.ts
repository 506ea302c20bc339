/**
 * Reads through @octokit/rest and raw fetch: refs, trees (and truncation), blobs, contents, commits, compare.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setup, REPO, FULL, FILES, TOKEN, statusOf } from './test-kit.ts';

test('refs, trees, blobs and contents read back the repository\'s git objects', async () => {
  const { fake, octokit } = await setup();
  try {
    const ref = await octokit.rest.git.getRef({ ...REPO, ref: 'heads/main' });
    const gitHead = execFileSync('git', ['--git-dir', fake.gitDir(FULL), 'rev-parse', 'refs/heads/main'], { encoding: 'utf8' }).trim();
    assert.equal(ref.data.object.sha, gitHead);
    assert.equal(ref.data.ref, 'refs/heads/main');
    const commit = await octokit.rest.git.getCommit({ ...REPO, commit_sha: gitHead });
    const tree = await octokit.rest.git.getTree({ ...REPO, tree_sha: commit.data.tree.sha, recursive: '1' });
    assert.equal(tree.data.truncated, false);
    const blobs = tree.data.tree.filter((e) => e.type === 'blob').map((e) => e.path).sort();
    assert.deepEqual(blobs, Object.keys(FILES).sort());
    const entry = tree.data.tree.find((e) => e.path === 'apps/web/deployment.yaml')!;
    const blob = await octokit.rest.git.getBlob({ ...REPO, file_sha: entry.sha! });
    assert.equal(blob.data.encoding, 'base64');
    assert.equal(Buffer.from(blob.data.content, 'base64').toString('utf8'), FILES['apps/web/deployment.yaml']);
    assert.equal(blob.data.size, entry.size);

    const file = await octokit.rest.repos.getContent({ ...REPO, path: 'apps/web/deployment.yaml', ref: 'main' });
    assert.ok(!Array.isArray(file.data) && file.data.type === 'file');
    assert.equal(Buffer.from((file.data as { content: string }).content, 'base64').toString('utf8'), FILES['apps/web/deployment.yaml']);
    const dir = await octokit.rest.repos.getContent({ ...REPO, path: 'apps' });
    assert.ok(Array.isArray(dir.data));
    assert.deepEqual(dir.data.map((e) => [e.name, e.type, e.path]), [['api', 'dir', 'apps/api'], ['web', 'dir', 'apps/web']]);
    const raw = await fetch(`${fake.url}/repos/${FULL}/contents/README.md`, { headers: { authorization: `token ${TOKEN}`, accept: 'application/vnd.github.raw' } });
    assert.equal(await raw.text(), FILES['README.md']);
    const root = await octokit.rest.repos.getContent({ ...REPO, path: '' });
    assert.ok(Array.isArray(root.data) && root.data.length === 3);

    assert.equal((await statusOf(octokit.rest.git.getRef({ ...REPO, ref: 'heads/missing' }))).status, 404);
    assert.equal((await statusOf(octokit.rest.repos.getContent({ ...REPO, path: 'missing.yaml' }))).status, 404);
    assert.equal((await statusOf(octokit.rest.repos.get({ owner: 'acme', repo: 'other' }))).status, 404);
    assert.equal((await statusOf(octokit.rest.git.getBlob({ ...REPO, file_sha: '0'.repeat(40) }))).status, 404);
  } finally {
    await fake.close();
  }
});

test('matching-refs lists refs by prefix and a branch answers with its commit', async () => {
  const { fake, octokit } = await setup({ repos: [{ fullName: FULL, files: FILES, branches: ['main', 'feature/a', 'feature/b'] }] });
  try {
    const refs = await octokit.rest.git.listMatchingRefs({ ...REPO, ref: 'heads/feature' });
    assert.deepEqual(refs.data.map((r) => r.ref), ['refs/heads/feature/a', 'refs/heads/feature/b']);
    const branch = await octokit.rest.repos.getBranch({ ...REPO, branch: 'feature/a' });
    assert.equal(branch.data.name, 'feature/a');
    assert.equal(branch.data.commit.sha, await fake.head(FULL, 'main'));
    const repo = await octokit.rest.repos.get(REPO);
    assert.equal(repo.data.default_branch, 'main');
    assert.equal(repo.data.full_name, FULL);
  } finally {
    await fake.close();
  }
});

test('a recursive tree listing is truncated at the configured threshold', async () => {
  const { fake, octokit } = await setup({ limits: { treeEntries: 3 } });
  try {
    const tree = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: 'true' });
    assert.equal(tree.data.truncated, true);
    assert.equal(tree.data.tree.length, 3);
    fake.setLimits({ treeEntries: 100_000 });
    const full = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: 'true' });
    assert.equal(full.data.truncated, false);
    assert.equal(full.data.tree.length, 8);
    const top = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main' });
    assert.deepEqual(top.data.tree.map((e) => e.path), ['README.md', 'apps', 'base']);
  } finally {
    await fake.close();
  }
});

test('a commit lists its files and compare reports ahead, behind, diverged and identical', async () => {
  const { fake, octokit } = await setup({ repos: [{ fullName: FULL, files: FILES, branches: ['main', 'feature'] }] });
  try {
    const base = (await fake.head(FULL, 'main'))!;
    const c1 = await fake.commit(FULL, 'feature', { files: { 'apps/web/deployment.yaml': 'image: registry.example/web:2.0.0\n', 'apps/new.yaml': 'x: 1\n', 'README.md': null }, message: 'feature work' });
    const commit = await octokit.rest.repos.getCommit({ ...REPO, ref: c1 });
    assert.deepEqual(commit.data.files!.map((f) => [f.filename, f.status, f.additions, f.deletions]).sort(), [
      ['README.md', 'removed', 0, 1], ['apps/new.yaml', 'added', 1, 0], ['apps/web/deployment.yaml', 'modified', 1, 1]]);
    assert.equal(commit.data.stats!.total, 4);

    let cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...feature' });
    assert.deepEqual([cmp.data.status, cmp.data.ahead_by, cmp.data.behind_by, cmp.data.total_commits], ['ahead', 1, 0, 1]);
    assert.equal(cmp.data.merge_base_commit.sha, base);
    assert.deepEqual(cmp.data.commits.map((c) => c.sha), [c1]);
    cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'feature...main' });
    assert.deepEqual([cmp.data.status, cmp.data.ahead_by, cmp.data.behind_by], ['behind', 0, 1]);
    await fake.commit(FULL, 'main', { files: { 'base/kustomization.yaml': 'resources: [a]\n' }, message: 'main work' });
    cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...feature' });
    assert.deepEqual([cmp.data.status, cmp.data.ahead_by, cmp.data.behind_by], ['diverged', 1, 1]);
    assert.deepEqual(cmp.data.files!.map((f) => f.filename).sort(), ['README.md', 'apps/new.yaml', 'apps/web/deployment.yaml'], 'files are diffed from the merge base');
    cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: `${c1}...feature` });
    assert.equal(cmp.data.status, 'identical');
    const renamed = await fake.commit(FULL, 'feature', { files: { 'apps/new.yaml': null, 'apps/renamed.yaml': 'x: 1\n' }, message: 'rename' });
    cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: `${c1}...${renamed}` });
    assert.deepEqual(cmp.data.files!.map((f) => [f.filename, f.status, f.previous_filename]), [['apps/renamed.yaml', 'renamed', 'apps/new.yaml']]);
  } finally {
    await fake.close();
  }
});

test('compare lists at most 300 files, like GitHub', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 320; i++) files[`many/f${i}.yaml`] = `n: ${i}\n`;
  const { fake, octokit } = await setup({ repos: [{ fullName: FULL, files: { 'a.txt': 'a\n' }, branches: ['main', 'big'] }] });
  try {
    await fake.commit(FULL, 'big', { files, message: 'many files' });
    const cmp = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...big' });
    assert.equal(cmp.data.files!.length, 300);
    const commit = await octokit.rest.repos.getCommit({ ...REPO, ref: 'big' });
    assert.equal(commit.data.files!.length, 300);
    assert.equal(commit.data.stats!.additions, 320);
  } finally {
    await fake.close();
  }
});

test('the tarball endpoint redirects to a gzip archive made by git archive', async () => {
  const { fake } = await setup();
  try {
    const res = await fetch(`${fake.url}/repos/${FULL}/tarball/main`, { headers: { authorization: `token ${TOKEN}` } });
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
    assert.match(res.url, /\/_codeload\/acme\/config\/legacy\.tar\.gz\/[0-9a-f]{40}$/);
  } finally {
    await fake.close();
  }
});

test('an existing git repository is served from a copy unless in place', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'github-fake-src-'));
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.test', ...args], { encoding: 'utf8' });
    git('init', '-q', '-b', 'trunk');
    (await import('node:fs')).writeFileSync(path.join(dir, 'x.yaml'), 'x: 1\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const { fake, octokit } = await setup({ repos: [{ fullName: FULL, dir }] });
    try {
      assert.equal((await octokit.rest.repos.get(REPO)).data.default_branch, 'trunk');
      assert.equal(await fake.readFile(FULL, 'trunk', 'x.yaml'), 'x: 1\n');
      await fake.commit(FULL, 'trunk', { files: { 'x.yaml': 'x: 2\n' } });
      assert.equal(git('show', 'trunk:x.yaml'), 'x: 1\n', 'the source repository is untouched');
    } finally {
      await fake.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('GitHub Enterprise Server paths (/api/v3 and /api/graphql) reach the same endpoints', async () => {
  const { fake } = await setup();
  try {
    const headers = { authorization: `token ${TOKEN}`, 'content-type': 'application/json' };
    const rest = await fetch(`${fake.url}/api/v3/repos/${FULL}/git/ref/heads/main`, { headers });
    assert.equal(rest.status, 200);
    const gql = await fetch(`${fake.url}/api/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: '{ repository(owner: "acme", name: "config") { nameWithOwner } }' }) });
    assert.deepEqual(await gql.json(), { data: { repository: { nameWithOwner: FULL } } });
    assert.deepEqual(fake.requestCounts(), { 'GET /repos/{owner}/{repo}/git/ref/{ref}': 1, 'POST /graphql': 1 });
  } finally {
    await fake.close();
  }
});
