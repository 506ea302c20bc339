/**
 * npm test's runner (test/run.ts): every file runs in some shard, a failing test anywhere fails the run with
 * exit code 1 and is counted, and a run where everything passes exits 0.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run.ts');
const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, body: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n${body}\n`);
  return p;
};
const passing = [file('a.test.ts', "test('a', () => assert.equal(1, 1));"), file('b.test.ts', "test('b1', () => {});\ntest('b2', () => {});")];
const failing = file('c.test.ts', "test('c fails', () => assert.equal(1, 2));");

function run(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [runner, ...args], { encoding: 'utf8' }, (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }));
  });
}

test('every file runs in one of the shards and a run where all pass exits 0', async () => {
  const r = await run('--shards', '2', ...passing);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /2 files in 2 shards: 3 tests, 3 passed, 0 failed/);
});

test('a failing test in any shard fails the run with exit code 1 and is counted', async () => {
  const r = await run('--shards', '3', ...passing, failing);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /3 files in 3 shards: 4 tests, 3 passed, 1 failed/);
  assert.match(r.stdout, /✖ c fails/);
});

test('a bad shard count is refused with exit code 2, naming the option', async () => {
  const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [runner, '--shards', 'two', ...passing], { encoding: 'utf8' }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--shards: expected a whole number/);
});

test('a file that leaves a handle open (a timer, a child process) does not keep its shard from ending', async () => {
  const leaky = file('leaky.test.ts', "import { spawn } from 'node:child_process';\nspawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });\nsetInterval(() => {}, 1000);\ntest('leaky', () => {});");
  const r = await run('--shards', '1', leaky);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /1 files in 1 shards: 1 tests, 1 passed, 0 failed/);
});
