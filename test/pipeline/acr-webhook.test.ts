import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readAcrWebhook } from '../../shared/pipeline/acr-webhook.ts';

const body = readFileSync(new URL('../fixtures/registry/acr-webhook-push.json', import.meta.url), 'utf8');
const MINE = 'myregistry-secret-0123456789';
const OTHER = 'other-registry-secret-987654';
const secrets = new Map([
  ['myregistry.azurecr.io', [MINE]],
  ['other.azurecr.io', [OTHER, 'other-previous-secret-55555']],
]);
const req = (headers: Record<string, string>, text = body) => ({ header: (n: string) => headers[n.toLowerCase()], body: text });

test('an ACR push with its own registry\'s secret as a bearer token is read as an image push', () => {
  const r = readAcrWebhook(req({ authorization: `Bearer ${MINE}` }), { secrets });
  assert.ok(r.kind === 'image');
  assert.equal(`${r.image.registry}/${r.image.repository}:${r.image.tag}`, 'myregistry.azurecr.io/hello-world:v1');
});

test('another registry\'s secret cannot speak for this registry (one secret per registry)', () => {
  for (const secret of [OTHER, 'other-previous-secret-55555']) {
    const r = readAcrWebhook(req({ authorization: `Bearer ${secret}` }), { secrets });
    assert.deepEqual(r, { kind: 'refused', why: 'wrong-registry', reason: "the secret is other.azurecr.io's, but the event is from myregistry.azurecr.io: each registry's webhook sends its own secret" });
  }
  const forOther = body.replace('myregistry.azurecr.io', 'other.azurecr.io');
  assert.equal(readAcrWebhook(req({ authorization: `Bearer ${OTHER}` }, forOther), { secrets }).kind, 'image');
  assert.equal(readAcrWebhook(req({ authorization: `Bearer ${'other-previous-secret-55555'}` }, forOther), { secrets }).kind, 'image', 'the previous secret still works while rotating');
});

test('a custom header carries the bare secret', () => {
  assert.equal(readAcrWebhook(req({ 'x-gitops-secret': MINE }), { secrets, header: 'X-Gitops-Secret' }).kind, 'image');
  assert.equal(readAcrWebhook(req({ authorization: `Bearer ${MINE}` }), { secrets, header: 'X-Gitops-Secret' }).kind, 'refused');
});

test('a wrong or missing secret is refused, and no secrets configured refuses everything', () => {
  for (const h of [{}, { authorization: 'Bearer wrong' }, { authorization: MINE.slice(1) }] as Record<string, string>[]) {
    assert.deepEqual(readAcrWebhook(req(h), { secrets }), { kind: 'refused', why: 'unauthenticated', reason: 'missing or wrong secret in the authorization header' });
  }
  const off = readAcrWebhook(req({ authorization: 'Bearer ' }), { secrets: new Map() });
  assert.ok(off.kind === 'refused' && off.why === 'not-configured' && /ACR_WEBHOOK_SECRETS/.test(off.reason));
});

test('a malformed body is malformed with the reason; a delete or ping is ignored, naming the action', () => {
  const bad = readAcrWebhook(req({ authorization: `Bearer ${MINE}` }, '{"id":"x","action":"push"}'), { secrets });
  assert.ok(bad.kind === 'malformed' && /target: /.test(bad.reason));
  const del = readAcrWebhook(req({ authorization: `Bearer ${MINE}` }, body.replace('"push"', '"delete"')), { secrets });
  assert.ok(del.kind === 'ignored' && del.reason === 'action delete: only push is acted on');
});
