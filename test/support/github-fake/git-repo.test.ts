/**
 * The fake's git reads: concurrent asks for one immutable answer share one git process, and each caller gets its
 * own copy; names that read refs are never shared or remembered. Git processes are counted through a `git`
 * on PATH that logs each start and runs the real one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { GitRepo } from './git.ts';
import { makeRepo, type TestRepo } from '../git-repo.ts';

let shim: string;
let savedPath: string | undefined;
let repo: TestRepo;
const log = () => path.join(shim, 'starts.log');
const starts = (): string[] => { try { return readFileSync(log(), 'utf8').split('\n').filter(Boolean); } catch { return []; } };

before(() => {
  shim = mkdtempSync(path.join(os.tmpdir(), 'git-shim-'));
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(shim, 'git'), `#!/bin/sh\necho "$*" >> '${log()}'\nexec '${real}' "$@"\n`);
  chmodSync(path.join(shim, 'git'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${shim}${path.delimiter}${savedPath ?? ''}`;
  repo = makeRepo({ 'a.yaml': 'a: 1\n' });
});

after(() => {
  process.env.PATH = savedPath;
  rmSync(shim, { recursive: true, force: true });
  rmSync(repo.dir, { recursive: true, force: true });
});

test('ten concurrent asks for one object\'s type start one git, and the answer is remembered', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  const head = repo.git('rev-parse', 'HEAD');
  rmSync(log(), { force: true });
  const types = await Promise.all(Array.from({ length: 10 }, () => git.objectType(head)));
  assert.deepEqual(new Set(types), new Set(['commit']));
  assert.equal(await git.objectType(head), 'commit');
  assert.deepEqual(starts().filter((s) => s.includes('cat-file -t')), [`-c commit.gpgSign=false -c core.quotePath=false cat-file -t ${head}`]);
  assert.equal(await git.objectType('f'.repeat(40)), undefined, 'a missing object is no type (and a failed git is not shared into a throw)');
});

test('ten concurrent batch reads of one new object start one git, and each caller gets its own bytes', async () => {
  const git = new GitRepo(path.join(repo.dir, '.git'));
  const blob = repo.git('rev-parse', 'HEAD:a.yaml');
  rmSync(log(), { force: true });
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
});
