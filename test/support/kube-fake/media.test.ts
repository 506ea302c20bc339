import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeFake, type KubeFake } from './index.ts';
import { call } from './http-client.ts';
import { negotiate } from './media.ts';

const PARTIAL = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const CM = '/api/v1/namespaces/default/configmaps';

describe('kube-fake answers in the form Accept negotiates', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake(); });
  after(() => fake.close());

  it('a server-side apply asked for PartialObjectMetadata answers with the stored metadata only', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'meta', namespace: 'default', labels: { a: 'b' } }, data: { k: 'v' } };
    const res = await call(fake.url, 'PATCH', `${CM}/meta?fieldManager=gitops&force=true`, cm, { contentType: 'application/apply-patch+yaml', accept: `${PARTIAL},application/json` });
    assert.equal(res.status, 201);
    const full = await call(fake.url, 'GET', `${CM}/meta`);
    assert.deepEqual(res.body, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: full.body.metadata });
    assert.equal(res.body.metadata.managedFields[0].manager, 'gitops');
    assert.equal(full.body.data.k, 'v');
  });

  it('reads and lists take the single and list forms; the other one is 406 NotAcceptable, as the API server answers', async () => {
    await call(fake.url, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'listed' }, data: { x: '1' } });
    const one = await call(fake.url, 'GET', `${CM}/listed`, undefined, { accept: PARTIAL });
    assert.equal(one.body.kind, 'PartialObjectMetadata');
    assert.equal(one.body.data, undefined);
    const list = await call(fake.url, 'GET', CM, undefined, { accept: PARTIAL_LIST });
    assert.equal(list.body.kind, 'PartialObjectMetadataList');
    assert.ok(list.body.metadata.resourceVersion);
    const item = list.body.items.find((i: any) => i.metadata.name === 'listed');
    assert.deepEqual(Object.keys(item).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(item.kind, 'PartialObjectMetadata');

    const wrongList = await call(fake.url, 'GET', CM, undefined, { accept: PARTIAL });
    assert.equal(wrongList.status, 406);
    assert.equal(wrongList.body.reason, 'NotAcceptable');
    assert.equal(wrongList.body.message, 'you requested PartialObjectMetadata, but the requested object is a list (*v1.ConfigMapList)');
    const wrongOne = await call(fake.url, 'GET', `${CM}/listed`, undefined, { accept: PARTIAL_LIST });
    assert.equal(wrongOne.status, 406);
    assert.equal(wrongOne.body.message, 'you requested PartialObjectMetadataList, but the requested object is not a list (*v1.ConfigMap)');
  });

  it('errors stay Status objects whatever the form asked', async () => {
    const res = await call(fake.url, 'GET', `${CM}/absent`, undefined, { accept: PARTIAL });
    assert.equal(res.status, 404);
    assert.equal(res.body.kind, 'Status');
  });

  it('clauses go by q-value, then header order; q=0, unknown versions and unserved types are passed over', () => {
    assert.deepEqual(negotiate(`${PARTIAL},application/json`), { as: 'PartialObjectMetadata', version: 'v1' });
    assert.deepEqual(negotiate(`application/json,${PARTIAL}`), { as: 'object' });
    assert.deepEqual(negotiate(`application/json;q=0.5,${PARTIAL}`), { as: 'PartialObjectMetadata', version: 'v1' });
    assert.deepEqual(negotiate(`${PARTIAL};q=0,application/json`), { as: 'object' });
    assert.deepEqual(negotiate('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2,application/json'), { as: 'object' });
    assert.deepEqual(negotiate('application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1,application/json;as=Table;g=meta.k8s.io;v=v1beta1'), { as: 'Table', version: 'v1beta1' });
    assert.deepEqual(negotiate(undefined), { as: 'object' });
  });
});
