import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSameAsKubectl, buildOurs } from './support/oracle.ts';
import { kustomizeBuild } from '../../../shared/build/kustomize/index.ts';

const deployment = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.0${extra}
`;

test('resources: files and nested directories build in kustomize legacy order, as kubectl kustomize prints', async (t) => {
  await assertSameAsKubectl(t, {
    'app/kustomization.yaml': 'resources:\n- ./all.yaml\n- ../base\n',
    'app/all.yaml': `${deployment('d')}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n---\napiVersion: x.io/v1\nkind: Foo\nmetadata: {name: f}\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: w}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: z}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: z}\n`,
    'base/kustomization.yml': 'resources: [cm.yaml, nested]\n',
    'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: yes, b: 0755, c: on, d: "1", e: 1.0, f: 0x1F, g: ~, t: 2001-12-14}\n',
    'base/nested/Kustomization': 'resources: [sa.yaml]\n',
    'base/nested/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n',
  }, 'app');
});

test('bases: the legacy field adds its directories after resources', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'bases: [b]\nresources: [r.yaml]\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: r}\n',
    'b/kustomization.yaml': 'resources: [c.yaml]\n',
    'b/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  });
});

test('List kinds are expanded into their items', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [l.yaml]\n',
    'l.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: x}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: y}\n',
  });
});

test('two kustomization files in one directory are refused, as kustomize refuses them', async (t) => {
  const result = await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [a.yaml]\n',
    'kustomization.yml': 'resources: [a.yaml]\n',
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
  }, '', { refused: true });
  if (result?.kind === 'refused') assert.match(result.errors[0]?.message ?? '', /multiple kustomization files/);
});

test('the same resource twice is refused (already registered id)', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [a.yaml, b]\n',
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    'b/kustomization.yaml': 'resources: [../a.yaml]\n',
  }, '', { refused: true });
});

test('a file resource outside the kustomization directory is refused (kustomize root-only loader)', async (t) => {
  await assertSameAsKubectl(t, {
    'app/kustomization.yaml': 'resources: [../a.yaml]\n',
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
  }, 'app', { refused: true });
});

test('paths above the repository root, absolute paths and missing paths are refused naming the file and key', () => {
  for (const [ref, pattern] of [['../../x', /above the repository root/], ['/etc/passwd', /absolute path/], ['nope.yaml', /not in the repository/]] as const) {
    const result = buildOurs({ 'k/kustomization.yaml': `resources: [${ref}]\n` }, 'k');
    assert.equal(result.kind, 'refused');
    if (result.kind !== 'refused') continue;
    assert.match(result.errors[0]?.message ?? '', pattern);
    assert.match(result.errors[0]?.message ?? '', /resources in k\/kustomization\.yaml/);
  }
});

test('remote bases are refused as unsupported', () => {
  for (const ref of ['https://github.com/org/repo//deploy?ref=v1', 'github.com/org/repo/deploy', 'git@github.com:org/repo.git']) {
    const result = buildOurs({ 'kustomization.yaml': `resources: ['${ref}']\n` });
    assert.equal(result.kind, 'refused');
    if (result.kind === 'refused') assert.match(result.errors[0]?.message ?? '', /unsupported kustomize field resources in kustomization\.yaml: remote base/);
  }
});

test('a cycle of kustomizations is refused', () => {
  const result = buildOurs({
    'a/kustomization.yaml': 'resources: [../b]\n',
    'b/kustomization.yaml': 'resources: [../a]\n',
  }, 'a');
  assert.equal(result.kind, 'refused');
  if (result.kind === 'refused') assert.match(result.errors[0]?.message ?? '', /cycle detected: a -> b -> a/);
});

test('bounds: too many files and too deep nesting are refused', async () => {
  const { kustomizeBuild } = await import('../../../shared/build/kustomize/index.ts');
  const files = new Map([['kustomization.yaml', 'resources: [a.yaml, b.yaml]\n'], ['a.yaml', ''], ['b.yaml', '']]);
  const view = { tree: new Set(files.keys()), files };
  const r = kustomizeBuild('', view, { maxFiles: 2 });
  assert.equal(r.kind, 'refused');
  const deep: Record<string, string> = {};
  for (let i = 0; i < 5; i++) deep[`${'d/'.repeat(i)}kustomization.yaml`] = i < 4 ? 'resources: [d]\n' : '';
  const d = kustomizeBuild('', { tree: new Set(Object.keys(deep)), files: new Map(Object.entries(deep)) }, { maxDepth: 3 });
  assert.equal(d.kind, 'refused');
  if (d.kind === 'refused') assert.match(d.errors[0]?.message ?? '', /nest deeper than 3/);
});

test('files are asked for in rounds, every file of a level at once, and only files in the tree', () => {
  const files = {
    'kustomization.yaml': 'resources: [a.yaml, b]\n',
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    'b/kustomization.yaml': 'resources: [c.yaml]\n',
    'b/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  };
  const tree = new Set(Object.keys(files));
  const read = new Map<string, string>();
  const asked: string[][] = [];
  for (;;) {
    const r = kustomizeBuild('', { tree, files: read });
    if (r.kind !== 'needFiles') {
      assert.equal(r.kind, 'built');
      break;
    }
    asked.push(r.paths);
    for (const p of r.paths) read.set(p, files[p as keyof typeof files]);
  }
  assert.deepStrictEqual(asked, [['kustomization.yaml'], ['a.yaml', 'b/kustomization.yaml'], ['b/c.yaml']]);
});

test('scalars read as kustomize reads them: annotations keep their text, yes/on stay strings, 0755 is octal', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [a.yaml]\n',
    'a.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {a: 0755, b: True, c: ~, d: false, e: 1.50, f: 2001-12-14, g: "x"}
  labels: {l: 2}
data: {a: yes, b: 0755, c: on, d: 0x1F, e: 1.0, f: 2001-12-14, g: True, h: ~, i: n}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, annotations: {}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, annotations: null}
`,
  });
});

test('an empty kustomization (nothing but its header) is refused as kustomize refuses it; an empty resource list builds', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n' }, '', { refused: true });
  await assertSameAsKubectl(t, { 'kustomization.yaml': '' }, '', { refused: true });
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'namePrefix: ""\n' }, '', { refused: true });
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'resources: []\n' });
});

test('a path the tree does not list (a symlink, which the repository reader leaves out) is refused with the file and key', () => {
  const result = buildOurs({ 'env/kustomization.yaml': 'resources: [linked/app.yaml]\npatchesStrategicMerge: [p.yaml]\n' }, 'env');
  assert.equal(result.kind, 'refused');
  if (result.kind === 'refused') assert.equal(result.errors[0]?.message, 'resources in env/kustomization.yaml names linked/app.yaml, which is not in the repository');
});

test('YAML anchors and aliases are expanded into separate copies: a label added in one place does not show in another', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [a.yaml]\ncommonAnnotations: {note: x}\nlabels: [{pairs: {team: a}}]\n',
    'a.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: &labels {app: web}
spec:
  selector: {matchLabels: *labels}
  template:
    metadata:
      labels:
        <<: *labels
        tier: front
    spec:
      containers: [{name: c, image: i}]
`,
  });
});
