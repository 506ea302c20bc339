import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { handleAcrWebhook, type AcrWebhookDeps } from '../../shared/pipeline/acr-webhook.ts';
import type { ImagePushed } from '../../shared/pipeline/registry-event.ts';

const body = readFileSync(new URL('../fixtures/registry/acr-webhook-push.json', import.meta.url), 'utf8');

function deps(secret = 's3cret', header?: string) {
  const seen: ImagePushed[] = [];
  const d: AcrWebhookDeps = { secret, ...(header ? { header } : {}), onImagePushed: async (image) => (seen.push(image), { status: 200, body: { ok: true } }) };
  return { d, seen };
}
const req = (headers: Record<string, string>, text = body) => ({ header: (n: string) => headers[n.toLowerCase()], body: text });

test('an ACR push with the shared secret as a bearer token reaches the image pipeline', async () => {
  const { d, seen } = deps();
  const res = await handleAcrWebhook(req({ authorization: 'Bearer s3cret' }), d);
  assert.equal(res.status, 200);
  assert.deepEqual(seen.map((i) => `${i.registry}/${i.repository}:${i.tag}`), ['myregistry.azurecr.io/hello-world:v1']);
});

test('a custom header carries the bare secret', async () => {
  const { d, seen } = deps('s3cret', 'X-Gitops-Secret');
  assert.equal((await handleAcrWebhook(req({ 'x-gitops-secret': 's3cret' }), d)).status, 200);
  assert.equal((await handleAcrWebhook(req({ authorization: 'Bearer s3cret' }), d)).status, 401);
  assert.equal(seen.length, 1);
});

test('a wrong, missing or unconfigured secret changes nothing', async () => {
  const { d, seen } = deps();
  for (const h of [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cre' }] as Record<string, string>[]) assert.equal((await handleAcrWebhook(req(h), d)).status, 401);
  const off = deps('');
  const res = await handleAcrWebhook(req({ authorization: 'Bearer ' }), off.d);
  assert.equal(res.status, 503);
  assert.match(String(res.body.error), /not configured/);
  assert.equal(seen.length + off.seen.length, 0);
});

test('a malformed body is a 400 with the reason, and a ping or delete is acknowledged and ignored', async () => {
  const { d, seen } = deps();
  const bad = await handleAcrWebhook(req({ authorization: 'Bearer s3cret' }, '{"action":"push"}'), d);
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.error), /target: /);
  const del = await handleAcrWebhook(req({ authorization: 'Bearer s3cret' }, body.replace('"push"', '"delete"')), d);
  assert.deepEqual([del.status, del.body.ignored], [202, 'action delete is not push']);
  assert.equal(seen.length, 0);
});
