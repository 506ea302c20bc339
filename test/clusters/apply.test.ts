import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import {
  ApiDiscovery, applyItems, applyObjects, kubeClient, kubeConfigTransport, syncSetName, CHECKSUM_ANNOTATION, GC_MARK_LABEL,
  type ClusterApi, type KubeRequest, type KubeTransport,
} from '../../shared/clusters/index.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { memorySource } from '../support/memory-source.ts';
import { configMap, deployment, fakeEnvironment, GIT_URL, widgetCrd, yamlDocs } from './cluster-fixtures.ts';

/** A client over the fake that records every request it sends, and the sleeps it asks for. */
function recordingApi(fake: KubeFake): ClusterApi & { sent: KubeRequest[]; sleeps: number[] } {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: fake.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }], currentContext: 'c' });
  const inner = kubeConfigTransport(kc);
  const sent: KubeRequest[] = [];
  const sleeps: number[] = [];
  const transport: KubeTransport = (r) => { sent.push(structuredClone(r)); return inner(r); };
  const client = kubeClient(fake.name, transport, { sleep: async (ms) => { sleeps.push(ms); } }, { attempts: 3, baseDelayMs: 10 });
  return { client, discovery: new ApiDiscovery(client), sent, sleeps };
}

async function itemsOf(fake: KubeFake, api: ClusterApi, files: Record<string, string>) {
  const source = memorySource({ master: files });
  const env = fakeEnvironment([fake]);
  await api.discovery.load();
  const r = await renderEnvironment(source, env, source.head('master'), { scopeOf: api.discovery.scopeOf });
  assert.deepEqual(r.errors, []);
  return applyItems(r.resources, syncSetName(GIT_URL, env.branch, [env.path]));
}

const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20))) };
const applies = (api: { sent: KubeRequest[] }) => api.sent.filter((r) => r.method === 'PATCH').map((r) => r.path);

