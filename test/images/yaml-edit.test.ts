import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyScalarEdits, plainIsSafe, type ScalarEdit } from '../../shared/images/index.ts';

const edit = (path: (string | number)[], from: string, to: string, more: Partial<ScalarEdit> = {}): ScalarEdit => ({
  docIndex: 0, kind: 'Deployment', name: 'web', path, from, to, ...more,
});
const IMAGE = ['spec', 'template', 'spec', 'containers', 0, 'image'];

const deployment = (image: string, eol = '\n'): string => [
  '# leading comment',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app   # two-space sequence indent kept',
  `          image: ${image}   # trailing comment`,
  '          ports: [{containerPort: 80}]',
  '',
].join(eol);

test('an edit keeps double quotes, comments and CRLF line endings byte for byte', () => {
  const before = deployment('"reg.io/app:1"', '\r\n');
  const out = applyScalarEdits(before, [edit(IMAGE, 'reg.io/app:1', 'reg.io/app:2')]);
  assert.deepEqual(out.results, [{ ok: true }]);
  assert.equal(out.text, deployment('"reg.io/app:2"', '\r\n'));
});

test('an edit keeps single quotes and plain scalars as they were', () => {
  assert.equal(applyScalarEdits(deployment("'reg.io/app:1'"), [edit(IMAGE, 'reg.io/app:1', 'reg.io/app:2')]).text,
    deployment("'reg.io/app:2'"));
  assert.equal(applyScalarEdits(deployment('reg.io/app:1'), [edit(IMAGE, 'reg.io/app:1', 'reg.io/app:2')]).text,
    deployment('reg.io/app:2'));
});

test('a plain scalar that would no longer read as a string gets quoted', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec:\n  tag: v1   # c\n';
  for (const [to, written] of [['1.10', "'1.10'"], ['true', "'true'"], ['yes', "'yes'"], ['1:20', "'1:20'"], ['0755', "'0755'"], ['1e3', "'1e3'"], ['v2', 'v2']]) {
    const out = applyScalarEdits(text, [edit(['spec', 'tag'], 'v1', to!)]);
    assert.equal(out.text, `kind: Deployment\nmetadata: {name: web}\nspec:\n  tag: ${written}   # c\n`, to);
  }
  assert.ok(!plainIsSafe('a #b', false));
  assert.ok(!plainIsSafe('a,b', true));
  assert.ok(plainIsSafe('a,b', false));
});

test('a value in a flow mapping is replaced in place', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: a, image: reg.io/a:1}]}}}\n';
  const out = applyScalarEdits(text, [edit(IMAGE, 'reg.io/a:1', 'reg.io/a:2')]);
  assert.equal(out.text, text.replace('reg.io/a:1', 'reg.io/a:2'));
});

test('only the named document changes; other documents stay byte for byte', () => {
  const doc = (name: string, image: string): string => `kind: Deployment\nmetadata:\n  name: ${name}\nspec: {template: {spec: {containers: [{name: a, image: "${image}"}]}}}\n`;
  const text = `${doc('web', 'reg.io/a:1')}---\n${doc('api', 'reg.io/a:1')}`;
  const out = applyScalarEdits(text, [edit(IMAGE, 'reg.io/a:1', 'reg.io/a:2', { docIndex: 1, name: 'api' })]);
  assert.equal(out.text, `${doc('web', 'reg.io/a:1')}---\n${doc('api', 'reg.io/a:2')}`);
});

test('a document is found by kind and name when its index does not match', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec: {image: "a:1"}\n';
  const out = applyScalarEdits(text, [edit(['spec', 'image'], 'a:1', 'a:2', { docIndex: 3 })]);
  assert.equal(out.text, text.replace('a:1', 'a:2'));
});

test('List items are addressed by itemIndex', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- kind: Deployment\n  metadata: {name: other}\n  spec: {image: "a:1"}\n- kind: Deployment\n  metadata: {name: web}\n  spec: {image: "a:1"}\n';
  const out = applyScalarEdits(text, [edit(['spec', 'image'], 'a:1', 'a:2', { itemIndex: 1 })]);
  assert.equal(out.text, text.replace(/a:1"\}\n$/, 'a:2"}\n'));
});

test('several edits in one file are applied together, identical ones once', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec:\n  a: "x:1"\n  b: "y:1"\n';
  const out = applyScalarEdits(text, [
    edit(['spec', 'b'], 'y:1', 'y:2'), edit(['spec', 'a'], 'x:1', 'x:2'), edit(['spec', 'a'], 'x:1', 'x:2'),
  ]);
  assert.deepEqual(out.results, [{ ok: true }, { ok: true }, { ok: true }]);
  assert.equal(out.text, 'kind: Deployment\nmetadata: {name: web}\nspec:\n  a: "x:2"\n  b: "y:2"\n');
});

test('conflicting edits of one scalar are refused, the first wins', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec:\n  a: "x:1"\n';
  const out = applyScalarEdits(text, [edit(['spec', 'a'], 'x:1', 'x:2'), edit(['spec', 'a'], 'x:1', 'x:3')]);
  assert.equal(out.results[0]!.ok, true);
  assert.equal(out.results[1]!.ok, false);
  assert.equal(out.text, text.replace('x:1', 'x:2'));
});

test('a value that differs from the loaded resource is not edited', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec:\n  a: "x:9"\n';
  const out = applyScalarEdits(text, [edit(['spec', 'a'], 'x:1', 'x:2')]);
  assert.equal(out.text, text);
  assert.match((out.results[0] as { message: string }).message, /spec\.a is "x:9" in the file, expected "x:1"/);
});

test('aliases, block scalars and missing paths are refused with a reason', () => {
  const text = 'kind: Deployment\nmetadata: {name: web}\nspec:\n  a: &img "x:1"\n  b: *img\n  c: |\n    x:1\n';
  const out = applyScalarEdits(text, [
    edit(['spec', 'b'], 'x:1', 'x:2'), edit(['spec', 'c'], 'x:1\n', 'x:2'), edit(['spec', 'd'], 'x:1', 'x:2'),
  ]);
  assert.equal(out.text, text);
  assert.deepEqual(out.results.map((r) => (r.ok ? 'ok' : r.message)), [
    'spec.b is an alias; not edited', 'spec.c is a BLOCK_LITERAL scalar; not edited', 'spec.d not found',
  ]);
});
