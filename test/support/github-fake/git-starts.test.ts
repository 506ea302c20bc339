/**
 * The requests of a push's sync start no git in the fake once its long-lived reader runs: the recursive tree of a
 * commit (by commit or tree SHA, and the empty-repository check before it), the branch resolved over GraphQL, a
 * batch of files by `<sha>:<path>`, and commit statuses. Their error answers (404, 409, 422) and truncation stay
 * GitHub's. Git starts are counted through a `git` first on PATH (git-shim.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installGitShim, type GitShim } from './git-shim.ts';
import { setup, statusOf, FILES, FULL, REPO } from './test-kit.ts';

let shim: GitShim;
before(() => { shim = installGitShim(); });
after(() => shim.close());

const RESOLVE = 'query ResolveBranch($owner: String!, $name: String!, $ref: String!) { repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { oid ... on Commit { tree { oid } } } } } }';
const BLOB = '... on Blob { oid text byteSize isBinary isTruncated }';

test('a push\'s reads and statuses (tree, branch, file batch, status) start no git, and answer as GitHub does', async () => {
  const { fake, octokit } = await setup();
  try {
    const sha = await fake.commit(FULL, 'main', { files: { 'apps/web/deployment.yaml': 'image: registry.example/web:2.0.0\n' } });
    await octokit.rest.git.getRef({ ...REPO, ref: 'heads/main' }); // the reader is started by some read first
    await octokit.rest.repos.getContent({ ...REPO, path: 'README.md', ref: sha });
    shim.reset();

    const resolved = await Promise.all(Array.from({ length: 10 }, () =>
      octokit.graphql<{ repository: { ref: { target: { oid: string; tree: { oid: string } } } } }>(RESOLVE, { owner: 'acme', name: 'config', ref: 'refs/heads/main' })));
    const { oid, tree } = resolved[0]!.repository.ref.target;
    assert.equal(oid, sha);
    assert.ok(resolved.every((r) => r.repository.ref.target.tree.oid === tree.oid));
    const listing = await octokit.rest.git.getTree({ ...REPO, tree_sha: tree.oid, recursive: '1' });
    const paths = listing.data.tree.filter((e) => e.type === 'blob').map((e) => e.path);
    assert.deepEqual(paths.sort(), Object.keys(FILES).sort());
    const vars = Object.fromEntries(paths.map((p, i) => [`e${i}`, `${sha}:${p}`]));
    const query = `query ReadFiles($owner: String!, $name: String!, ${paths.map((_, i) => `$e${i}: String!`).join(', ')}) { repository(owner: $owner, name: $name) { ${paths.map((_, i) => `f${i}: object(expression: $e${i}) { ${BLOB} }`).join('\n')} } }`;
    const files = await octokit.graphql<{ repository: Record<string, { oid: string; text: string }> }>(query, { owner: 'acme', name: 'config', ...vars });
    assert.equal(files.repository[`f${paths.indexOf('apps/web/deployment.yaml')}`]!.text, 'image: registry.example/web:2.0.0\n');
    const byOid = await octokit.graphql<{ repository: { a: { text: string } } }>(`{ repository(owner: "acme", name: "config") { a: object(oid: "${files.repository['f0']!.oid}") { ${BLOB} } } }`);
    assert.equal(byOid.repository.a.text, files.repository['f0']!.text);
    await Promise.all(Array.from({ length: 10 }, (_, i) => octokit.rest.repos.createCommitStatus({ ...REPO, sha, state: 'success', context: `gitops/cluster-${i}` })));
    assert.deepEqual(shim.forks(), [], 'no git started');

    const byCommit = await octokit.rest.git.getTree({ ...REPO, tree_sha: sha, recursive: '1' });
    assert.deepEqual(byCommit.data, listing.data, 'a commit SHA answers its tree');
    assert.equal(byCommit.data.sha, tree.oid);
    const blob = listing.data.tree.find((e) => e.type === 'blob')!.sha!;
    for (const missing of ['e'.repeat(40), blob]) {
      const answer = await statusOf(octokit.rest.git.getTree({ ...REPO, tree_sha: missing }));
      assert.deepEqual([answer.status, answer.data], [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }], `tree of ${missing === blob ? 'a blob' : 'a missing object'}`);
    }
    const unknownStatus = await statusOf(octokit.rest.repos.createCommitStatus({ ...REPO, sha: tree.oid, state: 'success' }));
    assert.deepEqual([unknownStatus.status, (unknownStatus.data as { message: string }).message], [422, `No commit found for SHA: ${tree.oid}`], 'a status on a tree SHA');
    fake.setLimits({ treeEntries: 3 });
    const cut = await octokit.rest.git.getTree({ ...REPO, tree_sha: sha, recursive: '1' });
    assert.deepEqual([cut.data.truncated, cut.data.tree], [true, listing.data.tree.slice(0, 3)]);
    const top = await octokit.rest.git.getTree({ ...REPO, tree_sha: sha });
    assert.equal(top.data.truncated, false, 'a listing that is not recursive is never truncated');
    assert.deepEqual(shim.forks(), [], 'nor for these');
  } finally {
    await fake.close();
  }
});

test('the trees route answers 409 for a repository without refs, whatever objects it holds, and sees a ref written by git directly', async () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'empty-repo-'));
  execFileSync('git', ['init', '-q', '--bare', empty]);
  const { fake, octokit } = await setup({ repos: [{ fullName: FULL, files: FILES }, { fullName: 'acme/empty', dir: empty, inPlace: true }] });
  try {
    const emptyAnswer = await statusOf(octokit.rest.git.getTree({ owner: 'acme', repo: 'empty', tree_sha: 'e'.repeat(40) }));
    assert.deepEqual([emptyAnswer.status, emptyAnswer.data], [409, { message: 'Git Repository is empty.', documentation_url: 'https://docs.github.com/rest', status: '409' }]);
    const head = await fake.head(FULL, 'main');
    const { data: commit } = await octokit.rest.git.getCommit({ ...REPO, commit_sha: head! });
    await octokit.rest.git.deleteRef({ ...REPO, ref: 'heads/main' });
    const deleted = await statusOf(octokit.rest.git.getTree({ ...REPO, tree_sha: commit.tree.sha }));
    assert.equal(deleted.status, 409, 'every ref deleted: empty, though the tree object is still there');
    execFileSync('git', ['--git-dir', fake.gitDir(FULL), 'update-ref', 'refs/heads/restored', head!]);
    const restored = await octokit.rest.git.getTree({ ...REPO, tree_sha: commit.tree.sha });
    assert.equal(restored.data.sha, commit.tree.sha, 'a ref written by git outside the fake is seen at once');
    const byBranch = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'restored', recursive: '1' });
    assert.equal(byBranch.data.sha, commit.tree.sha, 'a branch name is resolved (by git: it reads a ref)');
  } finally {
    await fake.close();
    rmSync(empty, { recursive: true, force: true });
  }
});
