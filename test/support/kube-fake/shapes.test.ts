import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { customResourceShape, findUnknown, modelShape, pruneUnknown } from './shapes.ts';

describe('kube-fake shapes', () => {
  it('finds the same unknown fields, in the same order, as pruning reports them, for structs, maps, lists and preserved subtrees', () => {
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', madeUp: 1, metadata: { name: 'w', labels: { a: 'b' }, bogus: true },
      spec: { selector: { matchLabels: { app: 'w' } }, template: { spec: { containers: [{ name: 'a', image: 'x', extra: 1 }, { name: 'b', env: [{ name: 'E', nope: 2 }] }] } } },
    };
    const crd = customResourceShape({ type: 'object', properties: { spec: { type: 'object', properties: { keep: { type: 'string' }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } });
    const custom = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { keep: 'k', other: 1, free: { anything: { goes: 1 } } }, top: 2 };
    for (const [value, shape] of [[deployment, modelShape('V1Deployment')], [custom, crd]] as const) {
      const pruned: string[] = [];
      const found: string[] = [];
      const before = JSON.stringify(value);
      pruneUnknown(value, shape, pruned);
      findUnknown(value, shape, found);
      assert.ok(pruned.length >= 2);
      assert.deepEqual(found, pruned);
      assert.equal(JSON.stringify(value), before);
    }
  });

  it('gives a custom resource schema the same shape object each time it is asked', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object' } } };
    assert.equal(customResourceShape(schema), customResourceShape(schema));
    assert.notEqual(customResourceShape({ ...schema }), customResourceShape(schema));
  });
});
