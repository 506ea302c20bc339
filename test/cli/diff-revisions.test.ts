/**
 * `gitops diff --base REF --head REF`: two revisions of a local repository compared without a cluster, with the
 * pull-request preview's engine and summary (markdown or JSON).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, type TestRepo } from '../support/git-repo.ts';
import { runCli } from '../support/run-cli.ts';

const CONFIG = 'environments:\n  dev: { branch: main, path: dev }\n';
const deployment = (tag: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/web: semver:~1.2
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: web
          image: registry.example/web:${tag}
`;

function commitOn(repo: TestRepo, branch: string, files: Record<string, string | null>, message: string): void {
  repo.git('checkout', '-q', branch);
  for (const [p, text] of Object.entries(files)) {
    const file = path.join(repo.dir, p);
    if (text === null) rmSync(file);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  repo.git('add', '-A');
  repo.git('commit', '-qm', message);
}

function fixture(): TestRepo {
  const repo = makeRepo({ 'gitops.yaml': CONFIG, 'dev/web.yaml': deployment('1.2.3', 1), 'dev/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: web\n' }, ['main']);
  repo.git('checkout', '-q', '-b', 'feature');
  commitOn(repo, 'feature', { 'dev/web.yaml': deployment('1.3.0', 2), 'dev/cm.yaml': null }, 'Bump web');
  // main moves on after the branch: its own change must not look reverted by the pull request.
  commitOn(repo, 'main', { 'dev/later.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n  namespace: web\n' }, 'Later on main');
  return repo;
}

test('two revisions are compared from where the head branched off, as the check run summary', async () => {
  const repo = fixture();
  const r = await runCli(['diff', '--repo', repo.dir, '--env', 'dev', '--base', 'main', '--head', 'feature']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /\| 0 \| 1 \| 1 \| 1 \|/);
  assert.match(r.stdout, /\| web\\:deployment\/web \| changed \| spec\.replicas, spec\.template\.spec\.containers\\\[name=web\\\]\.image \|/);
  assert.match(r.stdout, /\| web\\:configmap\/cm \| removed \| \|/);
  assert.match(r.stdout, /registry\.example\/web\\:1\.2\.3 → registry\.example\/web\\:1\.3\.0 \| semver\\:\\~1\.2 \(automated\) \| no: tag 1\.3\.0 does not match semver\\:\\~1\.2 \|/);
  assert.doesNotMatch(r.stdout, /later/, 'a commit the base gained later is not shown as reverted');
  assert.match(r.stdout, /where feature branched off main/);
});

test('--json gives the preview JSON; identical revisions exit 0', async () => {
  const repo = fixture();
  const r = await runCli(['diff', '--repo', repo.dir, '--env', 'dev', '--base', 'main', '--head', 'feature', '--json']);
  const json = JSON.parse(r.stdout) as { conclusion: string; groups: { diff: { summary: Record<string, number>; changed: { fields: { path: string }[] }[] }; images: { from: string; to: string; accepted: boolean }[] }[] };
  assert.equal(json.conclusion, 'success');
  assert.deepEqual(json.groups[0]!.diff.summary, { added: 0, removed: 1, changed: 1, unchanged: 0 });
  assert.deepEqual(json.groups[0]!.diff.changed[0]!.fields.map((f) => f.path), ['spec.replicas', 'spec.template.spec.containers[name=web].image']);
  assert.deepEqual(json.groups[0]!.images.map((i) => [i.from, i.to, i.accepted]), [['registry.example/web:1.2.3', 'registry.example/web:1.3.0', false]]);
  const same = await runCli(['diff', '--repo', repo.dir, '--env', 'dev', '--base', 'main', '--head', 'main']);
  assert.equal(same.code, 0, same.stdout);
  assert.match(same.stdout, /\| 0 \| 0 \| 0 \| 0 \|/);
});

test('a file that does not parse at the head fails with its file and line; bad flags are usage errors', async () => {
  const repo = fixture();
  commitOn(repo, 'feature', { 'dev/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\n' }, 'Broken');
  const r = await runCli(['diff', '--repo', repo.dir, '--env', 'dev', '--base', 'main', '--head', 'feature', '--json']);
  assert.equal(r.code, 1);
  const json = JSON.parse(r.stdout) as { conclusion: string; errors: { file: string; line: number }[] };
  assert.equal(json.conclusion, 'failure');
  assert.deepEqual(json.errors.map((e) => [e.file, e.line]), [['dev/bad.yaml', 4]]);
  for (const [args, message] of [
    [['--base', 'main'], /--base and --head go together/],
    [['--base', 'main', '--head', 'nope'], /--head nope: no such revision/],
    [['--base', 'main', '--head', 'feature', '--var', '1x=2'], /--var 1x=2: expected NAME=VALUE/],
    [['--base', 'main', '--head', 'feature', '--kubeconfig', 'k'], /--kubeconfig does not apply/],
  ] as const) {
    const bad = await runCli(['diff', '--repo', repo.dir, '--env', 'dev', ...args]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
  }
});
