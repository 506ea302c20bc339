import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the build emits the entry point package.json names, and loading it registers all nine functions', () => {
  // Inside the repository, so the built files resolve node_modules as dist/ does.
  mkdirSync(path.join(root, '.work'), { recursive: true });
  const out = mkdtempSync(path.join(root, '.work', 'build-'));
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root });
  const main = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main as string;
  const entry = path.join(out, path.relative('dist', main));
  assert.ok(existsSync(entry), `${main} is built`);
  // Outside the Functions host @azure/functions runs in test mode and names each registration it skips.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const registered = [...`${r.stdout}${r.stderr}`.matchAll(/register function "([a-z-]+)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, ['acr-webhook', 'github-webhook', 'health-check', 'image-release', 'image-scan', 'preview', 'reconcile', 'registry-push', 'sync-cluster']);
  rmSync(out, { recursive: true, force: true });
});
