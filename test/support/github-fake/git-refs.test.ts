/**
 * The fake lists refs from their files as `git for-each-ref` lists them (loose, packed, loose over packed,
 * annotated tags, deleted refs, none), with no git started; what the files cannot say for sure (a symbolic ref,
 * a lock file, a ref naming a missing object) is git's to answer, as before.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitRepo } from './git.ts';
import { installGitShim, type GitShim } from './git-shim.ts';
import { makeRepo, type TestRepo } from '../git-repo.ts';

let shim: GitShim;
let repo: TestRepo;
let git: GitRepo;

before(() => {
  shim = installGitShim();
  repo = makeRepo({ 'a.yaml': 'a: 1\n' }, ['main', 'feature/x', 'feature/y']);
  git = new GitRepo(path.join(repo.dir, '.git'));
});

after(async () => {
  await git.close();
  shim.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

/** What git says, in listRefs' shape. */
function forEachRef(): Array<{ ref: string; sha: string; type: string }> {
  return repo.git('for-each-ref', '--format=%(objectname) %(objecttype) %(refname)').split('\n').filter(Boolean).map((line) => {
    const [sha, type, ref] = line.split(' ');
    return { ref: ref!, sha: sha!, type: type! };
  });
}

/** listRefs, asserted equal to git's listing and to have started no git. */
async function listedLikeGit(what: string): Promise<number> {
  const expected = forEachRef();
  shim.reset();
  assert.deepEqual(await git.listRefs(), expected, what);
  assert.deepEqual(shim.forks(), [], `${what}: no git started`);
  return expected.length;
}

test('loose refs, packed refs, a loose ref over its packed value, annotated tags and deleted refs list as git lists them, with no git started', async () => {
  await listedLikeGit('loose branches');
  repo.git('tag', '-a', '-m', 'release', 'v1.0.0');
  repo.git('tag', 'light');
  repo.git('pack-refs', '--all');
  await listedLikeGit('all packed (annotated tag peeled in packed-refs)');
  writeFileSync(path.join(repo.dir, 'b.yaml'), 'b: 1\n');
  repo.git('add', 'b.yaml');
  repo.git('commit', '-qm', 'b');
  repo.git('update-ref', 'refs/pull/1/head', 'HEAD');
  repo.git('branch', 'a-b');
  await listedLikeGit('main loose over its packed value, new loose refs sorting among packed ones');
  repo.git('branch', '-D', 'feature/x');
  repo.git('tag', '-d', 'light');
  await listedLikeGit('a packed branch and a packed tag deleted');
  mkdirSync(path.join(repo.dir, '.git', 'refs', 'heads', 'empty-dir'), { recursive: true });
  await listedLikeGit('an empty directory under refs/heads');
});

test('one ref is read from its file when its name is plain, and asked of git when git might refuse the name', async () => {
  const head = repo.git('rev-parse', 'HEAD');
  repo.git('update-ref', 'refs/heads/plain', head);
  shim.reset();
  assert.equal(await git.refValue('refs/heads/plain'), head);
  assert.equal(shim.forks().length, 0, 'read from the file');
  // A component ending in a dot is a name git refuses to create: what it says of such a file is git's answer.
  writeFileSync(path.join(repo.dir, '.git', 'refs', 'heads', 'odd.'), `${head}\n`);
  shim.reset();
  let gitSays: string | undefined;
  try { gitSays = repo.git('rev-parse', '--verify', '--quiet', 'refs/heads/odd.') || undefined; } catch { gitSays = undefined; }
  shim.reset();
  assert.equal(await git.refValue('refs/heads/odd.'), gitSays);
  assert.equal(shim.forks().length, 1, 'git asked');
  rmSync(path.join(repo.dir, '.git', 'refs', 'heads', 'odd.'));
  repo.git('update-ref', '-d', 'refs/heads/plain');
});

test('a ref the files cannot answer for sure is listed by git, and a repository whose refs are all deleted lists none', async () => {
  const head = repo.git('rev-parse', 'HEAD');
  repo.git('symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
  shim.reset();
  assert.deepEqual(await git.listRefs(), forEachRef(), 'a symbolic ref');
  assert.equal(shim.forks().filter((s) => s.includes('for-each-ref')).length, 1, 'git asked');
  repo.git('symbolic-ref', '--delete', 'refs/heads/alias');
  writeFileSync(path.join(repo.dir, '.git', 'refs', 'heads', 'main.lock'), `${head}\n`);
  shim.reset();
  assert.deepEqual(await git.listRefs(), forEachRef(), 'a lock file (an update in progress)');
  assert.equal(shim.forks().length, 1);
  rmSync(path.join(repo.dir, '.git', 'refs', 'heads', 'main.lock'));
  writeFileSync(path.join(repo.dir, '.git', 'refs', 'heads', 'broken'), `${'e'.repeat(40)}\n`);
  await assert.rejects(git.listRefs(), /missing object/, 'a ref naming a missing object fails as git fails');
  rmSync(path.join(repo.dir, '.git', 'refs', 'heads', 'broken'));
  for (const ref of forEachRef()) repo.git('update-ref', '-d', ref.ref);
  assert.equal(await listedLikeGit('every ref deleted'), 0);
});
