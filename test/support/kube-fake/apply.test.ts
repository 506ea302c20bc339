import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeFake, type KubeFake } from './index.ts';
import { applyAt, call } from './http-client.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

describe('kube-fake server-side apply', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake(); });
  after(() => fake.close());

  it('creates the object on first apply (201) and merges a second manager\'s fields into it (200)', async () => {
    const created = await applyAt(fake.url, `${CM}/merge`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'merge' }, data: { a: '1' } }, 'alpha');
    assert.equal(created.status, 201);
    assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.ok(created.body.metadata.creationTimestamp);
    const merged = await applyAt(fake.url, `${CM}/merge`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'merge' }, data: { b: '2' } }, 'beta');
    assert.equal(merged.status, 200);
    assert.deepEqual(merged.body.data, { a: '1', b: '2' });
    assert.ok(Number(merged.body.metadata.resourceVersion) > Number(created.body.metadata.resourceVersion));
    const owners = Object.fromEntries(merged.body.metadata.managedFields.map((e: any) => [e.manager, e]));
    assert.deepEqual(owners.alpha.fieldsV1, { 'f:data': { 'f:a': {} } });
    assert.deepEqual(owners.beta.fieldsV1, { 'f:data': { 'f:b': {} } });
    assert.equal(owners.alpha.operation, 'Apply');
    assert.equal(owners.alpha.fieldsType, 'FieldsV1');
  });

  it('removes fields that a manager applied before and no longer applies, unless another manager owns them', async () => {
    const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prune', labels: { keep: 'yes', drop: 'yes' } }, data: { x: '1', shared: 's' } };
    await applyAt(fake.url, `${CM}/prune`, base, 'alpha');
    await applyAt(fake.url, `${CM}/prune`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prune' }, data: { shared: 's' } }, 'beta');
    const res = await applyAt(fake.url, `${CM}/prune`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prune', labels: { keep: 'yes' } }, data: {} }, 'alpha');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.metadata.labels, { keep: 'yes' });
    assert.deepEqual(res.body.data, { shared: 's' });
  });

  it('merges containers as a list keyed by name and removes a container its manager stopped applying', async () => {
    const two = deployment('lists');
    (two.spec.template as any).spec.containers.push({ name: 'sidecar', image: 'busybox:1' });
    await applyAt(fake.url, `${DEPLOY}/lists`, two, 'alpha');
    const other = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'lists' }, spec: { template: { spec: { containers: [{ name: 'app', resources: { limits: { cpu: '1' } } }] } } } };
    const r2 = await applyAt(fake.url, `${DEPLOY}/lists`, other, 'beta');
    assert.equal(r2.status, 200, JSON.stringify(r2.body));
    assert.deepEqual(r2.body.spec.template.spec.containers.map((c: any) => c.name), ['app', 'sidecar']);
    assert.deepEqual(r2.body.spec.template.spec.containers[0].resources, { limits: { cpu: '1' } });
    const r3 = await applyAt(fake.url, `${DEPLOY}/lists`, deployment('lists'), 'alpha');
    assert.deepEqual(r3.body.spec.template.spec.containers, [{ name: 'app', image: 'nginx:1', resources: { limits: { cpu: '1' } } }]);
  });

  it('answers 409 Conflict naming the field and the manager when another manager owns a field with a different value, and moves ownership with force', async () => {
    await applyAt(fake.url, `${DEPLOY}/conflict`, deployment('conflict', { replicas: 2 }), 'gitops');
    const clash = await applyAt(fake.url, `${DEPLOY}/conflict`, deployment('conflict', { replicas: 5 }), 'hpa-like');
    assert.equal(clash.status, 409);
    assert.equal(clash.body.kind, 'Status');
    assert.equal(clash.body.reason, 'Conflict');
    assert.equal(clash.body.message, 'Apply failed with 1 conflict: conflict with "gitops": .spec.replicas');
    assert.deepEqual(clash.body.details.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "gitops"', field: '.spec.replicas' }]);
    const same = await applyAt(fake.url, `${DEPLOY}/conflict`, deployment('conflict', { replicas: 2 }), 'hpa-like');
    assert.equal(same.status, 200, 'the same value is shared ownership, not a conflict');
    const forced = await applyAt(fake.url, `${DEPLOY}/conflict`, deployment('conflict', { replicas: 5 }), 'hpa-like', '&force=true');
    assert.equal(forced.status, 200);
    assert.equal(forced.body.spec.replicas, 5);
    const gitops = forced.body.metadata.managedFields.find((e: any) => e.manager === 'gitops');
    assert.equal(gitops.fieldsV1['f:spec']['f:replicas'], undefined);
    const back = await applyAt(fake.url, `${DEPLOY}/conflict`, deployment('conflict', { replicas: 2 }), 'gitops');
    assert.equal(back.status, 409);
    assert.match(back.body.message, /conflict with "hpa-like": \.spec\.replicas/);
  });

  it('conflicts with a manager that took a field by update (operation Update), naming its apiVersion', async () => {
    await applyAt(fake.url, `${CM}/upd`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'upd' }, data: { k: 'a' } }, 'gitops');
    const patched = await call(fake.url, 'PATCH', `${CM}/upd?fieldManager=kubectl-edit`, { data: { k: 'b' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200);
    const clash = await applyAt(fake.url, `${CM}/upd`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'upd' }, data: { k: 'a' } }, 'gitops');
    assert.equal(clash.status, 409);
    assert.equal(clash.body.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.k');
  });

  it('requires fieldManager for apply (422) and rejects force on other patch types', async () => {
    const noManager = await call(fake.url, 'PATCH', `${CM}/x`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { contentType: 'application/apply-patch+yaml' });
    assert.equal(noManager.status, 422);
    assert.equal(noManager.body.details.causes[0].field, 'fieldManager');
    await applyAt(fake.url, `${CM}/x`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'm');
    const forced = await call(fake.url, 'PATCH', `${CM}/x?force=true`, { data: { a: 'b' } }, { contentType: 'application/merge-patch+json' });
    assert.equal(forced.status, 422);
  });

  it('accepts a YAML apply body and leaves resourceVersion alone when the apply changes nothing', async () => {
    const yamlBody = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml\ndata:\n  mode: "0755"\n';
    const first = await applyAt(fake.url, `${CM}/yaml`, yamlBody, 'm');
    assert.equal(first.status, 201);
    assert.equal(first.body.data.mode, '0755');
    const again = await applyAt(fake.url, `${CM}/yaml`, yamlBody, 'm');
    assert.equal(again.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
  });

  it('bumps generation on a spec change but not on a label change', async () => {
    const a = await applyAt(fake.url, `${DEPLOY}/gen`, deployment('gen', { replicas: 1 }), 'm');
    assert.equal(a.body.metadata.generation, 1);
    const b = await applyAt(fake.url, `${DEPLOY}/gen`, deployment('gen', { replicas: 1 }, { team: 'x' }), 'm');
    assert.equal(b.body.metadata.generation, 1);
    const c = await applyAt(fake.url, `${DEPLOY}/gen`, deployment('gen', { replicas: 3 }, { team: 'x' }), 'm');
    assert.equal(c.body.metadata.generation, 2);
  });

  it('ignores status in an apply to the main resource of a kind with a status subresource', async () => {
    const d = { ...deployment('st'), status: { replicas: 9 } };
    const res = await applyAt(fake.url, `${DEPLOY}/st`, d, 'm');
    assert.equal(res.status, 201);
    assert.equal(res.body.status, undefined);
  });
  it('removes fields the manager stopped applying from the new version only: generation is bumped, and after a dry run the stored object still has them', async () => {
    const plain = deployment('drop');
    const annotated = { ...plain, spec: { ...plain.spec, template: { ...plain.spec.template, metadata: { ...plain.spec.template.metadata, annotations: { a: '1', b: '2' } } } } };
    const first = await applyAt(fake.url, `${DEPLOY}/drop`, annotated, 'm');
    assert.equal(first.status, 201);
    const dry = await applyAt(fake.url, `${DEPLOY}/drop`, plain, 'm', '&dryRun=All');
    assert.equal(dry.body.spec.template.metadata.annotations?.a, undefined);
    const stored = await call(fake.url, 'GET', `${DEPLOY}/drop`);
    assert.deepEqual(stored.body.spec.template.metadata.annotations, { a: '1', b: '2' });
    assert.equal(stored.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
    const applied = await applyAt(fake.url, `${DEPLOY}/drop`, plain, 'm');
    assert.equal(applied.body.spec.template.metadata.annotations?.a, undefined);
    assert.equal(applied.body.metadata.generation, first.body.metadata.generation + 1);
  });
  it('answers a dryRun=All apply with the merged object and stores nothing; another dryRun value is a 422 as on a real server', async () => {
    await applyAt(fake.url, `${CM}/dry`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } }, 'm');
    const before = await call(fake.url, 'GET', `${CM}/dry`);
    const dry = await applyAt(fake.url, `${CM}/dry`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '2', b: '3' } }, 'm', '&dryRun=All');
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.body.data, { a: '2', b: '3' });
    assert.equal(dry.body.metadata.resourceVersion, before.body.metadata.resourceVersion, 'a dry run does not bump the version');
    assert.deepEqual((await call(fake.url, 'GET', `${CM}/dry`)).body.data, { a: '1' });
    const created = await applyAt(fake.url, `${CM}/dry-new`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry-new' }, data: { a: '1' } }, 'm', '&dryRun=All');
    assert.equal(created.status, 201);
    assert.equal((await call(fake.url, 'GET', `${CM}/dry-new`)).status, 404);
    const invalidField = await applyAt(fake.url, `${DEPLOY}/dry-bad`, { ...deployment('dry-bad'), spec: { ...deployment('dry-bad').spec, replicas: 'many' } }, 'm', '&dryRun=All');
    assert.ok(invalidField.status >= 400, 'a dry run validates the object as a real apply does');
    const bad = await applyAt(fake.url, `${CM}/dry`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '2' } }, 'm', '&dryRun=Server');
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Server"}: supported values: "All"');
  });
});
