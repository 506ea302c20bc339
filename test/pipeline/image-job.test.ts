import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageJobOf, parseImageJob } from '../../shared/pipeline/image-job.ts';
import { parseAcrWebhook } from '../../shared/pipeline/registry-event.ts';

const digest = `sha256:${'ab'.repeat(32)}`;

test('an image the ACR webhook accepted survives the queue: the message reads back into the same ImagePushed', () => {
  const body = JSON.stringify({ id: 'evt-1', timestamp: '2026-11-30T12:00:00.1234567Z', action: 'push', target: { repository: 'team/web', tag: 'master-1', digest }, request: { host: 'RadixDev.azurecr.io' } });
  const decision = parseAcrWebhook(body);
  assert.ok(decision.kind === 'image');
  const message = JSON.stringify(imageJobOf(decision.image));
  assert.deepEqual(parseImageJob(message), decision.image);
  assert.deepEqual(parseImageJob(JSON.parse(message)), decision.image);
});

test('an image without a push time, with the longest repository and tag the event schema allows, survives the queue', () => {
  const decision = parseAcrWebhook(JSON.stringify({ id: 'e'.repeat(256), action: 'push', target: { repository: `${'a'.repeat(255)}/${'b'.repeat(256)}`, tag: `t${'x'.repeat(127)}`, digest }, request: { host: 'r.azurecr.io' } }));
  assert.ok(decision.kind === 'image');
  assert.equal(decision.image.pushedAt, undefined);
  assert.deepEqual(parseImageJob(JSON.stringify(imageJobOf(decision.image))), decision.image);
});

test('a queue message that is not an image job is refused with the field that is wrong', () => {
  assert.throws(() => parseImageJob('{'), /image job is not JSON/);
  assert.throws(() => parseImageJob({ v: 1, id: 'x', registry: 'r.azurecr.io', repository: 'web', tag: 'v1', digest: 'sha256:zz' }), /invalid image job: digest: /);
  assert.throws(() => parseImageJob({ ...imageJobOf({ id: 'x', registry: 'r', repository: 'w', tag: 't', digest, pushedAt: undefined }), extra: 1 }), /invalid image job: .*extra/);
});
