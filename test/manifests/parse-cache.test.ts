import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifests, ParseCache, planManifestReads } from '../../shared/manifests/index.ts';

const files = new Map([
  ['env/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n'],
  ['env/b.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  bad: [\n'],
]);

test('a shared parse cache gives the same resources and errors as parsing afresh, parsing each file once', () => {
  const plan = planManifestReads([...files.keys()], 'env');
  const cache = new ParseCache();
  const fresh = loadManifests({ plan, contents: files, defaultNamespace: 'default' });
  const first = loadManifests({ plan, contents: files, defaultNamespace: 'default', parseCache: cache });
  assert.equal(cache.size, 2);
  const second = loadManifests({ plan, contents: files, defaultNamespace: 'default', parseCache: cache });
  assert.deepEqual(first, fresh);
  assert.deepEqual(second, fresh);
  assert.equal(cache.size, 2, 'nothing parsed twice');
});

test('the same text under another file name is parsed again, so errors name the right file', () => {
  const cache = new ParseCache();
  const text = files.get('env/b.yaml')!;
  loadManifests({ plan: planManifestReads(['env/b.yaml'], 'env'), contents: new Map([['env/b.yaml', text]]), defaultNamespace: 'default', parseCache: cache });
  const other = loadManifests({ plan: planManifestReads(['env/c.yaml'], 'env'), contents: new Map([['env/c.yaml', text]]), defaultNamespace: 'default', parseCache: cache });
  assert.equal(other.errors[0]!.file, 'env/c.yaml');
});

test('the cache is bounded: the oldest entries go first', () => {
  const cache = new ParseCache(2);
  for (const n of ['a', 'b', 'c']) loadManifests({ plan: planManifestReads([`env/${n}.yaml`], 'env'), contents: new Map([[`env/${n}.yaml`, `kind: ConfigMap\napiVersion: v1\nmetadata: {name: ${n}}\n`]]), defaultNamespace: 'default', parseCache: cache });
  assert.equal(cache.size, 2);
});
