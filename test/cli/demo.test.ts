import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../support/run-cli.ts';

test('the demo releases a pushed image into development with one commit and exits 0', async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'gitops-demo-')), 'repo');
  const r = await runCli(['demo', '--dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8' }).trim();
  const subject = git('log', '-1', '--format=%s', 'master');
  assert.match(subject, /^Auto-release radixdev\.azurecr\.io\/radix-operator:master-[0-9a-f]{40}$/);
  assert.equal(git('rev-list', '--count', 'release'), '1', 'playground and production filter release-*: nothing on release');
  assert.match(r.stdout, /master \(development\): committed [0-9a-f]{7}/);
  assert.match(r.stdout, new RegExp(`radix-operator chart-image: ${subject.replace('Auto-release ', '').replace(/\./g, '\\.')}`));
});
