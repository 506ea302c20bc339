/**
 * The fake's git reads: concurrent asks for one immutable answer share one git process, and each caller gets its
 * own copy; names that read refs are never shared or remembered. Git processes are counted through a `git`
 * on PATH that logs each start and runs the real one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { GitRepo } from './git.ts';
import { installGitShim, type GitShim } from './git-shim.ts';
import { makeRepo, type TestRepo } from '../git-repo.ts';

let shim: GitShim;
let repo: TestRepo;
const starts = (): string[] => shim.starts();
const forks = (): string[] => shim.forks();

before(() => {
  shim = installGitShim();
  repo = makeRepo({ 'a.yaml': 'a: 1\n' });
});

after(() => {
  shim.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

test('an object\'s type, a peeled full SHA, a commit and a blob by SHA are answered by the long-lived reader: no git starts for them', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  try {
    const head = repo.git('rev-parse', 'HEAD');
    const tree = repo.git('rev-parse', 'HEAD^{tree}');
    const blob = repo.git('rev-parse', 'HEAD:a.yaml');
    repo.git('tag', '-a', '-m', 'annotated', 'v-types', head);
    const tag = repo.git('rev-parse', 'v-types');
    shim.reset();
    const types = await Promise.all(Array.from({ length: 10 }, () => git.objectType(head)));
    assert.deepEqual(new Set(types), new Set(['commit']));
    assert.deepEqual(await Promise.all([tree, blob, tag, 'f'.repeat(40)].map((s) => git.objectType(s))), ['tree', 'blob', 'tag', undefined]);
    assert.equal(await git.revParse(head, 'tree'), tree, 'a commit peels to its tree');
    assert.equal(await git.revParse(tree, 'tree'), tree, 'a tree is its own tree');
    assert.equal(await git.revParse(tag, 'commit'), head, 'a tag peels to its commit');
    assert.equal(await git.revParse(blob, 'tree'), undefined, 'a blob has no tree');
    assert.equal(await git.revParse('e'.repeat(40), 'tree'), undefined, 'a missing object');
    assert.equal(await git.revParse(`${head}~5`, 'commit'), undefined, 'an ancestor past the root');
    assert.equal((await git.readCommit(head))!.tree, tree);
    assert.deepEqual(await git.readCommit(tag), { ...(await git.readCommit(head))!, sha: tag }, 'a tag reads as its commit, as git cat-file commit does');
    assert.equal(await git.readCommit(tree), undefined);
    assert.equal((await git.readBlob(blob))!.toString('utf8'), 'a: 1\n');
    assert.equal(await git.readBlob(head), undefined);
    assert.deepEqual(forks(), [], 'no git started but the reader');
    assert.equal(starts().length, 1, 'one long-lived reader');
    assert.equal(await git.objectType(head.slice(0, 12)), 'commit', 'a short SHA is still git\'s to resolve');
    assert.equal(forks().length, 1);
  } finally {
    await git.close();
  }
});

test('ten concurrent asks for one immutable answer git must compute start one git, and the answer is remembered', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  const head = repo.git('rev-parse', 'HEAD');
  const root = repo.git('rev-list', '--max-parents=0', 'HEAD');
  shim.reset();
  const answers = await Promise.all(Array.from({ length: 10 }, () => git.isAncestor(root, head)));
  assert.deepEqual(new Set(answers), new Set([true]));
  assert.equal(await git.isAncestor(root, head), true);
  assert.deepEqual(forks(), [`-c commit.gpgSign=false -c core.quotePath=false merge-base --is-ancestor ${root} ${head}`]);
  assert.equal(await git.objectType(head.slice(0, 10)), 'commit', 'a short SHA (which a new object can make ambiguous) is git\'s to resolve');
  assert.equal(await git.objectType('f'.repeat(12)), undefined, 'a missing object is no type (and a failed git is not shared into a throw)');
});

test('ten concurrent batch reads of one new object start one git, and each caller gets its own bytes', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  const blob = repo.git('rev-parse', 'HEAD:a.yaml');
  shim.reset();
  const reads = await Promise.all(Array.from({ length: 10 }, () => git.readBatch([blob, `${repo.git('rev-parse', 'HEAD')}:a.yaml`])));
  assert.equal(starts().filter((s) => s.includes('cat-file --batch')).length, 1);
  for (const [a, b] of reads) {
    assert.equal(a!.content.toString('utf8'), 'a: 1\n');
    assert.equal(b!.sha, blob);
  }
  reads[0]![0]!.content.fill(0);
  assert.equal(reads[1]![0]!.content.toString('utf8'), 'a: 1\n', 'one caller changing its buffer changes no other');
  assert.equal((await git.readBatch([blob]))[0]!.content.toString('utf8'), 'a: 1\n', 'nor the remembered object');
});

test('a name that reads a ref is read again each time: a moved branch answers its new content', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  assert.equal((await git.readBatch(['master:a.yaml']))[0]!.content.toString('utf8'), 'a: 1\n');
  writeFileSync(path.join(repo.dir, 'a.yaml'), 'a: 2\n');
  repo.git('commit', '-qam', 'two');
  const [first, second] = await Promise.all([git.readBatch(['master:a.yaml']), git.readBatch(['master:a.yaml'])]);
  assert.equal(first[0]!.content.toString('utf8'), 'a: 2\n');
  assert.equal(second[0]!.content.toString('utf8'), 'a: 2\n');
  const first1 = repo.git('rev-list', '--max-parents=0', 'HEAD');
  const mixed = await git.readBatch(['master:a.yaml', `${first1}:a.yaml`, 'master:nope', 'master:a.yaml', `${first1}:nope`]);
  assert.deepEqual(mixed.map((o) => o?.content.toString('utf8')), ['a: 2\n', 'a: 1\n', undefined, 'a: 2\n', undefined], 'names of both kinds in one read answer in order');
  await git.close();
});

test('one long-lived git reads every object by SHA: objects written after it started, missing ones, and a restart after it died', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  try {
    shim.reset();
    const before = repo.git('rev-parse', 'HEAD');
    assert.equal((await git.readBatch([`${before}:a.yaml`]))[0]!.content.toString('utf8'), repo.show(before, 'a.yaml'));
    writeFileSync(path.join(repo.dir, 'b.yaml'), 'b: 1\n');
    repo.git('add', 'b.yaml');
    repo.git('commit', '-qm', 'b');
    const after = repo.git('rev-parse', 'HEAD');
    mkdirSync(path.join(repo.dir, 'sp ace'), { recursive: true });
    writeFileSync(path.join(repo.dir, 'sp ace', 'f x.yaml'), 'spaced: 1\n');
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'spaced');
    const spaced = repo.git('rev-parse', 'HEAD');
    assert.equal((await git.readBatch([`${spaced}:sp ace/f x.yaml`]))[0]!.content.toString('utf8'), 'spaced: 1\n', 'a path with spaces (the rest of the command line is the name)');
    assert.equal((await git.info([`${spaced}:sp ace/f x.yaml`]))[0]!.size, 10);
    const [b, missing, commit] = await git.readBatch([`${after}:b.yaml`, 'e'.repeat(40), after]);
    assert.equal(b!.content.toString('utf8'), 'b: 1\n', 'an object written after the reader started');
    assert.equal(missing, undefined);
    assert.equal(commit!.type, 'commit');
    assert.equal(starts().filter((s) => s.includes('cat-file --batch')).length, 1, 'all three reads by one git');
    await git.close();
    assert.equal((await git.readBatch([`${after}:b.yaml`]))[0]!.content.toString('utf8'), 'b: 1\n', 'remembered');
    assert.equal((await git.readBatch([`${before}:missing.yaml`]))[0], undefined, 'a new read after close starts a new git');
    assert.equal(starts().filter((s) => s.includes('cat-file --batch')).length, 2);
  } finally {
    await git.close();
  }
});

test('an object larger than a pipe\'s chunk arrives whole, and the objects after it in the same read too', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  try {
    const big = Array.from({ length: 60_000 }, (_, i) => `line ${i}: ${'x'.repeat(40)}\n`).join('');
    writeFileSync(path.join(repo.dir, 'big.txt'), big);
    repo.git('add', 'big.txt');
    repo.git('commit', '-qm', 'big');
    const head = repo.git('rev-parse', 'HEAD');
    const [a, b, c] = await git.readBatch([`${head}:a.yaml`, `${head}:big.txt`, `${head}:a.yaml`]);
    assert.equal(b!.content.length, Buffer.byteLength(big));
    assert.equal(b!.content.toString('utf8'), big);
    assert.equal(a!.content.toString('utf8'), c!.content.toString('utf8'));
  } finally {
    await git.close();
  }
});

test('blobs the fake writes are read back from memory, with the bytes git stored', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  try {
    const contents = ['one\n', Buffer.from([0, 1, 2, 255]), 'ünïcödé\r\n', ''];
    const shas = await git.hashBlobs(contents);
    const single = await git.hashBlob('single\n');
    shim.reset();
    const read = await git.readBatch([...shas, single]);
    assert.deepEqual(shim.starts(), [], 'no git started to read them');
    const stored = [...shas, single].map((sha) => execFileSync('git', ['-C', repo.dir, 'cat-file', 'blob', sha]));
    assert.deepEqual(read.map((o) => [o!.type, o!.content]), stored.map((bytes) => ['blob', bytes]));
    assert.deepEqual(await git.info(shas), shas.map((sha, i) => ({ sha, type: 'blob', size: stored[i]!.length })));
  } finally {
    await git.close();
  }
});
