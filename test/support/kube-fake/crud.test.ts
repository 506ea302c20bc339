import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeFake, type KubeFake } from './index.ts';
import { applyAt, call } from './http-client.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';

describe('kube-fake create, update, list and delete', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake(); });
  after(() => fake.close());

  it('creates with POST (201) and answers a second create with 409 AlreadyExists', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup' }, data: { a: '1' } };
    const first = await call(fake.url, 'POST', CM, body);
    assert.equal(first.status, 201);
    assert.equal(first.body.metadata.namespace, 'default');
    assert.equal(first.body.metadata.managedFields[0].operation, 'Update');
    const second = await call(fake.url, 'POST', CM, body);
    assert.equal(second.status, 409);
    assert.deepEqual(second.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "dup" already exists',
      reason: 'AlreadyExists', details: { name: 'dup', kind: 'configmaps' }, code: 409,
    });
  });

  it('answers a GET of a missing object with 404 NotFound naming the resource and group', async () => {
    const res = await call(fake.url, 'GET', '/apis/apps/v1/namespaces/default/deployments/ghost');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'deployments.apps "ghost" not found');
    assert.deepEqual(res.body.details, { name: 'ghost', group: 'apps', kind: 'deployments' });
  });

  it('lets exactly one of two Lease writers holding the same resourceVersion win (409 Conflict for the other)', async () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gitops-lock' }, spec: { holderIdentity: 'none', leaseDurationSeconds: 30 } };
    const created = await call(fake.url, 'POST', LEASES, lease);
    assert.equal(created.status, 201);
    const rv = created.body.metadata.resourceVersion;
    const take = (holder: string) => call(fake.url, 'PUT', `${LEASES}/gitops-lock`, { ...created.body, spec: { ...created.body.spec, holderIdentity: holder } });
    const [a, b] = await Promise.all([take('fn-a'), take('fn-b')]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const loser = a.status === 409 ? a : b;
    assert.equal(loser.body.reason, 'Conflict');
    assert.equal(loser.body.message, 'Operation cannot be fulfilled on leases.coordination.k8s.io "gitops-lock": the object has been modified; please apply your changes to the latest version and try again');
    const winner = a.status === 200 ? a : b;
    assert.ok(Number(winner.body.metadata.resourceVersion) > Number(rv));
    assert.equal(fake.get('coordination.k8s.io/v1', 'Lease', 'kube-system', 'gitops-lock')?.spec.holderIdentity, winner.body.spec.holderIdentity);
  });

  it('updates with PUT without a resourceVersion unconditionally, and answers PUT of a missing object with 404', async () => {
    await call(fake.url, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'put' }, data: { a: '1' } });
    const res = await call(fake.url, 'PUT', `${CM}/put`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'put' }, data: { a: '2' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.a, '2');
    assert.equal((await call(fake.url, 'PUT', `${CM}/missing`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'missing' } })).status, 404);
  });

  it('filters lists with every label selector operator', async () => {
    await call(fake.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sel' } });
    const mk = (name: string, labels: Record<string, string>) => applyAt(fake.url, `/api/v1/namespaces/sel/configmaps/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } }, 'm');
    await mk('a', { app: 'web', tier: 'front' });
    await mk('b', { app: 'api', tier: 'back' });
    await mk('c', { app: 'db' });
    const names = async (selector: string) => {
      const res = await call(fake.url, 'GET', `/api/v1/namespaces/sel/configmaps?labelSelector=${encodeURIComponent(selector)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.map((i: any) => i.metadata.name).join(',');
    };
    assert.equal(await names('app=web'), 'a');
    assert.equal(await names('app==api'), 'b');
    assert.equal(await names('app!=web'), 'b,c');
    assert.equal(await names('tier'), 'a,b');
    assert.equal(await names('!tier'), 'c');
    assert.equal(await names('app in (web,db)'), 'a,c');
    assert.equal(await names('app notin (web,db)'), 'b');
    assert.equal(await names('app in (web,api),tier=back'), 'b');
    assert.equal((await call(fake.url, 'GET', `/api/v1/namespaces/sel/configmaps?labelSelector=${encodeURIComponent('a b c')}`)).status, 400);
  });

  it('lists without apiVersion and kind on built-in items, with a List kind and resourceVersion, across namespaces and in pages', async () => {
    const all = await call(fake.url, 'GET', '/api/v1/configmaps');
    assert.equal(all.body.kind, 'ConfigMapList');
    assert.equal(all.body.apiVersion, 'v1');
    assert.ok(all.body.metadata.resourceVersion);
    assert.equal(all.body.items[0].kind, undefined);
    const page1 = await call(fake.url, 'GET', '/api/v1/namespaces/sel/configmaps?limit=2');
    assert.deepEqual(page1.body.items.map((i: any) => i.metadata.name), ['a', 'b']);
    assert.equal(page1.body.metadata.remainingItemCount, 1);
    const page2 = await call(fake.url, 'GET', `/api/v1/namespaces/sel/configmaps?limit=2&continue=${page1.body.metadata.continue}`);
    assert.deepEqual(page2.body.items.map((i: any) => i.metadata.name), ['c']);
    assert.equal(page2.body.metadata.continue, undefined);
  });

  it('answers DELETE of a ConfigMap with a Success Status and a later GET with 404', async () => {
    const created = await call(fake.url, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } });
    const res = await call(fake.url, 'DELETE', `${CM}/gone`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: created.body.metadata.uid }, code: 200 });
    assert.equal((await call(fake.url, 'GET', `${CM}/gone`)).status, 404);
    assert.equal((await call(fake.url, 'DELETE', `${CM}/gone`)).status, 404);
  });

  it('keeps an object with finalizers until they are removed (202 with deletionTimestamp)', async () => {
    await call(fake.url, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const res = await call(fake.url, 'DELETE', `${CM}/fin`);
    assert.equal(res.status, 202);
    assert.ok(res.body.metadata.deletionTimestamp);
    const cleared = await call(fake.url, 'PATCH', `${CM}/fin`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
    assert.equal(cleared.status, 200);
    assert.equal((await call(fake.url, 'GET', `${CM}/fin`)).status, 404);
  });

  it('deletes the objects of a namespace with it', async () => {
    await call(fake.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await call(fake.url, 'POST', '/api/v1/namespaces/doomed/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const res = await call(fake.url, 'DELETE', '/api/v1/namespaces/doomed');
    assert.equal(res.status, 200);
    assert.equal(res.body.status.phase, 'Terminating');
    assert.equal(fake.get('v1', 'ConfigMap', 'doomed', 'x'), undefined);
    const list = await call(fake.url, 'GET', '/api/v1/namespaces/doomed/configmaps');
    assert.equal(list.status, 200, 'a list in a missing namespace is empty, as on a real server');
    assert.deepEqual(list.body.items, []);
  });

  it('hands out strictly increasing resourceVersions and applies merge and json patches', async () => {
    const a = await call(fake.url, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patchme' }, data: { a: '1' } });
    const b = await call(fake.url, 'PATCH', `${CM}/patchme`, { data: { b: '2' } }, { contentType: 'application/merge-patch+json' });
    const c = await call(fake.url, 'PATCH', `${CM}/patchme`, [{ op: 'remove', path: '/data/a' }], { contentType: 'application/json-patch+json' });
    assert.deepEqual(c.body.data, { b: '2' });
    const rvs = [a, b, c].map((r) => Number(r.body.metadata.resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, rvs.join());
  });

  it('seeds objects with put() and exposes them through get() and list()', () => {
    fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed', namespace: 'default', labels: { seeded: 'yes' } } });
    assert.ok(fake.get('v1', 'ConfigMap', 'default', 'seed')?.metadata.uid);
    assert.deepEqual(fake.list({ labelSelector: 'seeded=yes' }).map((o) => o.metadata.name), ['seed']);
  });
});
