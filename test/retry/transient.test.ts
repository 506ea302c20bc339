import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalClientStatuses, isTransientStatus, NO_ANSWER } from '../../shared/retry/transient.ts';

test('no answer, 408, 429 and 5xx are transient; other 4xx and a schema error are final', () => {
  for (const status of [NO_ANSWER, 408, 429, 500, 502, 503, 504]) assert.equal(isTransientStatus(status), true, `${status}`);
  for (const status of [400, 401, 403, 404, 409, 410, 422, 451]) assert.equal(isTransientStatus(status), false, `${status}`);
  assert.equal(isTransientStatus(500, '.spec.foo: field not declared in schema'), false, 'the API server will refuse it again');
  assert.equal(isTransientStatus(500, 'failed to create typed patch object (/v1, Kind=ConfigMap)'), false);
});

test('the GitHub retry plugin is told not to retry exactly the final 4xx, and 429 (the throttling plugin waits those)', () => {
  const final = finalClientStatuses();
  assert.ok(final.includes(429), '429 is the throttling plugin\'s');
  assert.ok(!final.includes(408), 'a request timeout is retried');
  for (const status of [400, 401, 403, 404, 409, 410, 422, 451]) assert.ok(final.includes(status), `${status}`);
  assert.ok(final.every((s) => s >= 400 && s < 500));
});
