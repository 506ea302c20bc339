import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyItemCache, applyItems, buildApplyItem } from '../../shared/clusters/index.ts';
import { loadManifests, ParseCache, planManifestReads } from '../../shared/manifests/index.ts';

const files = new Map([['env/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: "1"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: team\n']]);
const render = (parseCache: ParseCache) => loadManifests({ plan: planManifestReads([...files.keys()], 'env'), contents: files, defaultNamespace: 'default', parseCache }).resources;

test('a cached apply item equals a freshly built one, and is built once per parsed object and sync set', () => {
  const parses = new ParseCache();
  const cache = new ApplyItemCache();
  const first = applyItems(render(parses), 'set-a', cache);
  const again = render(parses);
  const second = applyItems(again, 'set-a', cache);
  assert.deepEqual(second.map(({ resource: _r, ...rest }) => rest), again.map((r) => { const { resource: _r, ...rest } = buildApplyItem(r, 'set-a'); return rest; }));
  assert.equal(second[0]!.body, first[0]!.body, 'the body is shared, not rebuilt');
  assert.equal(second[0]!.resource, again[0], 'each item carries its own render\'s resource');
  const otherSet = applyItems(again, 'set-b', cache);
  assert.notEqual(otherSet[0]!.mark, first[0]!.mark, 'another sync set gets its own marks');
});

test('the clusters of one render share its apply items: one list per render and sync set, never another render\'s', () => {
  const parses = new ParseCache();
  const cache = new ApplyItemCache();
  const rendered = render(parses);
  const forFirstCluster = applyItems(rendered, 'set-a', cache);
  assert.equal(applyItems(rendered, 'set-a', cache), forFirstCluster, 'the second cluster gets the same list');
  assert.ok(Object.isFrozen(forFirstCluster), 'a shared list cannot be changed by one cluster\'s sync');
  assert.notEqual(applyItems(rendered, 'set-b', cache), forFirstCluster);
  const next = render(parses);
  const fromNext = applyItems(next, 'set-a', cache);
  assert.notEqual(fromNext, forFirstCluster);
  assert.equal(fromNext[0]!.resource, next[0], 'a new render gets items carrying its own resources');
});
