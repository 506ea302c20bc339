/**
 * The one mapping from domain outcomes to HTTP: what GitHub and ACR see for each outcome. (The paths from raw
 * requests to these outcomes are tested in test/pipeline/github-delivery.test.ts, on-pull-request.test.ts and
 * test/e2e; this pins the table itself.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acrWebhookResponse, gitHubDeliveryResponse, imageQueuedResponse, pullRequestResponse, pushResponse } from '../../shared/app/http-outcomes.ts';

test('a refused GitHub delivery answers 503 unconfigured, 401 unauthenticated, 413 too large, 415 unsupported media; malformed 400', () => {
  const refused = (why: 'not-configured' | 'unauthenticated' | 'too-large' | 'unsupported-media') => gitHubDeliveryResponse({ kind: 'refused', why, reason: `r-${why}` });
  assert.deepEqual(refused('not-configured'), { status: 503, body: { error: 'r-not-configured' } });
  assert.deepEqual(refused('unauthenticated'), { status: 401, body: { error: 'r-unauthenticated' } });
  assert.deepEqual(refused('too-large'), { status: 413, body: { error: 'r-too-large' } });
  assert.deepEqual(refused('unsupported-media'), { status: 415, body: { error: 'r-unsupported-media' } });
  assert.deepEqual(gitHubDeliveryResponse({ kind: 'malformed', reason: 'm' }), { status: 400, body: { error: 'm' } });
  assert.deepEqual(gitHubDeliveryResponse({ kind: 'ping', zen: 'z' }), { status: 200, body: { ok: true, event: 'ping', zen: 'z' } });
  assert.deepEqual(gitHubDeliveryResponse({ kind: 'ignored', reason: 'i' }), { status: 202, body: { ignored: 'i' } });
});

test('a push answers 422 for an invalid configuration naming the commit, 202 ignored or queued with its summary, 200 duplicate', () => {
  const revision = 'a'.repeat(40);
  assert.deepEqual(pushResponse({ kind: 'config-invalid', revision, reason: 'bad' }), { status: 422, body: { error: `invalid configuration at ${revision}: bad` } });
  assert.deepEqual(pushResponse({ kind: 'ignored', reason: 'tag' }), { status: 202, body: { ignored: 'tag' } });
  assert.deepEqual(pushResponse({ kind: 'duplicate', delivery: 'd', revision }), { status: 200, body: { duplicate: true, delivery: 'd', revision } });
  const summary = { revision, branch: 'main', jobs: [{ environment: 'dev', cluster: 'c', full: false, changed: 1, removed: 0 }], environments: [{ name: 'dev', full: false }], unaffected: [], withoutClusters: [] };
  assert.deepEqual(gitHubDeliveryResponse({ kind: 'push', outcome: { kind: 'queued', ...summary } }), { status: 202, body: summary });
});

test('a pull request answers 422, 202 ignored or queued, 200 duplicate; the ACR webhook 503/401/403 refused, 400 malformed, 202 ignored or queued', () => {
  assert.deepEqual(pullRequestResponse({ kind: 'config-invalid', reason: 'bad' }), { status: 422, body: { error: 'invalid configuration: bad' } });
  assert.deepEqual(pullRequestResponse({ kind: 'duplicate', delivery: 'd', head: 'h' }), { status: 200, body: { duplicate: true, delivery: 'd', head: 'h' } });
  assert.deepEqual(pullRequestResponse({ kind: 'queued', pullRequest: 7, head: 'h', environments: [{ name: 'dev', reason: undefined }], untouched: ['qa'] }).status, 202);
  const acr = (why: 'not-configured' | 'unauthenticated' | 'wrong-registry') => acrWebhookResponse({ kind: 'refused', why, reason: why }).status;
  assert.deepEqual([acr('not-configured'), acr('unauthenticated'), acr('wrong-registry')], [503, 401, 403]);
  assert.deepEqual(acrWebhookResponse({ kind: 'malformed', reason: 'm' }), { status: 400, body: { error: 'm' } });
  assert.deepEqual(acrWebhookResponse({ kind: 'ignored', reason: 'i' }), { status: 202, body: { ignored: 'i' } });
  const digest = `sha256:${'ab'.repeat(32)}`;
  assert.deepEqual(imageQueuedResponse({ v: 1, id: 'e', registry: 'r.azurecr.io', repository: 'web', tag: 'v1', digest }), { status: 202, body: { queued: { id: 'e', image: 'r.azurecr.io/web:v1', digest } } });
});
