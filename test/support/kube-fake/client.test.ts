import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startKubeFake, type KubeFake } from './index.ts';
import { call } from './http-client.ts';

function kubeConfig(server: string, token = 'tok'): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'u', namespace: 'default' }],
    currentContext: 'fake',
  });
  return kc;
}

describe('kube-fake with @kubernetes/client-node and discovery', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake(); });
  after(() => fake.close());

  it('serves /version, /api, /apis and APIResourceLists with names, kinds, verbs and short names', async () => {
    const version = await call(fake.url, 'GET', '/version');
    assert.equal(version.body.gitVersion, 'v1.33.0');
    assert.equal(version.body.major, '1');
    const api = await call(fake.url, 'GET', '/api');
    assert.equal(api.body.kind, 'APIVersions');
    assert.deepEqual(api.body.versions, ['v1']);
    const apis = await call(fake.url, 'GET', '/apis');
    assert.equal(apis.body.kind, 'APIGroupList');
    const names = apis.body.groups.map((g: any) => g.name);
    for (const g of ['apps', 'coordination.k8s.io', 'apiextensions.k8s.io', 'rbac.authorization.k8s.io']) assert.ok(names.includes(g), g);
    const core = await call(fake.url, 'GET', '/api/v1');
    assert.equal(core.body.kind, 'APIResourceList');
    assert.equal(core.body.groupVersion, 'v1');
    const cm = core.body.resources.find((r: any) => r.name === 'configmaps');
    assert.deepEqual({ ...cm, verbs: undefined }, { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: undefined, shortNames: ['cm'] });
    assert.ok(cm.verbs.includes('patch') && cm.verbs.includes('list'));
    const leases = await call(fake.url, 'GET', '/apis/coordination.k8s.io/v1');
    assert.equal(leases.body.resources[0].kind, 'Lease');
    assert.equal((await call(fake.url, 'GET', '/apis/coordination.k8s.io')).body.preferredVersion.version, 'v1');
    assert.equal((await call(fake.url, 'GET', '/apis/nope.example.com/v1')).status, 404);
  });

  it('answers kubectl-style Table requests for get', async () => {
    const res = await call(fake.url, 'GET', '/api/v1/namespaces', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(res.body.kind, 'Table');
    assert.deepEqual(res.body.rows.map((r: any) => r.cells[0]), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('works with KubernetesObjectApi: server-side apply, read, list and delete', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kubeConfig(fake.url));
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    };
    const applied = await client.patch(deployment, undefined, undefined, 'gitops', true, k8s.PatchStrategy.ServerSideApply);
    assert.equal(applied.metadata?.name, 'web');
    const read = await client.read<k8s.V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } });
    assert.equal(read.spec?.replicas, 2);
    assert.equal(read.metadata?.managedFields?.[0]?.manager, 'gitops');
    const list = await client.list('apps/v1', 'Deployment', 'default', undefined, undefined, undefined, undefined, 'app=web');
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['web']);
    const status = await client.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } });
    assert.equal(status.status, 'Success');
    await assert.rejects(
      client.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } }),
      (e: unknown) => e instanceof k8s.ApiException && e.code === 404,
    );
  });

  it('surfaces a 409 apply conflict to KubernetesObjectApi as an ApiException with the Status body', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(kubeConfig(fake.url));
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'default' }, data: { k: v } });
    await client.patch(cm('a'), undefined, undefined, 'one', false, k8s.PatchStrategy.ServerSideApply);
    await assert.rejects(client.patch(cm('b'), undefined, undefined, 'two', false, k8s.PatchStrategy.ServerSideApply), (e: unknown) => {
      assert.ok(e instanceof k8s.ApiException);
      assert.equal(e.code, 409);
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      assert.equal(body.details.causes[0].field, '.data.k');
      return true;
    });
  });

  it('works with CoreV1Api reads of namespaces and ConfigMaps', async () => {
    fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'kube-system' }, data: { mode: 'on' } });
    const core = kubeConfig(fake.url).makeApiClient(k8s.CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'kube-system' });
    assert.equal(cm.data?.mode, 'on');
    const namespaces = await core.listNamespace();
    assert.ok(namespaces.items.some((n) => n.metadata?.name === 'kube-system'));
    const ns = await core.readNamespace({ name: 'default' });
    assert.equal(ns.status?.phase, 'Active');
  });
});
