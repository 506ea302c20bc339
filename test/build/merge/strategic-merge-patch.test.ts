import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKnownKind, isNamespacedKind, MergeRefusal, strategicMergePatch } from '../../../shared/build/merge/index.ts';

const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } });

test('the schema knows built-in kinds and their scope, and not custom resources', () => {
  assert.equal(isKnownKind('apps/v1', 'Deployment'), true);
  assert.equal(isKnownKind('v1', 'ConfigMap'), true);
  assert.equal(isKnownKind('helm.fluxcd.io/v1', 'HelmRelease'), false);
  assert.equal(isNamespacedKind('v1', 'Namespace'), false);
  assert.equal(isNamespacedKind('rbac.authorization.k8s.io/v1', 'ClusterRole'), false);
  assert.equal(isNamespacedKind('apps/v1', 'Deployment'), true);
  assert.equal(isNamespacedKind('x.io/v1', 'Foo'), true);
});

test('containers merge by name: patch elements first, then the rest; env by name; $patch delete removes', () => {
  const base = deployment({ containers: [{ name: 'a', image: 'a', env: [{ name: 'E1', value: '1' }] }, { name: 'b', image: 'b' }] });
  const patch = deployment({ containers: [{ name: 'b', $patch: 'delete' }, { name: 'c', image: 'c' }, { name: 'a', env: [{ name: 'E2', value: '2' }] }] });
  const out = strategicMergePatch(base, patch) as { spec: { template: { spec: { containers: unknown } } } };
  assert.deepStrictEqual(out.spec.template.spec.containers, [
    { name: 'c', image: 'c' },
    { name: 'a', image: 'a', env: [{ name: 'E2', value: '2' }, { name: 'E1', value: '1' }] },
  ]);
});

test('lists without a merge key are replaced; null removes; $patch replace replaces a map', () => {
  const base = deployment({ tolerations: [{ key: 'a' }], nodeSelector: { a: '1', b: '2' }, affinity: { x: 1 } });
  const patch = deployment({ tolerations: [{ key: 'b' }], nodeSelector: { a: null }, affinity: { $patch: 'replace', y: 2 } });
  const out = strategicMergePatch(base, patch) as { spec: { template: { spec: unknown } } };
  assert.deepStrictEqual(out.spec.template.spec, { tolerations: [{ key: 'b' }], nodeSelector: { b: '2' }, affinity: { y: 2 } });
});

test('finalizers merge as a set, patch values first, duplicates dropped', () => {
  const out = strategicMergePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b', 'a'] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['c', 'a'] } }) as { metadata: { finalizers: string[] } };
  assert.deepStrictEqual(out.metadata.finalizers, ['c', 'a', 'b']);
});

test('unknown kinds merge maps and replace lists, as JSON merge does', () => {
  const out = strategicMergePatch({ apiVersion: 'x.io/v1', kind: 'Foo', spec: { list: [{ name: 'a', v: 1 }], m: { a: 1, b: 2 } } },
    { apiVersion: 'x.io/v1', kind: 'Foo', spec: { list: [{ name: 'a', w: 2 }], m: { a: null } } });
  assert.deepStrictEqual(out.spec, { list: [{ name: 'a', w: 2 }], m: { b: 2 } });
});

test('a merged list element without its merge key is refused', () => {
  assert.throws(() => strategicMergePatch(deployment({ containers: [{ image: 'x' }] }), deployment({ containers: [{ name: 'a' }] })), MergeRefusal);
});
