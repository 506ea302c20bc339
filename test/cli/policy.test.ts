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

const HR = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: radix-operator
  namespace: default
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:master-*
spec:
  values:
    image:
      repository: radixdev.azurecr.io/radix-operator
      tag: master-stale
`;
const PATCH = '---\napiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: radix-operator\n  namespace: default\nspec:\n  values:\n    image:\n      tag: master-2\n';

function generated(mode: 'patchUpdated' | 'commandUpdated'): { dir: string; git: (...a: string[]) => string; read: (f: string) => string } {
  const s = sample();
  const flux = mode === 'patchUpdated'
    ? 'version: 1\npatchUpdated:\n  generators:\n  - command: kustomize build .\n  patchFile: flux-patch.yaml\n'
    : 'version: 1\ncommandUpdated:\n  generators:\n  - command: kustomize build .\n';
  execFileSync('rm', ['-rf', path.join(s.dir, 'development-configs')]);
  for (const [f, text] of Object.entries({ '.flux.yaml': flux, 'kustomization.yaml': 'resources:\n- radix-operator.yaml\n', 'radix-operator.yaml': HR, 'flux-patch.yaml': PATCH })) {
    execFileSync('mkdir', ['-p', path.join(s.dir, 'development-configs')]);
    writeFileSync(path.join(s.dir, 'development-configs', f), text);
  }
  s.git('add', '-A');
  s.git('commit', '-qm', mode);
  return s;
}

test('in a patchUpdated environment the policy goes into the patch file, as Flux v1 wrote it; the generated manifests stay as they are', async () => {
  const s = generated('patchUpdated');
  const r = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'default:helmrelease/radix-operator', '--lock', '--commit', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.file, out.changes, out.message], ['development-configs/flux-patch.yaml', [{ key: 'fluxcd.io/locked', value: 'true' }], 'Locked: default:helmrelease/radix-operator\n']);
  assert.equal(s.read('development-configs/flux-patch.yaml'), '---\napiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  annotations:\n    fluxcd.io/locked: "true"\n  name: radix-operator\n  namespace: default\nspec:\n  values:\n    image:\n      tag: master-2\n');
  assert.equal(s.read('development-configs/radix-operator.yaml'), HR);
  assert.equal(s.git('show', '--name-only', '--format=', 'HEAD'), 'development-configs/flux-patch.yaml');
  const images = JSON.parse((await runCli(['images', '--repo', s.dir, '--env', 'development', '--json'])).stdout);
  assert.deepEqual([images[0].locked, images[0].image], [true, 'radixdev.azurecr.io/radix-operator:master-2'], 'the built environment reads the policy back');
  const unlock = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'default:helmrelease/radix-operator', '--unlock']);
  assert.equal(unlock.code, 0, unlock.stderr);
  assert.equal(s.read('development-configs/flux-patch.yaml'), PATCH, 'unlocking writes the patch file back as it was');
});

test('a commandUpdated environment is refused (exit 1): Flux v1 ran the repository\'s updater commands, which this tool never runs', async () => {
  const s = generated('commandUpdated');
  const r = await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'default:helmrelease/radix-operator', '--lock']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /environment development is in commandUpdated mode \(development-configs\/\.flux\.yaml\): Flux v1 ran the repository's updater commands/);
  assert.equal(s.git('status', '--porcelain'), '');
});
