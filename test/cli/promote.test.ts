import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli.ts';
import { devProdConfig } from '../promote/dev-prod-config.ts';

const CONFIG = devProdConfig({ filters: true });

const app = (image: string, filter: string, replicas = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.app: ${filter}
spec:
${replicas}  selector: { matchLabels: { app: app } }
  template:
    metadata: { labels: { app: app } }
    spec:
      containers:
      - name: app
        image: ${image}
`;

const config = (name: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  level: debug
`;

/** master: dev/ (app on a master tag, a ConfigMap); release: prod/ (app on a release tag). */
function repo(): { dir: string; git: (...a: string[]) => string; write: (f: string, t: string) => void; done: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-promote-cli-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { encoding: 'utf8' }).trim();
  const write = (f: string, t: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  };
  git('init', '-q', '-b', 'master');
  write('gitops.yaml', CONFIG);
  write('prod/app.yaml', app('prod.azurecr.io/app:release-1', 'glob:release-*'));
  write('prod/old.yaml', config('old'));
  git('add', '-A');
  git('commit', '-qm', 'prod');
  git('branch', 'release');
  write('dev/app.yaml', app('dev.azurecr.io/app:master-7', 'glob:master-*', '  replicas: 2\n'));
  write('dev/settings.yaml', config('settings'));
  write('dev/old.yaml', config('old'));
  git('add', '-A');
  git('commit', '-qm', 'dev');
  git('rm', '-q', 'dev/old.yaml');
  git('commit', '-qm', 'dev: old config goes');
  return { dir, git, write, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('promote --json lists the changed files with their rewrites, the image decisions and what the source removed', async () => {
  const r0 = repo();
  try {
    const r = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.changes, [
      { file: 'prod/app.yaml', action: 'update', rewrites: [
        { line: 7, kind: 'filter', from: 'glob:master-*', to: 'glob:release-*' },
        { line: 16, kind: 'registry', from: 'dev.azurecr.io/app:master-7', to: 'prod.azurecr.io/app:master-7' },
      ] },
      { file: 'prod/settings.yaml', action: 'add', rewrites: [] },
    ]);
    assert.deepEqual(out.images.map((i: { decision: string; written: string }) => [i.decision, i.written]), [['kept-target-tag', 'prod.azurecr.io/app:release-1']]);
    assert.deepEqual(out.refused, []);
    assert.deepEqual(out.removedInSource, ['prod/old.yaml']);
    assert.equal(r0.git('status', '--porcelain'), '', 'the working tree is never touched');
  } finally {
    r0.done();
  }
});

test('promote prints the summary and the diff within 80 columns; --remove deletes what the source removed', async () => {
  const r0 = repo();
  try {
    const r = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--remove']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^- remove prod\/old\.yaml$/m);
    assert.match(r.stdout, /^- update prod\/app\.yaml$/m);
    assert.match(r.stdout, /^\+\+\+ b\/prod\/settings\.yaml$/m);
    assert.match(r.stdout, /^\+  replicas: 2$/m);
    for (const l of r.stdout.split('\n')) if (!/^[-+ @]/.test(l)) assert.ok(l.length <= 80, l);
  } finally {
    r0.done();
  }
});

test('--pr keeps one branch from the target across runs, each time one commit on the target\'s HEAD', async () => {
  const r0 = repo();
  try {
    const first = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--pr', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const branch = 'gitops/promote/dev-to-prod';
    assert.equal(JSON.parse(first.stdout).branch, branch);
    assert.equal(r0.git('rev-parse', `${branch}^`), r0.git('rev-parse', 'release'));
    assert.match(r0.git('log', '-1', '--format=%B', branch), /^Promote dev to prod\n\nPromote dev to prod \(dev at [0-9a-f]{12}, prod at [0-9a-f]{12}\): 2 file\(s\)\./);
    assert.equal(r0.git('show', `${branch}:prod/app.yaml`), app('prod.azurecr.io/app:release-1', 'glob:release-*', '  replicas: 2\n').trimEnd());

    r0.write('dev/settings.yaml', config('settings').replace('debug', 'info'));
    r0.git('commit', '-qam', 'dev: info');
    const second = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--pr']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(r0.git('branch', '--list', 'gitops/promote/*').split('\n').map((b) => b.trim()), [branch]);
    assert.equal(r0.git('rev-list', '--count', `release..${branch}`), '1');
    assert.match(r0.git('show', `${branch}:prod/settings.yaml`), /level: info/);

    // Once merged, nothing new is proposed.
    r0.git('update-ref', 'refs/heads/release', branch);
    const third = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--json']);
    assert.deepEqual(JSON.parse(third.stdout).changes, []);
  } finally {
    r0.done();
  }
});

test('a refused promotion exits 1 with the reason and commits nothing; an environment without promotion exits 2', async () => {
  const r0 = repo();
  try {
    r0.write('dev/new.yaml', app('dev.azurecr.io/app:master-8', 'glob:master-*').replace('name: app\n  annotations', 'name: new\n  annotations'));
    r0.git('add', '-A');
    r0.git('commit', '-qm', 'dev: new app');
    const r = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--pr']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /refused/);
    assert.match(r.stdout, /dev\/new\.yaml:1: default:deployment\/new app: prod's filter glob:release-\*\s+rejects/);
    assert.equal(r0.git('branch', '--list', 'gitops/promote/*'), '');
    const none = await runCli(['promote', '--to', 'dev', '--repo', r0.dir]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /gives dev no promotion/);
  } finally {
    r0.done();
  }
});

test('a promotion whose result does not build is refused as a whole, with the build\'s reason', async () => {
  const r0 = repo();
  try {
    // prod still has ConfigMap old (dev removed its file); dev now declares it in another file: prod would hold it twice.
    r0.write('dev/dup.yaml', config('old'));
    r0.git('add', '-A');
    r0.git('commit', '-qm', 'dev: old moves');
    const r = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--pr', '--json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.ok(out.refused.length > 0);
    for (const x of out.refused) assert.match(x.message, /^the promoted prod does not build: /);
    assert.ok(out.refused.some((x: { message: string }) => /default:configmap\/old/.test(x.message)), JSON.stringify(out.refused));
    assert.equal(out.branch, undefined);
    assert.equal(r0.git('branch', '--list', 'gitops/promote/*'), '');
    // With --remove the old file goes and the same promotion builds.
    const removed = await runCli(['promote', '--to', 'prod', '--repo', r0.dir, '--remove', '--json']);
    assert.equal(removed.code, 0, removed.stdout);
  } finally {
    r0.done();
  }
});
