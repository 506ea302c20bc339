import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeFake, type KubeFake } from './index.ts';
import { applyAt, call } from './http-client.ts';

describe('kube-fake faults, credentials and counts', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake({ name: 'east' }); });
  after(() => fake.close());

  it('delays every answer by the configured latency', async () => {
    fake.setFaults({ latencyMs: 120 });
    const start = Date.now();
    assert.equal((await call(fake.url, 'GET', '/version')).status, 200);
    assert.ok(Date.now() - start >= 110);
    fake.setFaults({});
  });

  it('answers the next N requests with a 5xx Status and then recovers', async () => {
    fake.setFaults({ errorTimes: 2 });
    const a = await call(fake.url, 'GET', '/api/v1/namespaces');
    const b = await call(fake.url, 'GET', '/api/v1/namespaces');
    const c = await call(fake.url, 'GET', '/api/v1/namespaces');
    assert.deepEqual([a.status, b.status, c.status], [500, 500, 200]);
    assert.equal(a.body.kind, 'Status');
    assert.equal(a.body.reason, 'InternalError');
  });

  it('fails every request at an error rate of 1 with the chosen status, and only for the chosen methods', async () => {
    fake.setFaults({ errorRate: 1, errorStatus: 503, methods: ['PATCH'] });
    assert.equal((await call(fake.url, 'GET', '/version')).status, 200);
    const res = await applyAt(fake.url, '/api/v1/namespaces/default/configmaps/x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'm');
    assert.equal(res.status, 503);
    assert.equal(res.body.reason, 'ServiceUnavailable');
    fake.setFaults({});
  });

  it('injects a rate of faults reproducibly from a seed', async () => {
    const run = async () => {
      fake.setFaults({ errorRate: 0.5, seed: 42 });
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) codes.push((await call(fake.url, 'GET', '/version')).status);
      return codes;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(500) && first.includes(200));
    fake.setFaults({});
  });

  it('resets connections without an answer', async () => {
    fake.setFaults({ resetTimes: 1 });
    await assert.rejects(fetch(`${fake.url}/version`));
    assert.equal((await call(fake.url, 'GET', '/version')).status, 200);
  });

  it('answers 429 TooManyRequests with Retry-After', async () => {
    fake.setFaults({ throttleTimes: 1, retryAfterSeconds: 3 });
    const res = await call(fake.url, 'GET', '/api/v1/namespaces');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.equal(res.body.reason, 'TooManyRequests');
    assert.equal(res.body.details.retryAfterSeconds, 3);
    assert.equal((await call(fake.url, 'GET', '/api/v1/namespaces')).status, 200);
  });

  it('refuses connections while down and serves the same state on the same port when up again', async () => {
    fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor', namespace: 'default' } });
    await fake.setDown(true);
    try {
      // A pooled keep-alive connection may fail first with a socket error; a new connection is refused.
      await assert.rejects(fetch(`${fake.url}/version`));
      await assert.rejects(fetch(`${fake.url}/version`), (e: any) => e?.cause?.code === 'ECONNREFUSED');
    } finally {
      await fake.setDown(false);
    }
    assert.equal((await call(fake.url, 'GET', '/api/v1/namespaces/default/configmaps/survivor')).status, 200);
  });

  it('requires the bearer token when one is set, so one cluster\'s credentials never reach another', async () => {
    const west = await startKubeFake({ name: 'west', token: 'west-token' });
    try {
      fake.setToken('east-token');
      const none = await call(west.url, 'GET', '/api/v1/namespaces');
      assert.equal(none.status, 401);
      assert.deepEqual(none.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      assert.equal((await call(west.url, 'GET', '/api/v1/namespaces', undefined, { token: 'east-token' })).status, 401);
      assert.equal((await call(fake.url, 'GET', '/api/v1/namespaces', undefined, { token: 'west-token' })).status, 401);
      assert.equal((await call(west.url, 'GET', '/api/v1/namespaces', undefined, { token: 'west-token' })).status, 200);
      assert.equal((await call(fake.url, 'GET', '/api/v1/namespaces', undefined, { token: 'east-token' })).status, 200);
    } finally {
      fake.setToken(undefined);
      await west.close();
    }
  });

  it('counts requests by verb and by verb and path, and resets the counts', async () => {
    fake.resetCounts();
    await call(fake.url, 'GET', '/api/v1');
    await applyAt(fake.url, '/api/v1/namespaces/default/configmaps/counted', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counted' } }, 'm');
    await applyAt(fake.url, '/api/v1/namespaces/default/configmaps/counted', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counted' } }, 'm');
    await call(fake.url, 'GET', '/api/v1/namespaces/default/configmaps');
    const counts = fake.requestCount();
    assert.equal(counts.total, 4);
    assert.deepEqual(counts.byVerb, { discovery: 1, apply: 2, list: 1 });
    assert.equal(counts.byVerbAndPath['apply /api/v1/namespaces/default/configmaps/counted'], 2);
    fake.resetCounts();
    assert.equal(fake.requestCount().total, 0);
  });

  // The fake's speed at 2,000 objects is a bench figure (`npm run bench -- --only clusters`), not a test.
  it('takes 200 concurrent applies (16 at a time) and lists them back by label selector', async () => {
    const bench = await startKubeFake();
    try {
      let next = 0;
      const worker = async () => {
        while (next < 200) {
          const i = next++;
          const name = `web-${i}`;
          const res = await applyAt(bench.url, `/apis/apps/v1/namespaces/default/deployments/${name}`, {
            apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name, batch: String(i % 10) } },
            spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }], env: [{ name: 'I', value: String(i) }] }] } } },
          }, 'bench');
          assert.equal(res.status, 201);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      assert.equal(bench.list({ kind: 'Deployment' }).length, 200);
      const selected = await call(bench.url, 'GET', '/apis/apps/v1/namespaces/default/deployments?labelSelector=batch%3D3');
      assert.equal(selected.body.items.length, 20);
    } finally {
      await bench.close();
    }
  });
});
