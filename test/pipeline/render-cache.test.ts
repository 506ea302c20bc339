/**
 * Issue 16: an environment is rendered once per revision × variable set on an instance, not once per cluster
 * job; jobs that ask while it renders share that one render; a cluster whose discovery answers a kind's scope
 * differently gets its own render; a failed render is not kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Environment } from '../../shared/config/index.ts';
import type { ScopeOf } from '../../shared/manifests/index.ts';
import { RenderCache } from '../../shared/pipeline/render-cache.ts';
import { renderForCluster } from '../../shared/pipeline/render-for-cluster.ts';
import type { SourceReader, TreeFile } from '../../shared/sources/port.ts';

const env: Environment = { name: 'development', branch: 'master', path: 'dev', namespace: 'default', clusters: { static: [] }, registries: [], imageUpdates: 'commit', prune: true };
const files: Record<string, string> = {
  'dev/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n',
  'dev/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n',
};

/** A source that counts tree listings (one per render) and can be made to fail. */
function countingSource(): SourceReader & { listings: number; fail: boolean } {
  const s = {
    description: 'counting', listings: 0, fail: false,
    defaultBranch: async () => 'master',
    resolveBranch: async () => 'r1',
    listFiles: async (): Promise<TreeFile[]> => {
      s.listings += 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (s.fail) throw new Error('GitHub answered 502');
      return Object.keys(files).map((path) => ({ path, size: Buffer.byteLength(files[path]!) }));
    },
    readFiles: async (_r: string, paths: readonly string[]) => new Map(paths.map((p) => [p, files[p]!])),
  };
  return s;
}

const cluster = (scope: 'Namespaced' | 'Cluster' | undefined) => {
  const scopeOf: ScopeOf = (_apiVersion, kind) => (kind === 'Widget' ? scope : undefined);
  return { client: {} as never, discovery: { scopeOf } as never };
};

test('ten clusters asking at once for one revision share one render, and each gets the same objects', async () => {
  const source = countingSource();
  const renderCache = new RenderCache();
  const results = await Promise.all(Array.from({ length: 10 }, () => renderForCluster(env, 'r1', cluster('Namespaced'), { source, renderCache })));
  assert.equal(source.listings, 1);
  assert.deepEqual(renderCache.counts, { rendered: 1, shared: 9 });
  for (const r of results) {
    assert.ok(r.ok);
    assert.deepEqual(r.rendered.resources.map((x) => x.id), results[0]!.ok ? results[0]!.rendered.resources.map((x) => x.id) : []);
  }
  assert.ok(results[0]!.ok && results[0]!.rendered.resources.some((x) => x.id === 'default:widget/w'));
});

test('a new revision is rendered anew: a job never gets the render of another commit', async () => {
  const source = countingSource();
  const renderCache = new RenderCache();
  const a = await renderForCluster(env, 'r1', cluster('Namespaced'), { source, renderCache });
  const b = await renderForCluster(env, 'r2', cluster('Namespaced'), { source, renderCache });
  assert.equal(source.listings, 2);
  assert.ok(a.ok && b.ok);
  assert.equal(a.rendered.revision, 'r1');
  assert.equal(b.rendered.revision, 'r2');
});

test('a cluster whose discovery says a kind is cluster-scoped gets its own render, not the namespaced one', async () => {
  const source = countingSource();
  const renderCache = new RenderCache();
  const namespaced = await renderForCluster(env, 'r1', cluster('Namespaced'), { source, renderCache });
  const clusterScoped = await renderForCluster(env, 'r1', cluster('Cluster'), { source, renderCache });
  const again = await renderForCluster(env, 'r1', cluster('Cluster'), { source, renderCache });
  assert.equal(source.listings, 2);
  assert.ok(namespaced.ok && clusterScoped.ok && again.ok);
  assert.ok(namespaced.rendered.resources.some((x) => x.id === 'default:widget/w'));
  assert.ok(clusterScoped.rendered.resources.some((x) => x.id === '<cluster>:widget/w'), JSON.stringify(clusterScoped.rendered.resources.map((x) => x.id)));
  assert.equal(again.rendered, clusterScoped.rendered);
});

test('a render that failed is not kept: every job waiting on it fails, and the next attempt renders again', async () => {
  const source = countingSource();
  const renderCache = new RenderCache();
  source.fail = true;
  const first = await Promise.allSettled([1, 2, 3].map(() => renderForCluster(env, 'r1', cluster('Namespaced'), { source, renderCache })));
  assert.deepEqual(first.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
  assert.equal(source.listings, 1);
  source.fail = false;
  const retried = await renderForCluster(env, 'r1', cluster('Namespaced'), { source, renderCache });
  assert.ok(retried.ok);
  assert.equal(source.listings, 2);
});
