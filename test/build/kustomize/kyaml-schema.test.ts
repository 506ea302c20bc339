import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import { KYAML_SCHEMA, RawScalar, UnsupportedScalarError } from '../../../shared/build/kustomize/kyaml-schema.ts';
import { KUBE_YAML_SCHEMA } from '../../../shared/manifests/yaml-schema.ts';

const both = { kyaml: KYAML_SCHEMA, kube: KUBE_YAML_SCHEMA };

test('both readers read an unknown tag as the untagged node (the rule they share), and differ where go-yaml v2 and v3 differ', () => {
  for (const [name, schema] of Object.entries(both)) {
    assert.deepEqual(load('a: !foo bar\nb: !foo [x]\nc: !foo {k: v}\n', { schema }), { a: 'bar', b: ['x'], c: { k: 'v' } }, name);
  }
  assert.equal(load('yes', { schema: KUBE_YAML_SCHEMA }), true, 'YAML 1.1: yes is a bool');
  assert.equal(load('yes', { schema: KYAML_SCHEMA }), 'yes', 'go-yaml v3: yes is a string');
  const n = load('0755', { schema: KYAML_SCHEMA });
  assert.ok(n instanceof RawScalar && n.value === 493 && n.raw === '0755', 'the shared number resolver: 0755 is octal');
  assert.equal(load('0755', { schema: KUBE_YAML_SCHEMA }), 493);
  assert.throws(() => load('!!binary aGk=', { schema: KYAML_SCHEMA }), UnsupportedScalarError, '!!binary is refused, not read as an unknown tag');
});
