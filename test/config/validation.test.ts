import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError, describeIssues, loadSettings, parseConfig } from '../../shared/config/index.ts';
import { parsePushEvent } from '../../shared/pipeline/push-event.ts';
import { parseSyncJob } from '../../shared/pipeline/sync-job.ts';

test('a failed parse is worded as path: message, joined with "; ", under a prefix, or at the top level', () => {
  const r = z.strictObject({ a: z.number(), b: z.object({ c: z.string() }) }).safeParse({ a: 'x', b: { c: 1 } });
  assert.ok(!r.success);
  assert.equal(describeIssues(r.error), 'a: Invalid input: expected number, received string; b.c: Invalid input: expected string, received number');
  assert.equal(describeIssues(r.error, ['data']), 'data.a: Invalid input: expected number, received string; data.b.c: Invalid input: expected string, received number');
  const top = z.object({}).safeParse(5);
  assert.ok(!top.success);
  assert.match(describeIssues(top.error), /^\(top level\): /);
  assert.throws(() => parseSyncJob(5), /^Error: invalid sync job: \(top level\): /);
});

test('settings, gitops.yaml and push payloads accept and refuse the same owner/name', () => {
  const push = (fullName: string) => ({ ref: 'refs/heads/m', before: 'a'.repeat(40), after: 'b'.repeat(40), created: false, deleted: false, forced: false, repository: { full_name: fullName } });
  for (const good of ['equinor/radix-flux', 'a_b.c/d-e.f']) {
    assert.equal(parsePushEvent(push(good)).repository.full_name, good);
    assert.equal(parseConfig(`repository: ${good}\nenvironments:\n  dev: { branch: m, path: d }\n`, 'gitops.yaml').repository, good);
    assert.equal(loadSettings({ GITHUB_REPOSITORY: good, GITHUB_TOKEN: 'ghs_x' }).github?.repository, good);
  }
  for (const bad of ['equinor', 'a/b/c', 'a b/c', 'ä/b']) {
    assert.throws(() => parsePushEvent(push(bad)), /repository\.full_name: expected owner\/name/, bad);
    assert.throws(() => parseConfig(`repository: "${bad}"\nenvironments:\n  dev: { branch: m, path: d }\n`, 'gitops.yaml'), (e: unknown) => e instanceof ConfigError && /repository: expected owner\/name/.test(e.message), bad);
    assert.throws(() => loadSettings({ GITHUB_REPOSITORY: bad, GITHUB_TOKEN: 'ghs_x' }), /setting GITHUB_REPOSITORY: expected owner\/name/, bad);
  }
});
