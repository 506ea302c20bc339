/**
 * The fake lists trees from their objects exactly as `git ls-tree -l [-r -t]` lists them (modes made canonical,
 * submodules, symlinks, executables, names git sorts specially, non-ASCII and invalid UTF-8 names, sizes), with
 * no git started; a tree git refuses, a blob, or a missing name is still git's to answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitRepo, type TreeEntry } from './git.ts';
import { parseTree } from './git-tree.ts';
import { installGitShim, type GitShim } from './git-shim.ts';
import { makeRepo, type TestRepo } from '../git-repo.ts';

let shim: GitShim;
let repo: TestRepo;
let git: GitRepo;
let head: string;

/** Writes a tree object from raw entries (any mode text, any name bytes), as git would never write it itself. */
function literalTree(entries: Array<{ mode: string; name: Buffer | string; sha: string }>): string {
  const bytes = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} `), Buffer.from(e.name), Buffer.from([0]), Buffer.from(e.sha, 'hex')])));
  return execFileSync('git', ['-C', repo.dir, 'hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], { input: bytes, encoding: 'utf8' }).trim();
}

before(() => {
  shim = installGitShim();
  const files: Record<string, string> = {
    'a.yaml': 'a: 1\n', 'a-b': 'dash\n', 'a.b': 'dot\n', a0: 'zero\n', 'a/b/c.yaml': 'deep\n', 'a/z': 'z\n',
    'with space/tab\there.txt': 'tab\n', 'unicodé/日本.yaml': 'ja: 1\n', 'empty.txt': '', 'big/x.bin': 'x'.repeat(70_000),
  };
  repo = makeRepo(files);
  chmodSync(path.join(repo.dir, 'a.yaml'), 0o755);
  symlinkSync('a.yaml', path.join(repo.dir, 'link'));
  mkdirSync(path.join(repo.dir, 'deep/1/2/3/4'), { recursive: true });
  writeFileSync(path.join(repo.dir, 'deep/1/2/3/4/leaf'), 'leaf\n');
  repo.git('add', '-A');
  repo.git('update-index', '--add', '--cacheinfo', `160000,${repo.git('rev-parse', 'HEAD')},vendor/sub`);
  repo.git('commit', '-qm', 'odd entries');
  head = repo.git('rev-parse', 'HEAD');
  git = new GitRepo(path.join(repo.dir, '.git'));
});

after(async () => {
  await git.close();
  shim.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

/** What `git ls-tree` says, parsed as the fake parsed it before it read tree objects itself. */
function lsTreeByGit(treeish: string, recursive: boolean): TreeEntry[] {
  const out = execFileSync('git', ['-C', repo.dir, '-c', 'core.quotePath=false', 'ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), treeish]).toString('utf8');
  return out.split('\0').filter(Boolean).map((rec) => {
    const tab = rec.indexOf('\t');
    const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
    return { mode: mode!, type: type as TreeEntry['type'], sha: sha!, size: size === '-' ? undefined : Number(size), path: rec.slice(tab + 1) };
  });
}

async function listedLikeGit(treeish: string, recursive: boolean): Promise<TreeEntry[]> {
  const expected = lsTreeByGit(treeish, recursive);
  shim.reset();
  const listed = await git.lsTree(treeish, recursive);
  assert.deepEqual(listed, expected, `${treeish} recursive=${recursive}`);
  assert.deepEqual(shim.forks(), [], `${treeish} recursive=${recursive}: no git started`);
  return listed;
}

test('a commit\'s tree, recursive and not, lists as git ls-tree lists it, with no git started', async () => {
  const all = await listedLikeGit(head, true);
  assert.ok(all.some((e) => e.mode === '100755') && all.some((e) => e.mode === '120000') && all.some((e) => e.type === 'commit'), 'the odd entries are there');
  assert.ok(all.some((e) => e.path === 'deep/1/2/3/4/leaf'));
  await listedLikeGit(head, false);
  const tree = repo.git('rev-parse', 'HEAD^{tree}');
  await listedLikeGit(tree, true);
  await listedLikeGit(`${head}:a`, false);
  await listedLikeGit(`${head}:a`, true);
  await listedLikeGit(`${head}:`, false);
  await listedLikeGit(`${head}~0:unicodé`, false);
});

test('a new commit, whose unchanged subtrees were listed before, lists as git lists it, and again from memory', async () => {
  await git.lsTree(head, true);
  writeFileSync(path.join(repo.dir, 'deep/1/2/3/4/leaf'), 'leaf 2\n');
  repo.git('commit', '-qam', 'leaf 2');
  const next = repo.git('rev-parse', 'HEAD');
  await listedLikeGit(next, true);
  const expected = lsTreeByGit(next, true);
  shim.reset();
  assert.deepEqual(await git.lsTree(next, true), expected, 'again, from memory');
  assert.deepEqual(shim.starts(), [], 'not even the reader was asked');
});

test('modes git would not write are shown canonical, names of invalid UTF-8 decoded as git\'s output decodes, as git ls-tree shows them', async () => {
  const blob = repo.git('rev-parse', `${head}:a.yaml`);
  const sub = repo.git('rev-parse', `${head}:a`);
  const odd = literalTree([
    { mode: '100664', name: 'group-writable', sha: blob }, { mode: '100775', name: 'group-exec', sha: blob }, { mode: '100600', name: 'private', sha: blob },
    { mode: '040000', name: 'padded-dir', sha: sub }, { mode: '120777', name: 'odd-link', sha: blob }, { mode: '170000', name: 'odd-format', sha: head },
    { mode: '100644', name: Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x74]), sha: blob }, { mode: '100644', name: Buffer.from([0xe6, 0x97]), sha: blob },
  ]);
  await listedLikeGit(odd, true);
  const listed = await listedLikeGit(odd, false);
  assert.deepEqual(listed.slice(0, 6).map((e) => `${e.mode} ${e.type}`), ['100644 blob', '100755 blob', '100644 blob', '040000 tree', '120000 blob', '160000 commit']);
  assert.ok(listed.slice(6).every((e) => e.path.includes('\uFFFD')), 'invalid UTF-8 shows as U+FFFD');
});

test('what git refuses is git\'s to say: a malformed tree, a blob, a missing name', async () => {
  const blob = repo.git('rev-parse', `${head}:a.yaml`);
  const malformed = literalTree([{ mode: '10x644', name: 'bad-mode', sha: blob }]);
  shim.reset();
  await assert.rejects(git.lsTree(malformed, false), /failed to run git ls-tree/);
  assert.equal(shim.forks().filter((s) => s.includes('ls-tree')).length, 1, 'git asked');
  await assert.rejects(git.lsTree(`${head}:a.yaml`, false), /failed to run git ls-tree/);
  await assert.rejects(git.lsTree('e'.repeat(40), true), /failed to run git ls-tree/);
  const missingBlob = literalTree([{ mode: '100644', name: 'gone', sha: 'd'.repeat(40) }]);
  let gitSays: unknown;
  try { gitSays = lsTreeByGit(missingBlob, false); } catch (error) { gitSays = error; }
  if (gitSays instanceof Error) await assert.rejects(git.lsTree(missingBlob, false), /failed to run git ls-tree/, 'a missing blob: git fails, and so does the fake');
  else assert.deepEqual(await git.lsTree(missingBlob, false), gitSays, 'a missing blob: as git lists it');
});

/** What `git cat-file --batch` answers for each name: its SHA and bytes, or undefined. */
function catFile(names: string[]): Array<{ sha: string; content: string } | undefined> {
  return names.map((n) => {
    const out = execFileSync('git', ['-C', repo.dir, 'cat-file', '--batch'], { input: `${n}\n` });
    const eol = out.indexOf(10);
    const m = /^([0-9a-f]{40}) \w+ (\d+)$/.exec(out.subarray(0, eol).toString('utf8'));
    return m ? { sha: m[1]!, content: out.subarray(eol + 1, eol + 1 + Number(m[2])).toString('latin1') } : undefined;
  });
}

test('paths in a listed tree are read by the SHAs its listing names, answering as git does, and a tree out of git\'s order is git\'s to search', async () => {
  const listed = await git.lsTree(head, true);
  await git.readBatch(listed.map((e) => e.sha));
  const names = [
    ...listed.map((e) => `${head}:${e.path}`), `${head}:nope`, `${head}:a/nope`, `${head}:a.yaml/x`, `${head}:link/x`, `${head}:vendor/sub/x`,
    `${head}:a/`, `${head}:./a.yaml`, `${head}:a//z`, `${head}:a/../a.yaml`, `${head}:`, `${head}:\uD800`, `${repo.git('rev-parse', 'HEAD^{tree}')}:a/z`,
  ];
  const expected = catFile(names);
  await git.close();
  shim.reset();
  const known = names.slice(0, listed.length + 5);
  const fromListings = await git.readBatch(known);
  assert.deepEqual(shim.starts(), [], 'remembered listings and blobs answer paths (and absent paths) without the reader');
  assert.deepEqual(fromListings.map((o) => o && { sha: o.sha, content: o.content.toString('latin1') }), expected.slice(0, known.length));
  const all = await git.readBatch(names);
  assert.deepEqual(all.map((o) => o && { sha: o.sha, content: o.content.toString('latin1') }), expected, 'and the paths git reads its own way, by the reader');

  const blob = repo.git('rev-parse', `${head}:a.yaml`);
  const unsorted = literalTree([{ mode: '100644', name: 'b', sha: blob }, { mode: '100644', name: 'a', sha: blob }]);
  await git.lsTree(unsorted, false);
  const [a, b] = await git.readBatch([`${unsorted}:a`, `${unsorted}:b`]);
  assert.deepEqual([a?.sha, b?.sha], catFile([`${unsorted}:a`, `${unsorted}:b`]).map((o) => o?.sha), 'git stops at the first entry after the name');
  assert.equal(a, undefined, 'so an entry out of order is not found');
});

