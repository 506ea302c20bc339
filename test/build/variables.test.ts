import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseVariableLines, substituteString, substituteValue } from '../../shared/build/variables.ts';

describe('per-cluster variables', () => {
  const vars = new Map([['clusterName', 'weekly-46'], ['dnsZone', 'dev.radix.equinor.com']]);
  it('replaces ${name} for defined names and leaves undefined ${...} as they are', () => {
    assert.equal(substituteString('owner ${clusterName} in ${dnsZone}', vars), 'owner weekly-46 in dev.radix.equinor.com');
    assert.equal(substituteString('for i in $(seq ${count}); do echo $i; done', vars), 'for i in $(seq ${count}); do echo $i; done');
    assert.equal(substituteString('${ clusterName } ${clusterName', vars), '${ clusterName } ${clusterName');
  });
  it('$${x} escapes: it is written ${x} and never substituted', () => {
    assert.equal(substituteString('$${clusterName} and ${clusterName}', vars), '${clusterName} and weekly-46');
  });
  it('substitutes string values only, never keys, and keeps other types', () => {
    const out = substituteValue({ '${clusterName}': '${clusterName}', n: 3, list: ['${dnsZone}', true] }, vars);
    assert.deepEqual(out, { '${clusterName}': 'weekly-46', n: 3, list: ['dev.radix.equinor.com', true] });
  });
  it('parses "name: value" lines, skipping blanks and comments, and names the line that does not parse', () => {
    const ok = parseVariableLines('clusterName: weekly-46\n\n# comment\ndnsZone: "dev.radix.equinor.com"\nempty:\n');
    assert.ok(ok.ok);
    assert.deepEqual([...ok.variables], [['clusterName', 'weekly-46'], ['dnsZone', 'dev.radix.equinor.com'], ['empty', '']]);
    const bad = parseVariableLines('clusterName: a\nnot a pair\n');
    assert.deepEqual(bad.ok ? undefined : bad.line, 2);
    const twice = parseVariableLines('a: 1\na: 2\n');
    assert.match(twice.ok ? '' : twice.message, /defined twice/);
  });
});
