import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli.ts';

test('the demo runs a signed push and an ImagePushed event through the local host to every development cluster and exits 0', async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'gitops-demo-'));
  const r = await runCli(['demo', '--work', work]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const repo = path.join(work, 'repo');
  const git = (...a: string[]) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8' }).trim();
  assert.deepEqual(git('log', '--format=%s', 'master').split('\n').slice(0, 2).map((s) => s.replace(/:master-[0-9a-f]{40}$/, ':master-<sha>')), [
    'Auto-release radixdev.azurecr.io/radix-operator:master-<sha>',
    'Scale web to 3 replicas',
  ]);
  const state = JSON.parse(readFileSync(path.join(work, 'clusters', 'development', '_sync.json'), 'utf8'));
  assert.equal(state.revision, git('rev-parse', 'master'), 'development received HEAD');
  assert.match(readFileSync(path.join(work, 'clusters', 'development', '0004-web_deployment_web.yaml'), 'utf8'), /replicas: 3/);
  assert.match(readFileSync(path.join(work, 'clusters', 'development', '0006-default_helmrelease_radix-operator.yaml'), 'utf8'), new RegExp(git('log', '-1', '--format=%s', 'master').split(':').at(-1)!));
  const release = JSON.parse(readFileSync(path.join(work, 'clusters', 'playground', '_sync.json'), 'utf8'));
  assert.equal(release.revision, git('rev-parse', 'release'), 'playground stays at release');
  assert.match(r.stdout, /Done: the push and the image update reached every cluster of development\./);
});