test('every tree git writes is in git\'s order, and one a writer got wrong is not', () => {
  const trees = [repo.git('rev-parse', `${head}^{tree}`), ...lsTreeByGit(head, true).filter((e) => e.type === 'tree').map((e) => e.sha)];
  for (const t of trees) assert.equal(parseTree(execFileSync('git', ['-C', repo.dir, 'cat-file', 'tree', t]))!.sorted, true, t);
  const blob = repo.git('rev-parse', `${head}:a.yaml`);
  const sub = repo.git('rev-parse', `${head}:a`);
  const sortedBy = (entries: Array<{ mode: string; name: string; sha: string }>) => parseTree(execFileSync('git', ['-C', repo.dir, 'cat-file', 'tree', literalTree(entries)]))!.sorted;
  assert.equal(sortedBy([{ mode: '100644', name: 'a', sha: blob }, { mode: '100644', name: 'a-b', sha: blob }, { mode: '40000', name: 'a', sha: sub }, { mode: '100644', name: 'a0', sha: blob }]), true, 'a file before the directory of its name, which sorts as "a/"');
  assert.equal(sortedBy([{ mode: '40000', name: 'a', sha: sub }, { mode: '100644', name: 'a-b', sha: blob }]), false, 'a directory sorts after "a-b"');
  assert.equal(sortedBy([{ mode: '100644', name: 'a', sha: blob }, { mode: '100644', name: 'a', sha: blob }]), false, 'a name twice');
  const mktree = execFileSync('git', ['-C', repo.dir, 'mktree'], { input: `040000 tree ${sub}\ta\n100644 blob ${blob}\ta-b\n100644 blob ${blob}\ta.b\n`, encoding: 'utf8' }).trim();
  assert.equal(parseTree(execFileSync('git', ['-C', repo.dir, 'cat-file', 'tree', mktree]))!.sorted, true, 'git mktree sorts as git does');
});
