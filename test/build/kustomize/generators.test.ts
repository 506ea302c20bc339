import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSameAsKubectl, buildOurs } from './support/oracle.ts';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      volumes: [{name: v, configMap: {name: cm}}, {name: s, secret: {secretName: s}}]
      containers:
      - name: c
        image: i
        envFrom: [{configMapRef: {name: cm}}, {secretRef: {name: s}}, {configMapRef: {name: plain}}]
`;

test('configMapGenerator and secretGenerator: literals, files, envs, options, content hash, references renamed', async (t) => {
  await assertSameAsKubectl(t, {
    'app/kustomization.yaml': `namePrefix: p-
namespace: ns
resources: [d.yaml]
configMapGenerator:
- name: cm
  literals: [a=1, 'b="x"', c=, 'd=a=b', "e='q'"]
  envs: [e.env]
  files: [f.txt, k=conf/g.txt]
- name: empty
- name: plain
  literals: [x=y]
  options: {disableNameSuffixHash: true, annotations: {note: n1}}
secretGenerator:
- name: s
  literals: [a=1]
  files: [f.txt]
  options: {immutable: true, labels: {x: w}}
- name: tls
  type: kubernetes.io/tls
  literals: [tls.crt=c, tls.key=k]
generatorOptions:
  labels: {g: h, x: z}
  annotations: {ga: "1"}
`,
    'app/d.yaml': deployment,
    'app/e.env': 'A=1\n# comment\n\nB = 2 \nC=x=y\r\n  D=4\nE="q"\n',
    'app/f.txt': 'hello <world> & "you"\n',
    'app/conf/g.txt': 'line1\nline2',
  }, 'app');
});

test('generatorOptions: disableNameSuffixHash and immutable for all generators', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [d.yaml]\nconfigMapGenerator: [{name: cm, literals: [a=b]}]\nsecretGenerator: [{name: s, literals: [a=b]}]\ngeneratorOptions: {disableNameSuffixHash: true, immutable: true}\n',
    'd.yaml': deployment,
  });
});

test('generator behaviors merge and replace act on a generated map from a base, and the hash covers the result', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [base]
configMapGenerator:
- name: cm
  behavior: merge
  literals: [b=2, a=override]
- name: other
  behavior: replace
  literals: [z=1]
`,
    'base/kustomization.yaml': 'resources: [d.yaml]\nconfigMapGenerator:\n- {name: cm, literals: [a=1]}\n- {name: other, literals: [y=1], options: {labels: {l: "1"}}}\n',
    'base/d.yaml': deployment,
  });
});

test('a generator with behavior merge and nothing to merge into is refused', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'configMapGenerator: [{name: cm, behavior: merge, literals: [a=1]}]\n' }, '', { refused: true });
});

test('an env file line without a value would read the process environment: refused', () => {
  const r = buildOurs({ 'kustomization.yaml': 'configMapGenerator: [{name: cm, envs: [e.env]}]\n', 'e.env': 'HOME\n' });
  assert.equal(r.kind, 'refused');
  if (r.kind === 'refused') assert.match(r.errors[0]?.message ?? '', /e\.env:1: HOME has no value/);
});

test('a generator file outside the kustomization directory is refused', async (t) => {
  await assertSameAsKubectl(t, {
    'app/kustomization.yaml': 'configMapGenerator: [{name: cm, files: [../f.txt]}]\n',
    'f.txt': 'x',
  }, 'app', { refused: true });
});
