import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalGitSource } from '../../shared/sources/local-git.ts';

function repo(files: Record<string, string>): { dir: string; git: (...a: string[]) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-local-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
  git('init', '-q', '-b', 'master');
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), c);
  }
  chmodSync(path.join(dir, Object.keys(files)[0]!), 0o755);
  git('add', '-A');
  git('commit', '-qm', 'initial');
  return { dir, git };
}

test('reads the tree and many files of a revision with git blob ids', async () => {
  const { dir, git } = repo({ 'a/x.yaml': 'x: 1\n', 'a/ü.yaml': 'name: café\n', 'b.txt': 'b' });
  const src = new LocalGitSource(dir);
  const head = await src.resolveBranch('master');
  assert.equal(head, git('rev-parse', 'HEAD'));
  const files = await src.listFiles(head);
  assert.deepEqual(files.map((f) => f.path).sort(), ['a/x.yaml', 'a/ü.yaml', 'b.txt']);
  assert.equal(files.find((f) => f.path === 'b.txt')!.sha, git('rev-parse', 'HEAD:b.txt'));
  const read = await src.readFiles(head, ['a/ü.yaml', 'missing.yaml', 'a/x.yaml']);
  assert.deepEqual([...read.entries()].sort(), [['a/x.yaml', 'x: 1\n'], ['a/ü.yaml', 'name: café\n']]);
  await assert.rejects(src.resolveBranch('nope'), /branch nope does not exist/);
});

test('a commit writes one commit on the branch, keeps file modes, and leaves the working tree alone', async () => {
  const { dir, git } = repo({ 'run.sh': '#!/bin/sh\n', 'a.yaml': 'a: 1\n', 'gone.yaml': 'g: 1\n' });
  const src = new LocalGitSource(dir, { author: { name: 'bot', email: 'bot@example.com' } });
  const head = await src.resolveBranch('master');
  const r = await src.commit({ branch: 'master', expectedHead: head, message: 'Auto-release x', files: new Map<string, string | null>([['run.sh', '#!/bin/sh\necho\n'], ['new/b.yaml', 'b: 2\n'], ['gone.yaml', null]]) });
  assert.equal(r.status, 'committed');
  assert.equal(git('rev-parse', 'master'), r.status === 'committed' ? r.revision : '');
  assert.equal(git('log', '-1', '--format=%an <%ae>|%s'), 'bot <bot@example.com>|Auto-release x');
  assert.equal(git('ls-tree', 'master', 'run.sh').split(' ')[0], '100755');
  assert.deepEqual(git('ls-tree', '-r', '--name-only', 'master').split('\n'), ['a.yaml', 'new/b.yaml', 'run.sh']);
  // Plumbing leaves the checked-out files as they were.
  assert.equal(readFileSync(path.join(dir, 'run.sh'), 'utf8'), '#!/bin/sh\n');
  assert.ok(existsSync(path.join(dir, 'gone.yaml')));
  assert.ok(!existsSync(path.join(dir, 'new')));
  assert.deepEqual(await src.diff(head, 'master'), { changed: ['new/b.yaml', 'run.sh'], removed: ['gone.yaml'] });
});

test('a commit against a stale head is refused as moved, and an empty change is unchanged', async () => {
  const { dir, git } = repo({ 'a.yaml': 'a: 1\n' });
  const src = new LocalGitSource(dir);
  const old = await src.resolveBranch('master');
  const first = await src.commit({ branch: 'master', expectedHead: old, message: 'one', files: new Map([['a.yaml', 'a: 2\n']]) });
  assert.equal(first.status, 'committed');
  const stale = await src.commit({ branch: 'master', expectedHead: old, message: 'two', files: new Map([['a.yaml', 'a: 3\n']]) });
  assert.deepEqual(stale, { status: 'moved', head: git('rev-parse', 'master') });
  const same = await src.commit({ branch: 'master', expectedHead: git('rev-parse', 'master'), message: 'three', files: new Map([['a.yaml', 'a: 2\n']]) });
  assert.deepEqual(same, { status: 'unchanged' });
});

test('concurrent commits from one head: exactly one wins, the others see the branch moved', async () => {
  const { dir } = repo({ 'a.yaml': 'a: 1\n' });
  const src = new LocalGitSource(dir);
  const head = await src.resolveBranch('master');
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => src.commit({ branch: 'master', expectedHead: head, message: `c${i}`, files: new Map([[`f${i}.yaml`, `${i}\n`]]) })));
  assert.equal(results.filter((r) => r.status === 'committed').length, 1);
  assert.equal(results.filter((r) => r.status === 'moved').length, 7);
});
