import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedImageEvents, lostPushWebhook, scanCalls } from './scan-scenarios.ts';

test('every event for twenty pushes dropped: one scan catches every image up, none missed', async () => {
  const r = await droppedImageEvents(20);
  assert.deepEqual([r.images_missed, r.scan_errors, r.commits], [0, 0, 1]);
});

test('a registry answering 10% of requests with 429 loses nothing: the scan waits as asked and catches every image up', async () => {
  const r = await droppedImageEvents(20, 0.1);
  assert.ok(r.throttled > 0, 'the registry throttled some requests');
  assert.deepEqual([r.images_missed, r.scan_errors], [0, 0]);
});

test('registry calls per scan grow with the followed repositories, and a warm scan reads no image twice', async () => {
  const r = await scanCalls(10);
  assert.equal(r.calls_by_kind_cold.tags, 10);
  assert.equal(r.calls_by_kind_warm.tags, 10);
  assert.equal(r.calls_by_kind_warm.manifest ?? 0, 0);
  assert.equal(r.calls_by_kind_warm.blob ?? 0, 0);
  assert.ok(r.calls_warm < r.calls_cold);
});

test('a lost push webhook: the clusters stay behind HEAD until one reconcile run brings every one to HEAD', async () => {
  const r = await lostPushWebhook(3);
  assert.equal(r.behind_after_push, 3);
  assert.equal(r.reconcile_jobs, 3);
  assert.equal(r.clusters_off_head_after_one_reconcile, 0);
});
