import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatchDocuments, manifestId, parsePatchFile, writePatchFile } from '../../shared/build/flux-patch-file.ts';
import { createMergePatch } from '../../shared/build/json-values.ts';
import { isKnownKind, jsonMergePatch } from '../../shared/build/merge/index.ts';

const merge = { isKnownKind, jsonMergePatch };
const hr = (name: string, ns: string | undefined, values: Record<string, unknown>) =>
  ({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec: { values } });

describe('Flux v1 patch file', () => {
  it('ids use the namespace as written, <cluster> when there is none, and the kind lower-cased', () => {
    assert.equal(manifestId(hr('op', 'default', {})), 'default:helmrelease/op');
    assert.equal(manifestId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }), '<cluster>:namespace/x');
  });
  it('two documents for one object are an error naming both lines, and the file is not applied', () => {
    const text = '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: d}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: d}\n';
    const r = parsePatchFile('p.yaml', text);
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, [{ file: 'p.yaml', line: 6, message: 'duplicate patch for d:configmap/a (also at line 2)' }]);
  });
  it('HelmRelease patches merge as JSON merge patches; ConfigMaps and Deployments strategically', () => {
    const parsed = parsePatchFile('p.yaml', '---\napiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: op, namespace: default}\nspec:\n  values:\n    list: [3]\n');
    assert.ok(parsed.ok);
    const r = applyPatchDocuments([hr('op', 'default', { list: [1, 2], keep: true })], parsed.documents, 'p.yaml', merge);
    assert.ok(r.ok);
    assert.deepEqual((r.objects[0]!.spec as { values: unknown }).values, { list: [3], keep: true });
  });
  it('writes documents sorted by id as strings, drops empty patches, adds identity, and null for a removed key', () => {
    const generated = [hr('b', 'default', { tag: '1' }), hr('a', 'zz', { tag: '1', old: 'x' }), hr('c', 'default', { tag: '1' })];
    const modified = new Map([
      ['default:helmrelease/b', hr('b', 'default', { tag: '2' })],
      ['zz:helmrelease/a', hr('a', 'zz', { tag: '1' })],
      ['default:helmrelease/c', hr('c', 'default', { tag: '1' })],
    ]);
    const r = writePatchFile(generated, modified, 'p.yaml', merge);
    assert.ok(r.ok);
    assert.equal(r.text, [
      '---', 'apiVersion: helm.fluxcd.io/v1', 'kind: HelmRelease', 'metadata:', '  name: b', '  namespace: default', 'spec:', '  values:', '    tag: "2"',
      '---', 'apiVersion: helm.fluxcd.io/v1', 'kind: HelmRelease', 'metadata:', '  name: a', '  namespace: zz', 'spec:', '  values:', '    old: null', '',
    ].join('\n'));
  });
  it('creates merge patches as evanphx/json-patch does: nested maps diffed, arrays replaced whole, types changed replaced', () => {
    assert.deepEqual(createMergePatch({ a: { b: 1, c: [1, 2] }, d: 'x', e: 1 }, { a: { b: 1, c: [1, 3] }, d: 5, f: null }), { a: { c: [1, 3] }, d: 5, f: null, e: null });
  });
});
