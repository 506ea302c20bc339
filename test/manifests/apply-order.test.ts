import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_RANKS, OTHER_KIND_RANK, rankOfKind, sortForApply, sortForDelete } from '../../shared/manifests/index.ts';
import type { OrderKey } from '../../shared/manifests/index.ts';

describe('Flux v1 kind ranking', () => {
  it('KIND_RANKS is exactly Flux v1 rankOfKind: namespace 0; CRD, SA, roles, PV, service 1; config and bindings 2; workloads 3', () => {
    const byRank: Record<number, string[]> = {};
    for (const [kind, rank] of Object.entries(KIND_RANKS)) (byRank[rank] ??= []).push(kind);
    assert.deepEqual(byRank, {
      0: ['namespace'],
      1: ['customresourcedefinition', 'serviceaccount', 'clusterrole', 'role', 'persistentvolume', 'service'],
      2: ['resourcequota', 'limitrange', 'secret', 'configmap', 'rolebinding', 'clusterrolebinding', 'persistentvolumeclaim', 'ingress'],
      3: ['daemonset', 'deployment', 'replicationcontroller', 'replicaset', 'job', 'cronjob', 'statefulset'],
    });
    assert.ok(Object.isFrozen(KIND_RANKS));
  });
  it('kinds are matched case-insensitively', () => {
    assert.equal(rankOfKind('Namespace'), 0);
    assert.equal(rankOfKind('CUSTOMRESOURCEDEFINITION'), 1);
    assert.equal(rankOfKind('ConfigMap'), 2);
    assert.equal(rankOfKind('StatefulSet'), 3);
  });
  it('every other kind ranks 4 (HelmRelease, custom resources, HPA, NetworkPolicy, StorageClass), even Object prototype names', () => {
    assert.equal(OTHER_KIND_RANK, 4);
    for (const k of ['HelmRelease', 'Schedule', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'StorageClass', 'constructor', '__proto__', 'toString']) {
      assert.equal(rankOfKind(k), 4, k);
    }
  });
});

describe('apply and delete order', () => {
  const items: OrderKey[] = [
    { kind: 'HelmRelease', name: 'a', namespace: 'default' },
    { kind: 'Deployment', name: 'web', namespace: 'b' },
    { kind: 'Deployment', name: 'web', namespace: 'a' },
    { kind: 'ConfigMap', name: 'web', namespace: 'a' },
    { kind: 'Secret', name: 'api', namespace: 'z' },
    { kind: 'Namespace', name: 'z' },
    { kind: 'ClusterRole', name: 'x' },
    { kind: 'Service', name: 'x', namespace: 'a' },
    { kind: 'Schedule', name: 'a', namespace: 'default' },
  ];
  const show = (list: OrderKey[]): string[] => list.map((i) => `${i.kind}/${i.namespace ?? '-'}/${i.name}`);
  const expected = [
    'Namespace/-/z',
    'ClusterRole/-/x', 'Service/a/x',
    'Secret/z/api', 'ConfigMap/a/web',
    'Deployment/a/web', 'Deployment/b/web',
    'HelmRelease/default/a', 'Schedule/default/a',
  ];
  it('applies sort by rank, then name, then namespace (cluster scope first), then kind', () => {
    assert.deepEqual(show(sortForApply(items)), expected);
  });
  it('the apply order is a total order: any input order gives the same result', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const shuffled = [...items].sort((a, b) => ((a.name.length * 7 + seed * 13 + a.kind.length) % 5) - ((b.name.length * 3 + seed) % 5));
      assert.deepEqual(show(sortForApply(shuffled)), expected);
    }
  });
  it('deletes use exactly the reverse order', () => {
    assert.deepEqual(show(sortForDelete(items)), [...expected].reverse());
  });
  it('sorting returns a copy and leaves the input alone', () => {
    const before = show(items);
    sortForApply(items);
    sortForDelete(items);
    assert.deepEqual(show(items), before);
  });
  it('kind ties are broken by the kind as written, then apiVersion, so distinct objects never tie', () => {
    const a = { kind: 'Widget', name: 'w', namespace: 'n', apiVersion: 'b.io/v1' };
    const b = { kind: 'Widget', name: 'w', namespace: 'n', apiVersion: 'a.io/v1' };
    const c = { kind: 'WIDGET', name: 'w', namespace: 'n', apiVersion: 'a.io/v1' };
    assert.deepEqual(sortForApply([a, b, c]), [c, b, a]);
    assert.deepEqual(sortForApply([c, a, b]), [c, b, a]);
  });
});
