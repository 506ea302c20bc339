import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gcMark, planPrune, type MarkedObject, type PrunePlanInput } from '../../shared/clusters/index.ts';

const SET = 'set-a';
const OTHER_SET = 'set-b';

function obj(kind: string, name: string, namespace?: string, opts: { set?: string; mark?: string; annotations?: Record<string, string>; apiVersion?: string } = {}): MarkedObject {
  const id = `${namespace ?? '<cluster>'}:${kind.toLowerCase()}/${name}`;
  return { apiVersion: opts.apiVersion ?? 'v1', kind, name, namespace, mark: opts.mark ?? gcMark(opts.set ?? SET, id), annotations: opts.annotations ?? {} };
}

function input(marked: MarkedObject[], desired: string[], extra: Partial<PrunePlanInput> = {}): PrunePlanInput {
  return { syncSetName: SET, marked, desired: new Set(desired), skipped: new Set(), renderErrors: 0, maxShare: 0.5, force: false, ...extra };
}

const keep = ['a:configmap/keep1', 'a:configmap/keep2', 'a:configmap/keep3'];
const owned3 = [obj('ConfigMap', 'keep1', 'a'), obj('ConfigMap', 'keep2', 'a'), obj('ConfigMap', 'keep3', 'a')];

describe('planPrune', () => {
  const table: Array<{ name: string; marked: MarkedObject[]; desired: string[]; extra?: Partial<PrunePlanInput>; deletes: string[]; refused?: RegExp; protectedIds?: string[] }> = [
    { name: 'an owned object git no longer declares is deleted', marked: [...owned3, obj('ConfigMap', 'gone', 'a')], desired: keep, deletes: ['a:configmap/gone'] },
    { name: 'objects git still declares are kept', marked: owned3, desired: keep, deletes: [] },
    { name: 'an object with another sync set\'s mark is not ours', marked: [...owned3, obj('ConfigMap', 'theirs', 'a', { set: OTHER_SET })], desired: keep, deletes: [] },
    { name: 'a mark copied from another object does not make an object ours', marked: [...owned3, obj('ConfigMap', 'copy', 'a', { mark: gcMark(SET, 'a:configmap/keep1') })], desired: keep, deletes: [] },
    { name: 'ignore "true" on the cluster object protects it', marked: [...owned3, obj('ConfigMap', 'x', 'a', { annotations: { 'fluxcd.io/ignore': 'true' } })], desired: keep, deletes: [], protectedIds: ['a:configmap/x'] },
    { name: 'ignore "sync_only" with the legacy prefix protects it', marked: [...owned3, obj('ConfigMap', 'x', 'a', { annotations: { 'flux.weave.works/ignore': 'sync_only' } })], desired: keep, deletes: [], protectedIds: ['a:configmap/x'] },
    { name: 'ignore "false" protects nothing', marked: [...owned3, obj('ConfigMap', 'x', 'a', { annotations: { 'fluxcd.io/ignore': 'false' } })], desired: keep, deletes: ['a:configmap/x'] },
    { name: 'an id git declares but skips (ignore "true" in git) is protected', marked: [...owned3, obj('ConfigMap', 'skipped', 'a')], desired: keep, extra: { skipped: new Set(['a:configmap/skipped']) }, deletes: [], protectedIds: ['a:configmap/skipped'] },
    { name: 'an empty desired set is refused', marked: owned3, desired: [], deletes: [], refused: /desired state is empty/ },
    { name: 'an empty desired set is deleted when forced', marked: owned3, desired: [], extra: { force: true }, deletes: ['a:configmap/keep3', 'a:configmap/keep2', 'a:configmap/keep1'] },
    { name: 'a render with errors is refused', marked: [...owned3, obj('ConfigMap', 'gone', 'a')], desired: keep, extra: { renderErrors: 2 }, deletes: [], refused: /render had 2 errors/ },
    { name: 'deleting more than the share is refused', marked: [...owned3, obj('ConfigMap', 'g1', 'a'), obj('ConfigMap', 'g2', 'a'), obj('ConfigMap', 'g3', 'a'), obj('ConfigMap', 'g4', 'a')], desired: keep, deletes: [], refused: /would delete 4 of 7 owned objects \(57%, more than 50%\)/ },
    { name: 'deleting exactly the share is allowed', marked: [obj('ConfigMap', 'keep1', 'a'), obj('ConfigMap', 'g1', 'a')], desired: ['a:configmap/keep1'], deletes: ['a:configmap/g1'] },
    { name: 'a higher share setting allows a larger prune', marked: [obj('ConfigMap', 'keep1', 'a'), obj('ConfigMap', 'g1', 'a'), obj('ConfigMap', 'g2', 'a')], desired: ['a:configmap/keep1'], extra: { maxShare: 0.7 }, deletes: ['a:configmap/g2', 'a:configmap/g1'] },
    { name: 'nothing to delete is never refused', marked: owned3, desired: keep, extra: { renderErrors: 3 }, deletes: [] },
  ];
  for (const t of table) {
    it(t.name, () => {
      const plan = planPrune(input(t.marked, t.desired, t.extra));
      assert.deepEqual(plan.delete.map((c) => c.id), t.deletes);
      if (t.refused) assert.match(plan.refused ?? '', t.refused);
      else assert.equal(plan.refused, undefined);
      if (t.protectedIds) assert.deepEqual(plan.protected.map((p) => p.id), t.protectedIds);
    });
  }

  it('orders deletes in reverse apply order: workloads before config before namespaces', () => {
    const marked = [
      obj('Namespace', 'apps'), obj('ConfigMap', 'cfg', 'apps'), obj('Deployment', 'web', 'apps', { apiVersion: 'apps/v1' }),
      obj('HelmRelease', 'chart', 'apps', { apiVersion: 'helm.fluxcd.io/v1' }), obj('ServiceAccount', 'sa', 'apps'),
      obj('ConfigMap', 'keep', 'apps'),
    ];
    const plan = planPrune(input(marked, ['apps:configmap/keep'], { force: true }));
    assert.deepEqual(plan.delete.map((c) => c.id), ['apps:helmrelease/chart', 'apps:deployment/web', 'apps:configmap/cfg', 'apps:serviceaccount/sa', '<cluster>:namespace/apps']);
  });

  it('reports what a refused prune would have deleted', () => {
    const plan = planPrune(input(owned3, []));
    assert.equal(plan.delete.length, 0);
    assert.equal(plan.candidates.length, 3);
    assert.equal(plan.owned, 3);
  });
});
