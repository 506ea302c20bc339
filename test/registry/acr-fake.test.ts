import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acrManifestReader } from '../../shared/registry/acr-manifest-reader.ts';
import { acrTagLister } from '../../shared/registry/acr-tag-lister.ts';
import { imageCreated } from '../../shared/registry/build-times.ts';
import { startAcrFake } from '../support/acr-fake/index.ts';

test('the real ACR client lists tags newest first through the token exchange, over TLS trusted by the client options only', async (t) => {
  const acr = await startAcrFake();
  t.after(() => acr.close());
  for (let i = 1; i <= 5; i++) acr.push('team/web', `master-${i}`);
  const options = { endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca } } };
  const lister = acrTagLister(acr.host, acr.credential, options);
  const listed = await lister.listTags('team/web', 3);
  assert.deepEqual(listed.tags.map((x) => x.name), ['master-5', 'master-4', 'master-3']);
  assert.equal(listed.more, true);
  assert.equal((await lister.listTags('team/web', 10)).more, false);
  assert.equal(await lister.tagDigest('team/web', 'master-1'), acr.images.tags.get('team/web')!.get('master-1')!.digest);
  assert.equal(await lister.tagDigest('team/web', 'gone'), undefined);
  assert.deepEqual([acr.calls.exchange, acr.calls.token! >= 1, acr.calls.challenge! >= 1], [1, true, true]);
});

test('without the CA the client refuses the self-signed registry', async (t) => {
  const acr = await startAcrFake();
  t.after(() => acr.close());
  acr.push('web', 'master-1');
  const lister = acrTagLister(acr.host, acr.credential, { endpoint: acr.url, clientOptions: { retryOptions: { maxRetries: 0 } } });
  await assert.rejects(lister.listTags('web', 10), /self-signed|certificate/i);
});

test('creation times come from the config blob, through a multi-platform index, with the digests verified by the client', async (t) => {
  const acr = await startAcrFake();
  t.after(() => acr.close());
  acr.push('web', 'plain', { created: '2026-11-10T10:00:00Z' });
  acr.push('web', 'multi', { created: '2026-11-11T10:00:00Z', index: true });
  acr.push('web', 'zero', { created: null });
  const reader = acrManifestReader(acr.host, acr.credential, { endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca } } });
  assert.deepEqual(await imageCreated(reader, 'web', 'plain'), new Date('2026-11-10T10:00:00Z'));
  assert.deepEqual(await imageCreated(reader, 'web', acr.images.tags.get('web')!.get('multi')!.digest), new Date('2026-11-11T10:00:00Z'));
  assert.equal(await imageCreated(reader, 'web', 'zero'), null);
});

test('429 answers with Retry-After are retried by the client until the request succeeds', async (t) => {
  const acr = await startAcrFake({ throttleRate: 0.5, retryAfterMs: 5, seed: 3 });
  t.after(() => acr.close());
  acr.push('web', 'master-1');
  const lister = acrTagLister(acr.host, acr.credential, { endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca }, retryOptions: { maxRetries: 20 } } });
  for (let i = 0; i < 10; i++) assert.equal((await lister.listTags('web', 5)).tags.length, 1);
  assert.ok((acr.calls.throttled ?? 0) > 0);
});
