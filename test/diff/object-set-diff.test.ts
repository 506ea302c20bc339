import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffObjectSets, diffToJson, formatPath, hasDifferences, renderDiffMarkdown, renderDiffTerminal } from '../../shared/diff/index.ts';

const deployment = (image: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '7', generation: 3, managedFields: [{ manager: 'x' }], ...extra },
  spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy:1' }, { name: 'web', image }] } } },
  status: { readyReplicas: 1 },
});

test('a changed field is reported by path, with containers matched by name, and server-set fields never count', () => {
  const d = diffObjectSets(
    [{ id: 'shop:deployment/web', object: deployment('web:1.0') }],
    [{ id: 'shop:deployment/web', object: { ...deployment('web:1.1', { resourceVersion: '8', generation: 4 }), status: { readyReplicas: 0 } } }],
  );
  assert.equal(d.changed.length, 1);
  assert.deepEqual(d.changed[0]!.fields.map((f) => [formatPath(f.path), f.op, f.before, f.after]), [['spec.template.spec.containers[name=web].image', 'changed', 'web:1.0', 'web:1.1']]);
  assert.match(d.changed[0]!.unified, /^--- shop:deployment\/web\n\+\+\+ shop:deployment\/web\n@@ .* @@\n/);
  assert.match(d.changed[0]!.unified, /\n-\s+- image: web:1\.0\n\+\s+- image: web:1\.1\n/);
  assert.doesNotMatch(d.changed[0]!.unified, /resourceVersion|managedFields|readyReplicas|uid/);
});

test('objects differing only in server-set fields and key order are unchanged', () => {
  const a = deployment('web:1.0');
  const b = { status: { x: 1 }, spec: a.spec, metadata: { ...a.metadata, resourceVersion: '99', managedFields: [] }, kind: a.kind, apiVersion: a.apiVersion };
  const d = diffObjectSets([{ id: 'x', object: a }], [{ id: 'x', object: b }]);
  assert.deepEqual(d.unchanged, ['x']);
  assert.equal(hasDifferences(d), false);
});

test('Secret values are masked: equal keys as ***, a changed key as *** (before) / *** (after), no value anywhere', () => {
  const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data });
  const d = diffObjectSets([{ id: 's', object: secret({ user: 'YWRtaW4=', password: 'b2xk' }) }], [{ id: 's', object: secret({ user: 'YWRtaW4=', password: 'bmV3', token: 'dG9r' }) }]);
  const text = JSON.stringify(diffToJson(d)) + renderDiffTerminal(d).join('\n') + renderDiffMarkdown(d);
  for (const value of ['YWRtaW4=', 'b2xk', 'bmV3', 'dG9r']) assert.ok(!text.includes(value), `${value} leaked`);
  assert.deepEqual(diffToJson(d).changed[0]!.fields, [
    { path: 'data.password', op: 'changed', before: '*** (before)', after: '*** (after)' },
    { path: 'data.token', op: 'added', after: '*** (after)' },
  ]);
});

test('added and removed objects, and renderers for terminal, markdown and JSON', () => {
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'n' }, data: { a: '1' } });
  const d = diffObjectSets([{ id: 'n:configmap/old', object: cm('old') }, { id: 'n:configmap/same', object: cm('same') }], [{ id: 'n:configmap/same', object: cm('same') }, { id: 'n:configmap/new', object: cm('new') }]);
  assert.deepEqual([d.added.map((a) => a.id), d.removed.map((r) => r.id), d.unchanged], [['n:configmap/new'], ['n:configmap/old'], ['n:configmap/same']]);
  assert.match(d.removed[0]!.unified, /^--- n:configmap\/old\n\+\+\+ \/dev\/null\n/);
  const terminal = renderDiffTerminal(d, { removedLabel: 'would be pruned' });
  assert.deepEqual([terminal[0], terminal.at(-1)], ['+ n:configmap/new (new)', '1 added, 1 would be pruned, 1 unchanged']);
  const md = renderDiffMarkdown(d, { title: 'development' });
  assert.match(md, /^### development\n\n\*\*1 added, 1 removed, 1 unchanged\*\*\n/);
  assert.match(md, /<details><summary>n:configmap\/new \(added\)<\/summary>\n\n```diff\n--- \/dev\/null/);
  assert.deepEqual(diffToJson(d).summary, { added: 1, removed: 1, changed: 0, unchanged: 1 });
});

test('markdown stays under its size limit and names the diffs it left out', () => {
  const big = (i: number) => ({ id: `n:configmap/c${i}`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { blob: 'x'.repeat(2000) } } });
  const d = diffObjectSets([], Array.from({ length: 50 }, (_, i) => big(i)));
  const md = renderDiffMarkdown(d, { maxChars: 10_000 });
  assert.ok(md.length <= 10_000, String(md.length));
  const shown = md.match(/<details>/g)?.length ?? 0;
  const left = Number(/_(\d+) diffs not shown \(size limit\): n:configmap\/c(\d+), /.exec(md)?.[1]);
  assert.ok(shown > 0, 'the first diffs are shown');
  assert.equal(shown + left, 50);
  assert.match(md, new RegExp(`not shown \\(size limit\\): n:configmap/c${shown}, `));
});

test('duplicate ids in one set are an error, not a silent overwrite', () => {
  assert.throws(() => diffObjectSets([{ id: 'a', object: {} }, { id: 'a', object: {} }], []), /duplicate id a in the before set/);
});
