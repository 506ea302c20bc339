import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/run-cli.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'radix-config');
const WEB = 'development-configs/apps/web.yaml';
const OPERATOR = 'development-configs/radix-platform/radix-operator.yaml';

function sample(): { dir: string; git: (...a: string[]) => string; read: (f: string) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-policy-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'master');
  git('add', '-A');
  git('commit', '-qm', 'initial');
  return { dir, git, read: (f) => readFileSync(path.join(dir, f), 'utf8') };
}

test('--lock --commit adds one line under the prefix the workload uses and commits it with Flux\'s message', async () => {
  const s = sample();
  const before = s.read(WEB);
  const r = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'web:deployment/web', '--lock', '--commit', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.changes, [{ key: 'fluxcd.io/locked', value: 'true' }]);
  assert.equal(out.message, 'Locked: web:deployment/web\n');
  assert.equal(s.read(WEB), before.replace('    fluxcd.io/tag.web: semver:~1.4\n', '    fluxcd.io/tag.web: semver:~1.4\n    fluxcd.io/locked: "true"\n'));
  assert.equal(s.git('log', '-1', '--format=%B'), 'Locked: web:deployment/web');
  assert.equal(s.git('show', '--name-only', '--format=', 'HEAD'), WEB);
  assert.equal(s.git('status', '--porcelain'), '');
});

test('deautomate plus a new tag filter: the automated line goes, the filter line comes, message lists both', async () => {
  const s = sample();
  const before = s.read(WEB);
  const r = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'web:deployment/web', '--deautomate', '--tag-filter', 'migrate=regex:^1\\.4\\.\\d+$', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).message, 'Updated workload policies\n\n- Deautomated: web:deployment/web\n- Updated policies: web:deployment/web\n');
  assert.equal(s.read(WEB), before
    .replace('    fluxcd.io/automated: "true"\n', '')
    .replace('    fluxcd.io/tag.web: semver:~1.4\n', '    fluxcd.io/tag.web: semver:~1.4\n    fluxcd.io/tag.migrate: regex:^1\\.4\\.\\d+$\n'));
  const images = JSON.parse((await runCli(['images', '--repo', s.dir, '--env', 'development', '--json'])).stdout);
  const migrate = images.find((i: { container: string }) => i.container === 'migrate');
  assert.deepEqual([migrate.automated, migrate.filter], [false, 'regex:^1\\.4\\.\\d+$']);
});

test('a filter written as filter.fluxcd.io/ keeps that key; glob:* removes it; a second identical run changes nothing', async () => {
  const s = sample();
  const before = s.read(OPERATOR);
  const set = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'default:helmrelease/radix-operator', '--tag-filter', 'chart-image=glob:release-*']);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(s.read(OPERATOR), before.replace('filter.fluxcd.io/chart-image: glob:master-*', 'filter.fluxcd.io/chart-image: glob:release-*'));
  const again = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'default:helmrelease/radix-operator', '--tag-filter', 'chart-image=glob:release-*']);
  assert.match(again.stdout, /nothing to change/);
  const clear = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'default:helmrelease/radix-operator', '--tag-filter', 'chart-image=*']);
  assert.equal(clear.code, 0);
  assert.equal(s.read(OPERATOR), before.replace('    filter.fluxcd.io/chart-image: glob:master-*\n', ''));
});

test('bad arguments exit 2: unknown workload, unknown container, invalid filter, nothing to change', async () => {
  const s = sample();
  const cases: [string[], RegExp][] = [
    [['--workload', 'web:deployment/nope', '--lock'], /--workload web:deployment\/nope: no workload web:deployment\/nope in environment development/],
    [['--workload', 'web:deployment/web', '--tag-filter', 'sidecar=glob:*x'], /web:deployment\/web has no container sidecar \(has: web, migrate\)/],
    [['--workload', 'web:deployment/web', '--tag-filter', 'web=semver:not a range'], /web: invalid tag filter "semver:not a range"/],
    [['--workload', 'web:deployment/web'], /nothing to change/],
    [['--workload', 'web:deployment/web', '--lock', '--unlock'], /give one of --lock and --unlock/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['policy', '--repo', s.dir, '--env', 'development', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal(s.git('status', '--porcelain'), '', 'nothing was written');
});

test('an environment in patchUpdated mode is refused (exit 1) naming the patch file Flux v1 wrote policies into', async () => {
  const s = sample();
  writeFileSync(path.join(s.dir, 'development-configs/.flux.yaml'), 'version: 1\npatchUpdated:\n  generators:\n    - command: cat apps/web.yaml\n  patchFile: flux-patch.yaml\n');
  const r = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'web:deployment/web', '--lock']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /environment development is in patchUpdated mode \(development-configs\/\.flux\.yaml\): Flux v1 wrote policies into development-configs\/flux-patch\.yaml/);
  assert.equal(s.git('status', '--porcelain'), '?? development-configs/.flux.yaml');
});
