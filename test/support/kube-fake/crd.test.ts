import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKubeFake, type KubeFake } from './index.ts';
import { applyAt, call } from './http-client.ts';

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
    versions: [{
      name: 'v1', served: true, storage: true,
      schema: { openAPIV3Schema: { type: 'object', properties: {
        spec: { type: 'object', required: ['size'], properties: {
          size: { type: 'integer', minimum: 1 },
          color: { type: 'string', enum: ['red', 'blue'] },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } } },
        } },
        status: { type: 'object', properties: { ready: { type: 'boolean' } } },
      } } },
      subresources: { status: {} },
    }],
  },
};
const WIDGETS = '/apis/example.com/v1/namespaces/default/widgets';
const widget = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec });

async function until(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

describe('kube-fake custom resources', () => {
  let fake: KubeFake;
  // Established by the test (establishCrd), not after a delay a loaded machine might outlast.
  before(async () => { fake = await startKubeFake({ crdEstablishDelayMs: 600_000 }); });
  after(() => fake.close());

  it('serves a custom resource only after its CRD is Established, so apply order matters', async () => {
    const early = await applyAt(fake.url, `${WIDGETS}/w1`, widget('w1', { size: 1 }), 'm');
    assert.equal(early.status, 404, 'no CRD yet');
    const crd = await applyAt(fake.url, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com', CRD, 'm');
    assert.equal(crd.status, 201);
    const tooSoon = await applyAt(fake.url, `${WIDGETS}/w1`, widget('w1', { size: 1 }), 'm');
    assert.equal(tooSoon.status, 404, 'CRD not yet Established');
    assert.equal((await call(fake.url, 'GET', '/apis/example.com/v1')).status, 404);
    fake.establishCrd('widgets.example.com');
    await until(async () => (await call(fake.url, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'))
      .body.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True'));
    const list = await call(fake.url, 'GET', '/apis/example.com/v1');
    assert.deepEqual(list.body.resources, [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: list.body.resources[0].verbs, shortNames: ['wd'] }]);
    const groups = await call(fake.url, 'GET', '/apis');
    assert.ok(groups.body.groups.some((g: any) => g.name === 'example.com' && g.preferredVersion.groupVersion === 'example.com/v1'));
    const ok = await applyAt(fake.url, `${WIDGETS}/w1`, widget('w1', { size: 1, extra: { anything: { goes: true } } }), 'm');
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body.spec.extra, { anything: { goes: true } }, 'x-kubernetes-preserve-unknown-fields keeps unknown fields');
    assert.equal(ok.body.metadata.generation, 1);
  });

  it('validates custom resources against the CRD openAPIV3Schema with 422 causes', async () => {
    await until(async () => (await call(fake.url, 'GET', '/apis/example.com/v1')).status === 200);
    const res = await applyAt(fake.url, `${WIDGETS}/bad`, widget('bad', { size: 'big', color: 'green' }), 'm');
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    const causes = Object.fromEntries(res.body.details.causes.map((c: any) => [c.field, c.reason]));
    assert.equal(causes['spec.size'], 'FieldValueTypeInvalid');
    assert.equal(causes['spec.color'], 'FieldValueNotSupported');
    assert.match(res.body.message, /^Widget\.example\.com "bad" is invalid: \[/);
    const missing = await applyAt(fake.url, `${WIDGETS}/bad`, widget('bad', {}), 'm');
    assert.equal(missing.body.details.causes[0].field, 'spec.size');
  });

  it('rejects unknown fields of a custom resource under apply and prunes them on create', async () => {
    const applied = await applyAt(fake.url, `${WIDGETS}/unk`, widget('unk', { size: 1, nope: 1 }), 'm');
    assert.equal(applied.status, 500);
    assert.match(applied.body.message, /\.spec\.nope: field not declared in schema/);
    const created = await call(fake.url, 'POST', WIDGETS, widget('unk', { size: 1, nope: 1 }));
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.nope, undefined);
  });

  it('merges x-kubernetes-list-type map lists by key across managers', async () => {
    await applyAt(fake.url, `${WIDGETS}/ports`, widget('ports', { size: 1, ports: [{ name: 'http', port: 80 }] }), 'a');
    const res = await applyAt(fake.url, `${WIDGETS}/ports`, widget('ports', { ports: [{ name: 'metrics', port: 9090 }] }), 'b');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.spec.ports, [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }]);
  });

  it('returns the deleted custom resource on DELETE and stops serving the kind when its CRD is deleted', async () => {
    const del = await call(fake.url, 'DELETE', `${WIDGETS}/w1`);
    assert.equal(del.status, 200);
    assert.equal(del.body.kind, 'Widget');
    const crdDel = await call(fake.url, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal(crdDel.status, 200);
    assert.equal((await call(fake.url, 'GET', WIDGETS)).status, 404);
    assert.equal(fake.list({ apiVersion: 'example.com/v1' }).length, 0);
  });

  it('serves a seeded CRD at once', async () => {
    const other = await startKubeFake();
    try {
      other.put(CRD);
      other.put(widget('seeded', { size: 2 }));
      const res = await call(other.url, 'GET', `${WIDGETS}/seeded`);
      assert.equal(res.status, 200);
      assert.equal(res.body.spec.size, 2);
    } finally {
      await other.close();
    }
  });
});
