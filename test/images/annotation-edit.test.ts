import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editAnnotations } from '../../shared/images/index.ts';

const target = { docIndex: 1, kind: 'Deployment', name: 'web' };
const file = [
  'apiVersion: v1',
  'kind: Namespace',
  'metadata: {name: web}',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web   # the app',
  '  annotations:',
  "    flux.weave.works/automated: 'true'   # keep me",
  '    flux.weave.works/tag.web: glob:master-*',
  '    team: "a"',
  'spec:',
  '  replicas: 2',
  '',
].join('\n');

test('changing an existing annotation rewrites only its value, in its own quote style', () => {
  const r = editAnnotations(file, target, [{ key: 'flux.weave.works/tag.web', value: 'semver:~1.4' }, { key: 'flux.weave.works/automated', value: 'false' }]);
  assert.ok(r.ok, !r.ok ? r.message : '');
  assert.equal(r.text, file.replace('glob:master-*', 'semver:~1.4').replace("'true'   # keep me", "'false'   # keep me"));
});

test('a new annotation is one new line after the last one, at the same indentation; a removed one loses its line', () => {
  const r = editAnnotations(file, target, [{ key: 'flux.weave.works/locked', value: 'true' }, { key: 'flux.weave.works/automated', value: null }]);
  assert.ok(r.ok, !r.ok ? r.message : '');
  assert.equal(r.text, file.replace("    flux.weave.works/automated: 'true'   # keep me\n", '').replace('    team: "a"\n', '    team: "a"\n    flux.weave.works/locked: "true"\n'));
});

test('annotations are created under metadata when missing and removed when they become empty', () => {
  const bare = 'kind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec: {}\n';
  const t = { docIndex: 0, kind: 'Deployment', name: 'web' };
  const added = editAnnotations(bare, t, [{ key: 'fluxcd.io/automated', value: 'true' }]);
  assert.ok(added.ok);
  assert.equal(added.text, 'kind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    fluxcd.io/automated: "true"\nspec: {}\n');
  const removed = editAnnotations(added.text, t, [{ key: 'fluxcd.io/automated', value: null }]);
  assert.ok(removed.ok);
  assert.equal(removed.text, bare);
});

test('CRLF files get CRLF lines; other documents and comments stay byte for byte', () => {
  const crlf = file.replace(/\n/g, '\r\n');
  const r = editAnnotations(crlf, target, [{ key: 'fluxcd.io/locked', value: 'true' }]);
  assert.ok(r.ok);
  assert.equal(r.text, crlf.replace('    team: "a"\r\n', '    team: "a"\r\n    fluxcd.io/locked: "true"\r\n'));
});

test('flow-style annotations and a missing resource are refused with a reason, never restyled', () => {
  const flow = 'kind: Deployment\nmetadata:\n  name: web\n  annotations: {a: b}\n';
  const r = editAnnotations(flow, { docIndex: 0, kind: 'Deployment', name: 'web' }, [{ key: 'fluxcd.io/locked', value: 'true' }]);
  assert.deepEqual(r, { ok: false, message: 'metadata.annotations is not a block mapping (flow {…} or another value); edit it by hand' });
  const missing = editAnnotations(file, { ...target, name: 'other' }, [{ key: 'x', value: 'y' }]);
  assert.deepEqual(missing, { ok: false, message: 'Deployment other not found in document 2' });
});
