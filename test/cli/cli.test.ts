import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';
import { runCli } from '../support/run-cli.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'radix-config');

function sample(git = true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-cli-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  if (git) {
    const g = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a]);
    g('init', '-q', '-b', 'master');
    g('add', '-A');
    g('commit', '-qm', 'initial');
  }
  return dir;
}

test('render --json lists resources in apply order, skipped files with reasons and no errors', async () => {
  const r = await runCli(['render', '--repo', sample(), '--env', 'development', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.resources.map((x: { id: string }) => x.id), [
    '<cluster>:namespace/web',
    'web:service/web',
    'web:configmap/web-settings',
    'web:deployment/web',
    'default:helmrelease/kured',
    'default:helmrelease/radix-operator',
  ]);
  assert.deepEqual(out.resources[0], { id: '<cluster>:namespace/web', file: 'development-configs/apps/web.yaml', apiVersion: 'v1', kind: 'Namespace', namespace: null, name: 'web' });
  assert.deepEqual(out.skipped, [
    { file: 'development-configs/README.md', reason: 'not a .yaml or .yml file' },
    { file: 'development-configs/third-party/velero.yaml', id: '<cluster>:namespace/velero', line: 3, reason: 'fluxcd.io/ignore: "true": never applied' },
  ]);
  assert.deepEqual(out.errors, []);
});

test('render reports a broken file with file and line, renders the rest, and exits 1', async () => {
  const dir = sample();
  writeFileSync(path.join(dir, 'development-configs/apps/broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n    bad: indent\n');
  const r = await runCli(['render', '--repo', dir, '--env', 'development']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /errors \(1\)\ndevelopment-configs\/apps\/broken\.yaml:5: /);
  assert.match(r.stdout, /6 resources, 2 skipped, 1 errors/);
});

test('a gitops.yaml in the repository, or --config, replaces the embedded defaults', async () => {
  const dir = sample();
  writeFileSync(path.join(dir, 'gitops.yaml'), 'environments:\n  dev:\n    branch: master\n    path: development-configs/apps\n');
  const r = await runCli(['render', '--repo', dir, '--env', 'dev', '--json']);
  assert.equal(JSON.parse(r.stdout).resources.length, 4);
  const other = path.join(dir, 'other.yaml');
  writeFileSync(other, 'environments:\n  all:\n    branch: master\n    path: .\n');
  const all = await runCli(['render', '--repo', dir, '--env', 'all', '--config', other, '--json']);
  assert.equal(all.code, 1, 'the whole repository as one environment declares radix-operator three times');
  const out = JSON.parse(all.stdout);
  assert.match(out.errors[0].message, /duplicate definition of 'default:helmrelease\/radix-operator'/);
  assert.ok(!out.resources.some((r: { id: string }) => r.id === 'default:helmrelease/radix-operator'));
  assert.ok(out.resources.some((r: { id: string }) => r.id === 'web:deployment/web'));
});

test('bad arguments and bad configuration exit 2 with a one-line reason', async () => {
  const dir = sample();
  const cases: [string[], RegExp][] = [
    [[], /^Usage: gitops/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['render', '--repo', dir], /^gitops render: missing --env\n$/],
    [['render', '--repo', dir, '--env', 'nope'], /--env nope: no such environment in embedded defaults \(have: development, playground, production\)/],
    [['render', '--repo', dir, '--env', 'development', '--bogus'], /Unknown option '--bogus'/],
    [['render', '--repo', path.join(dir, 'missing'), '--env', 'development'], /--repo .*missing: no such directory/],
    [['render', '--repo', dir, '--env', 'development', '--config', path.join(dir, 'nope.yaml')], /--config .*nope\.yaml: no such file/],
    [['release', '--repo', dir, '--branch', 'master', '--image', 'Not An Image'], /--image Not An Image: /],
    [['release', '--repo', dir, '--branch', 'master', '--image', 'radixdev.azurecr.io/web'], /expected a tag/],
    [['release', '--repo', dir, '--branch', 'feature', '--image', 'radixdev.azurecr.io/web:1.4.3'], /--branch feature: no environment/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr || r.stdout, message, args.join(' '));
  }
  writeFileSync(path.join(dir, 'gitops.yaml'), 'environments:\n  dev:\n    branch: master\n    imageUpdates: sometimes\n');
  const bad = await runCli(['render', '--repo', dir, '--env', 'dev']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid configuration: 2 problems:\n  gitops\.yaml:3: environments\.dev\.path: .*\n  gitops\.yaml:4: environments\.dev\.imageUpdates: /);
});

test('images lists every container with its policies and filter', async () => {
  const r = await runCli(['images', '--repo', sample(), '--env', 'development', '--json']);
  assert.equal(r.code, 0);
  const rows = JSON.parse(r.stdout).map((x: Record<string, unknown>) => [x.workload, x.container, x.image, x.automated, x.filter]);
  assert.deepEqual(rows, [
    ['web:deployment/web', 'web', 'radixdev.azurecr.io/web:1.4.2', true, 'semver:~1.4'],
    ['web:deployment/web', 'migrate', 'radixdev.azurecr.io/web-migrate:1.4.2', true, 'glob:*'],
    ['default:helmrelease/kured', 'chart-image', 'docker.io/weaveworks/kured', true, 'glob:*'],
    ['default:helmrelease/radix-operator', 'chart-image', 'radixdev.azurecr.io/radix-operator:master-39f7d4b524d94ada51267c98f4962abad475f0ff', true, 'glob:master-*'],
  ]);
  const human = await runCli(['images', '--repo', sample()]);
  assert.match(human.stdout, /^development\n  web:deployment\/web\n    web: radixdev\.azurecr\.io\/web\n      tag 1\.4\.2, automated, filter semver:~1\.4\n/);
  for (const line of human.stdout.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  assert.match(human.stdout, /\nproduction\n/);
});

test('release edits only the matching value in the working tree; --commit commits exactly those files', async () => {
  const dir = sample();
  const file = path.join(dir, 'development-configs/radix-platform/radix-operator.yaml');
  const before = readFileSync(file, 'utf8');
  const r = await runCli(['release', '--repo', dir, '--branch', 'master', '--image', 'radixdev.azurecr.io/radix-operator:master-1234abc', '--commit', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.message, 'Auto-release radixdev.azurecr.io/radix-operator:master-1234abc');
  assert.equal(readFileSync(file, 'utf8'), before.replace('tag: "master-39f7d4b524d94ada51267c98f4962abad475f0ff"', 'tag: "master-1234abc"'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8' }).trim();
  assert.equal(git('log', '-1', '--format=%s'), out.message);
  assert.equal(git('show', '--name-only', '--format=', 'HEAD'), 'development-configs/radix-platform/radix-operator.yaml');
  assert.equal(git('status', '--porcelain'), '');
  // release branch: playground takes release-*, production is on another registry
  const rel = await runCli(['release', '--repo', dir, '--branch', 'release', '--image', 'radixdev.azurecr.io/radix-operator:release-77', '--json']);
  assert.deepEqual(JSON.parse(rel.stdout).changes.map((c: { env: string }) => c.env), ['playground']);
});

test('render on the 2019 corpus snapshot applies the HelmRelease and skips the Helm chart folder', { skip: skipWithoutCorpus() }, async () => {
  const r = await runCli(['render', '--repo', path.join(corpusDir()!, '92b98a8ac'), '--env', 'development', '--json']);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.resources.map((x: { id: string }) => x.id), ['default:helmrelease/radix-operator']);
  assert.deepEqual(out.errors, []);
});

test('every command has --help (exit 0) that fits 80 columns, and the command list does too', async () => {
  const list = await runCli(['--help']);
  assert.equal(list.code, 0);
  const names = [...list.stdout.matchAll(/^  (\w+) /gm)].map((m) => m[1]!);
  assert.ok(names.length >= 11, names.join(' '));
  for (const name of ['', ...names]) {
    const r = await runCli(name ? [name, '--help'] : ['--help']);
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, /Usage: gitops/, name);
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `gitops ${name} --help is wider than 80 columns: ${line}`);
  }
});
