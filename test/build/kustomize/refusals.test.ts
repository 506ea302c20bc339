import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOurs } from './support/oracle.ts';

const FIELDS: Record<string, string> = {
  generators: '[gen.yaml]',
  transformers: '[t.yaml]',
  validators: '[v.yaml]',
  helmCharts: '[{name: x, repo: https://charts.example}]',
  helmChartInflationGenerator: '[{chartName: x}]',
  helmGlobals: '{chartHome: c}',
  replacements: '[{source: {kind: ConfigMap, name: c}, targets: []}]',
  vars: '[{name: V, objref: {kind: Service, name: s, apiVersion: v1}}]',
  components: '[../c]',
  crds: '[crd.json]',
  openapi: '{path: schema.json}',
  configurations: '[c.yaml]',
  sortOptions: '{order: fifo}',
  buildMetadata: '[originAnnotations]',
  imageTags: '[{name: x, newTag: y}]',
  somethingNew: 'true',
};

for (const [field, value] of Object.entries(FIELDS)) {
  test(`the kustomize field ${field} refuses the build, naming the field and the file`, () => {
    const result = buildOurs({ 'env/kustomization.yaml': `resources: []\n${field}: ${value}\n` }, 'env');
    assert.equal(result.kind, 'refused');
    if (result.kind !== 'refused') return;
    assert.equal(result.errors[0]?.message, `unsupported kustomize field ${field} in env/kustomization.yaml`);
    assert.equal(result.errors[0]?.file, 'env/kustomization.yaml');
    assert.equal(result.errors[0]?.line, 2);
  });
}

test('an unknown key inside a supported field is refused, never ignored', () => {
  const result = buildOurs({ 'kustomization.yaml': 'images: [{name: x, newTag: v1, tagSuffix: z}]\n' });
  assert.equal(result.kind, 'refused');
  if (result.kind === 'refused') assert.match(result.errors[0]?.message ?? '', /invalid kustomize field images\.0 in kustomization\.yaml.*tagSuffix/);
});

test('a Component kustomization is refused', () => {
  const result = buildOurs({ 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n' });
  assert.equal(result.kind, 'refused');
});
