import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectHealth } from '../../../shared/health/object-health.ts';
import { startKubeFake } from './index.ts';
import { applyAt } from './http-client.ts';

const deployment = (name: string, image: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } } },
});
const apply = async (url: string, obj: Record<string, any>) => {
  const r = await applyAt(url, `/apis/apps/v1/namespaces/default/deployments/${obj.metadata.name}`, obj, 'test');
  assert.ok(r.status < 300, JSON.stringify(r.body));
};

test('with the controller simulation on, an applied Deployment becomes available for its generation; a spec change starts over', async (t) => {
  const fake = await startKubeFake({ controllers: { delayMs: 3_600_000 } });
  t.after(() => fake.close());
  await apply(fake.url, deployment('web', 'web:1'));
  assert.equal(objectHealth(fake.get('apps/v1', 'Deployment', 'default', 'web')!)?.status, 'in-progress');
  fake.flushControllers();
  await fake.controllersIdle();
  const ready = fake.get('apps/v1', 'Deployment', 'default', 'web')!;
  assert.deepEqual([ready.status.observedGeneration, ready.status.availableReplicas, objectHealth(ready)?.status], [1, 2, 'current']);
  assert.ok(ready.metadata.managedFields.some((f: any) => f.manager === 'kube-controller-manager' && f.subresource === 'status'));
  await apply(fake.url, deployment('web', 'web:2'));
  assert.equal(objectHealth(fake.get('apps/v1', 'Deployment', 'default', 'web')!)?.status, 'in-progress', 'generation 2 is not observed yet');
  fake.flushControllers();
  assert.equal(fake.get('apps/v1', 'Deployment', 'default', 'web')!.status.observedGeneration, 2);
});

test('the simulation can leave an object stuck or fail it with a message', async (t) => {
  const fake = await startKubeFake({ controllers: { outcome: (o) => (o.metadata.name === 'stuck' ? 'stuck' : { fail: 'ReplicaSet "bad-1" has timed out progressing.' }) } });
  t.after(() => fake.close());
  await apply(fake.url, deployment('stuck', 'x:1'));
  await apply(fake.url, deployment('bad', 'x:1'));
  await fake.controllersIdle();
  assert.equal(objectHealth(fake.get('apps/v1', 'Deployment', 'default', 'stuck')!)?.status, 'in-progress');
  assert.deepEqual(objectHealth(fake.get('apps/v1', 'Deployment', 'default', 'bad')!), { status: 'failed', message: 'Progress deadline exceeded: ReplicaSet "bad-1" has timed out progressing.' });
});

test('without the simulation nothing sets a status', async (t) => {
  const fake = await startKubeFake();
  t.after(() => fake.close());
  await apply(fake.url, deployment('web', 'web:1'));
  await fake.controllersIdle();
  assert.equal(fake.get('apps/v1', 'Deployment', 'default', 'web')!.status, undefined);
});