describe('server-side apply against the Kubernetes API fake', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake({ name: 'apply', crdEstablishDelayMs: 150 }); });
  after(() => fake.close());

  it('applies a namespace, a CRD and its custom resources in one pass, waiting for the CRD to be Established', async () => {
    const api = recordingApi(fake);
    const items = await itemsOf(fake, api, { 'development-configs/all.yaml': yamlDocs(
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'shop' }, spec: { size: 1 } },
      deployment('web', 'shop'),
      widgetCrd(),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    ) });
    const outcomes = await applyObjects(api, items, { clock });
    assert.deepEqual(outcomes.map((o) => [o.id, o.action]), [
      ['<cluster>:namespace/shop', 'applied'],
      ['<cluster>:customresourcedefinition/widgets.example.com', 'applied'],
      ['shop:deployment/web', 'applied'],
      ['shop:widget/w1', 'applied'],
    ]);
    assert.deepEqual(applies(api), [
      '/api/v1/namespaces/shop',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com',
      '/apis/apps/v1/namespaces/shop/deployments/web',
      '/apis/example.com/v1/namespaces/shop/widgets/w1',
    ]);
    const crdReads = api.sent.filter((r) => r.method === 'GET' && r.path.endsWith('/customresourcedefinitions/widgets.example.com'));
    assert.ok(crdReads.length >= 1, 'the CRD was polled until Established');
    assert.equal(fake.get('example.com/v1', 'Widget', 'shop', 'w1')?.spec.size, 1);
  });

  it('sends the apply-patch body with the field manager and force, and never server-set fields', async () => {
    const api = recordingApi(fake);
    const cm = configMap('with-server-fields', 'default', { a: '1' });
    Object.assign(cm.metadata as object, { uid: 'u-1', resourceVersion: '99', generation: 4, creationTimestamp: '2020-01-01T00:00:00Z', managedFields: [{ manager: 'x' }], selfLink: '/x' });
    (cm as Record<string, unknown>).status = { phase: 'whatever' };
    const items = await itemsOf(fake, api, { 'development-configs/cm.yaml': yamlDocs(cm) });
    const [outcome] = await applyObjects(api, items, { clock });
    assert.equal(outcome?.action, 'applied', outcome?.message);
    const patch = api.sent.find((r) => r.method === 'PATCH')!;
    assert.equal(patch.contentType, 'application/apply-patch+yaml');
    assert.deepEqual(patch.query, { fieldManager: 'serverless-gitops', force: 'true' });
    const body = patch.body as { metadata: Record<string, unknown>; status?: unknown };
    assert.deepEqual(Object.keys(body.metadata).sort(), ['annotations', 'labels', 'name', 'namespace']);
    assert.equal(body.status, undefined);
    const stored = fake.get('v1', 'ConfigMap', 'default', 'with-server-fields')!;
    assert.equal(stored.metadata.managedFields[0].manager, 'serverless-gitops');
  });

  it('asks back the metadata only and records the resourceVersion from it, or from the whole object a server sends that cannot give that', async () => {
    const api = recordingApi(fake);
    const items = await itemsOf(fake, api, { 'development-configs/cm.yaml': yamlDocs(configMap('metadata-only', 'default', { a: '1' })) });
    const [outcome] = await applyObjects(api, items, { clock });
    const patch = api.sent.find((r) => r.method === 'PATCH')!;
    assert.equal(patch.accept, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json');
    assert.equal(patch.bodyText, JSON.stringify(patch.body));
    assert.equal(outcome?.resourceVersion, fake.get('v1', 'ConfigMap', 'default', 'metadata-only')!.metadata.resourceVersion);

    // A server without the transform answers the object itself: the same resourceVersion is read from it.
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: fake.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }], currentContext: 'c' });
    const inner = kubeConfigTransport(kc);
    const answers: unknown[] = [];
    const plain: KubeTransport = async ({ accept: _accept, ...r }) => { const res = await inner(r); answers.push(res.body); return res; };
    const client = kubeClient(fake.name, plain, { sleep: async () => undefined });
    const changed = await itemsOf(fake, api, { 'development-configs/cm.yaml': yamlDocs(configMap('metadata-only', 'default', { a: '2' })) });
    const [again] = await applyObjects({ client, discovery: new ApiDiscovery(client) }, changed, { clock });
    assert.equal((answers.at(-1) as { data: { a: string } }).data.a, '2');
    assert.equal(again?.resourceVersion, fake.get('v1', 'ConfigMap', 'default', 'metadata-only')!.metadata.resourceVersion);
    assert.notEqual(again?.resourceVersion, outcome?.resourceVersion);
  });

  it('sets the effective namespace on namespaced objects, the gc mark label and a checksum that key order does not change', async () => {
    const api = recordingApi(fake);
    const a = await itemsOf(fake, api, { 'development-configs/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  x: "1"\n  y: "2"\n' });
    const b = await itemsOf(fake, api, { 'development-configs/b.yaml': 'kind: ConfigMap\ndata:\n  y: "2"\n  x: "1"\nmetadata:\n  name: plain\napiVersion: v1\n' });
    assert.equal(a[0]!.checksum, b[0]!.checksum);
    await applyObjects(api, a, { clock });
    const stored = fake.get('v1', 'ConfigMap', 'default', 'plain')!;
    assert.equal(stored.metadata.namespace, 'default');
    assert.equal(stored.metadata.labels[GC_MARK_LABEL], a[0]!.mark);
    assert.equal(stored.metadata.annotations[CHECKSUM_ANNOTATION], a[0]!.checksum);
  });

  it('sends unknown fields as written: a custom resource keeps them, a built-in kind gets the server\'s own schema error', async () => {
    const api = recordingApi(fake);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: 'shop' }, spec: { size: 2, future: { nested: ['x'] } } };
    const bogus = deployment('bogus', 'shop', 'nginx:1.27', { bogusField: 'kept' });
    const items = await itemsOf(fake, api, { 'development-configs/u.yaml': yamlDocs(widget, bogus) });
    const outcomes = await applyObjects(api, items, { clock });
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    assert.equal(byId.get('shop:widget/w2')?.action, 'applied');
    assert.deepEqual(fake.get('example.com/v1', 'Widget', 'shop', 'w2')?.spec.future, { nested: ['x'] });
    const sentDeployment = api.sent.find((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/bogus'))!;
    assert.equal((sentDeployment.body as { spec: Record<string, unknown> }).spec.bogusField, 'kept');
    assert.equal(byId.get('shop:deployment/bogus')?.action, 'failed');
    assert.match(byId.get('shop:deployment/bogus')?.message ?? '', /\.spec\.bogusField: field not declared in schema/);
    assert.equal(applies(api).filter((p) => p.endsWith('/deployments/bogus')).length, 1, 'a schema error is not retried');
  });

  it('records each object\'s failure with the API server\'s message and applies the others', async () => {
    const api = recordingApi(fake);
    const items = await itemsOf(fake, api, { 'development-configs/mixed.yaml': yamlDocs(
      configMap('fine-1', 'default'),
      configMap('lost', 'no-such-namespace'),
      deployment('invalid', 'default', 'nginx', { replicas: 'three' }),
      configMap('fine-2', 'default'),
    ) });
    const outcomes = await applyObjects(api, items, { clock });
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    assert.equal(byId.get('default:configmap/fine-1')?.action, 'applied');
    assert.equal(byId.get('default:configmap/fine-2')?.action, 'applied');
    assert.equal(byId.get('no-such-namespace:configmap/lost')?.status, 404);
    assert.match(byId.get('no-such-namespace:configmap/lost')?.message ?? '', /namespaces "no-such-namespace" not found/);
    assert.equal(byId.get('default:deployment/invalid')?.status, 422);
    assert.match(byId.get('default:deployment/invalid')?.message ?? '', /replicas/);
    assert.equal(byId.get('default:deployment/invalid')?.file, 'development-configs/mixed.yaml');
  });

  it('retries 5xx answers and connection resets, and honours Retry-After on 429', async () => {
    const api = recordingApi(fake);
    const items = await itemsOf(fake, api, { 'development-configs/r.yaml': yamlDocs(configMap('retried', 'default')) });
    fake.setFaults({ errorTimes: 1, resetTimes: 1, methods: ['PATCH'] });
    const [first] = await applyObjects(api, items, { clock });
    assert.equal(first?.action, 'applied', first?.message);
    assert.equal(applies(api).length, 3);
    fake.setFaults({ throttleTimes: 1, retryAfterSeconds: 2, methods: ['PATCH'] });
    api.sleeps.length = 0;
    const [second] = await applyObjects(api, items, { clock });
    assert.equal(second?.action, 'applied');
    assert.deepEqual(api.sleeps, [2000]);
    fake.setFaults({});
  });

  it('gives up on a transient failure after a bounded number of attempts and reports the last error', async () => {
    const api = recordingApi(fake);
    const items = await itemsOf(fake, api, { 'development-configs/r.yaml': yamlDocs(configMap('never', 'default')) });
    fake.setFaults({ errorRate: 1, errorStatus: 503, methods: ['PATCH'] });
    try {
      const [o] = await applyObjects(api, items, { clock });
      assert.equal(o?.action, 'failed');
      assert.equal(o?.status, 503);
      assert.equal(applies(api).length, 3);
      assert.deepEqual(api.sleeps, [10, 20]);
    } finally {
      fake.setFaults({});
    }
  });

  it('applies within a rank with bounded concurrency', async () => {
    // Counted, not timed: the most applies in flight at once (each held 30 ms by the fake so they overlap).
    const slow = await startKubeFake({ name: 'slow', latencyMs: 30 });
    try {
      const api = recordingApi(slow);
      const items = await itemsOf(slow, api, { 'development-configs/many.yaml': yamlDocs(...Array.from({ length: 12 }, (_, i) => configMap(`c${i}`, 'default'))) });
      let inFlight = 0;
      let most = 0;
      const kc = new KubeConfig();
      kc.loadFromOptions({ clusters: [{ name: 'c', server: slow.url, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }], currentContext: 'c' });
      const inner = kubeConfigTransport(kc);
      const client = kubeClient(slow.name, async (r) => {
        const patch = r.method === 'PATCH';
        if (patch) most = Math.max(most, ++inFlight);
        try { return await inner(r); } finally { if (patch) inFlight--; }
      }, clock);
      const outcomes = await applyObjects({ client, discovery: api.discovery }, items, { clock, concurrency: 4 });
      assert.equal(outcomes.filter((o) => o.action === 'applied').length, 12);
      assert.equal(most, 4, '12 objects, at most 4 at a time, and 4 did overlap');
    } finally {
      await slow.close();
    }
  });
});
