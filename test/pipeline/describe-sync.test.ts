import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipWords, describeSync, STATUS_LIMIT } from '../../shared/pipeline/describe-sync.ts';
import type { SyncClusterResult } from '../../shared/pipeline/sync-cluster.ts';

const result = (extra: Partial<SyncClusterResult>): Omit<SyncClusterResult, 'description'> => ({
  environment: 'development', cluster: 'weekly-47', outcome: 'synced', revision: 'a'.repeat(40), full: true, dryRun: false, skippedBecauseLeaseHeld: false,
  counts: { applied: 2, created: 1, configured: 1, unchanged: 19, failed: 1, pruned: 0, renderErrors: 0 }, objects: [], renderErrors: [], retryable: false, ...extra,
});

test('a status description longer than 140 characters is cut at a word with an ellipsis, never mid-word', () => {
  const d = describeSync(result({ objects: [{ id: 'default:helmrelease/kured', action: 'failed', message: 'the cluster does not serve HelmRelease in helm.fluxcd.io/v1 (is its CustomResourceDefinition installed and Established?)' }] }));
  assert.ok(d.length <= STATUS_LIMIT, String(d.length));
  assert.equal(d, 'weekly-47: 2 applied (1 new), 19 unchanged, 1 failed (default:helmrelease/kured: the cluster does not serve HelmRelease in…');
});

test('clipWords keeps short text, cuts at the last space, and cuts a single overlong word only when it must', () => {
  assert.equal(clipWords('short', 10), 'short');
  assert.equal(clipWords('one two three four', 12), 'one two…');
  assert.equal(clipWords('x'.repeat(30), 10), `${'x'.repeat(9)}…`);
});

test('a second identical sync reads "unchanged", a suspended one says why', () => {
  assert.equal(describeSync(result({ counts: { applied: 0, created: 0, configured: 0, unchanged: 21, failed: 0, pruned: 0, renderErrors: 0 } })), 'weekly-47: 21 unchanged');
  assert.equal(describeSync(result({ outcome: 'suspended', suspended: { reason: 'incident 42', by: 'alice', at: 'x' } })), 'weekly-47: suspended, aaaaaaa not applied (incident 42)');
});
