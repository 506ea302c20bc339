import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeFake, type KubeFake } from './index.ts';
import { applyAt, call } from './http-client.ts';

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const CM = '/api/v1/namespaces/default/configmaps';

function deployment(name: string, containers: unknown, extraSpec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } }, ...extraSpec },
  };
}

describe('kube-fake validation', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake(); });
  after(() => fake.close());

  it('rejects a Deployment whose containers is a string with 422 Invalid naming the field', async () => {
    for (const res of [
      await applyAt(fake.url, `${DEPLOY}/bad`, deployment('bad', 'nginx'), 'm'),
      await call(fake.url, 'POST', DEPLOY, deployment('bad', 'nginx')),
    ]) {
      assert.equal(res.status, 422);
      assert.equal(res.body.kind, 'Status');
      assert.equal(res.body.apiVersion, 'v1');
      assert.equal(res.body.status, 'Failure');
      assert.equal(res.body.reason, 'Invalid');
      assert.equal(res.body.details.kind, 'Deployment');
      assert.equal(res.body.details.group, 'apps');
      assert.equal(res.body.details.causes[0].field, 'spec.template.spec.containers');
      assert.match(res.body.message, /^Deployment\.apps "bad" is invalid: spec\.template\.spec\.containers: Invalid value/);
    }
    assert.equal(fake.get('apps/v1', 'Deployment', 'default', 'bad'), undefined);
  });

  it('rejects a missing required field and a bad name with 422 causes', async () => {
    const res = await call(fake.url, 'POST', DEPLOY, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'Bad_Name' }, spec: { template: {} } });
    assert.equal(res.status, 422);
    const fields = res.body.details.causes.map((c: any) => `${c.field}:${c.reason}`);
    assert.ok(fields.includes('metadata.name:FieldValueInvalid'), fields.join());
    assert.ok(fields.includes('spec.selector:FieldValueRequired'), fields.join());
  });

  it('drops unknown fields of built-in kinds on create with a Warning header by default (fieldValidation=Warn)', async () => {
    const res = await call(fake.url, 'POST', DEPLOY, deployment('warn', [{ name: 'a', image: 'x', madeUp: 1 }], { bogus: true }));
    assert.equal(res.status, 201);
    assert.equal(res.body.spec.bogus, undefined);
    assert.equal(res.body.spec.template.spec.containers[0].madeUp, undefined);
    const warning = res.headers.get('warning') ?? '';
    assert.match(warning, /299 - "unknown field \\"spec.bogus\\""/);
    assert.match(warning, /unknown field \\"spec.template.spec.containers\[0\].madeUp\\"/);
  });

  it('drops unknown fields silently with fieldValidation=Ignore and rejects them with 400 under fieldValidation=Strict', async () => {
    const ignored = await call(fake.url, 'POST', `${CM}?fieldValidation=Ignore`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ign' }, bogus: 1 });
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.get('warning'), null);
    assert.equal(ignored.body.bogus, undefined);
    const strict = await call(fake.url, 'POST', `${CM}?fieldValidation=Strict`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, bogus: 1 });
    assert.equal(strict.status, 400);
    assert.equal(strict.body.reason, 'BadRequest');
    assert.match(strict.body.message, /strict decoding error: unknown field "bogus"/);
  });

  it('fails a server-side apply that carries an unknown field of a built-in kind, as a real server does (500, field not declared in schema)', async () => {
    const res = await applyAt(fake.url, `${CM}/ssa-unknown`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-unknown' }, spec: { x: 1 } }, 'm', '&fieldValidation=Ignore');
    assert.equal(res.status, 500);
    assert.equal(res.body.message, 'failed to create typed patch object (default/ssa-unknown; /v1, Kind=ConfigMap): .spec: field not declared in schema');
  });

  it('prunes unknown fields in apply per fieldValidation when started with ssaUnknownFields: prune', async () => {
    const lenient = await startKubeFake({ ssaUnknownFields: 'prune' });
    try {
      const warned = await applyAt(lenient.url, `${CM}/p`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, data: { a: 'b' }, extra: 1 }, 'm');
      assert.equal(warned.status, 201);
      assert.equal(warned.body.extra, undefined);
      assert.match(warned.headers.get('warning') ?? '', /unknown field \\"extra\\"/);
      const strict = await applyAt(lenient.url, `${CM}/p`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, extra: 1 }, 'm', '&fieldValidation=Strict');
      assert.equal(strict.status, 400);
    } finally {
      await lenient.close();
    }
  });

  it('rejects namespaced objects in a namespace that does not exist with 404 namespaces "x" not found', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'nope' } };
    for (const res of [
      await applyAt(fake.url, '/api/v1/namespaces/nope/configmaps/c', cm, 'm'),
      await call(fake.url, 'POST', '/api/v1/namespaces/nope/configmaps', cm),
    ]) {
      assert.equal(res.status, 404);
      assert.equal(res.body.reason, 'NotFound');
      assert.equal(res.body.message, 'namespaces "nope" not found');
      assert.deepEqual(res.body.details, { name: 'nope', kind: 'namespaces' });
    }
    const ns = await applyAt(fake.url, '/api/v1/namespaces/nope', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nope' } }, 'm');
    assert.equal(ns.status, 201);
    assert.equal(ns.body.status.phase, 'Active');
    assert.equal((await applyAt(fake.url, '/api/v1/namespaces/nope/configmaps/c', cm, 'm')).status, 201);
  });

  it('rejects a body whose namespace or name differs from the URL with 400 BadRequest', async () => {
    const res = await applyAt(fake.url, `${CM}/one`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two' } }, 'm');
    assert.equal(res.status, 400);
    assert.match(res.body.message, /does not match the name on the URL/);
    const wrongVersion = await applyAt(fake.url, `${CM}/one`, { apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'one' } }, 'm');
    assert.equal(wrongVersion.status, 400);
  });
});
