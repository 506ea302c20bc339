import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'radix-config');

test('bin/gitops.js on a Node that cannot strip types re-runs itself under the project\'s Node 22', { skip: existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')) ? 'dist/ is built: the bin runs the built JavaScript instead' : false }, () => {
  // --no-experimental-strip-types makes this Node behave as Node 20 does with .ts files.
  const r = spawnSync(process.execPath, ['--no-experimental-strip-types', path.join(ROOT, 'bin', 'gitops.js'), 'render', '--repo', EXAMPLE, '--env', 'development', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).resources.length, 6);
  const bad = spawnSync(process.execPath, ['--no-experimental-strip-types', path.join(ROOT, 'bin', 'gitops.js'), 'render'], { encoding: 'utf8' });
  assert.equal(bad.status, 2, 'exit codes come through the re-run');
});

test('npm run gitops defaults --repo to the directory the user ran npm from (INIT_CWD), not the tool\'s folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-initcwd-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const out = execFileSync('npm', ['--prefix', ROOT, 'run', '-s', 'gitops', '--', 'render', '--env', 'development', '--json'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}` },
  });
  assert.equal(JSON.parse(out).resources.length, 6, 'the copy in the temporary directory was rendered');
});
