import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GoYamlUnsupported, goYamlSortKeys, marshalGoYamlV2 } from '../../shared/build/go-yaml-v2.ts';

describe('go-yaml v2 marshalling (as Flux v1 wrote flux-patch.yaml)', () => {
  it('sorts keys as go-yaml does: other characters before letters, digit runs by value', () => {
    assert.deepEqual(goYamlSortKeys(['b', 'a10', 'a9', 'A', '_x', 'a']), ['_x', 'A', 'a', 'a9', 'a10', 'b']);
    assert.deepEqual(goYamlSortKeys(['spec', 'metadata', 'kind', 'apiVersion']), ['apiVersion', 'kind', 'metadata', 'spec']);
  });
  it('writes nested mappings with 2-space indentation and sequences at their key\'s indentation', () => {
    const text = marshalGoYamlV2({ spec: { containers: [{ name: 'a', image: 'r/a:1' }], ports: [80, 443] }, kind: 'X' });
    assert.equal(text, 'kind: X\nspec:\n  containers:\n  - image: r/a:1\n    name: a\n  ports:\n  - 80\n  - 443\n');
  });
  it('quotes only strings that would read back as something else, or that plain style cannot hold', () => {
    const text = marshalGoYamlV2({ a: 'true', b: '1.5', c: '', d: 'null', e: '0755', f: 'master-abc', g: ': x', h: '- x', i: '#x', j: 'a #b', k: 'x: y', l: '2021-01-02', m: 'yes', o: "it's", n: 'x' });
    assert.equal(text, [
      'a: "true"', 'b: "1.5"', 'c: ""', 'd: "null"', 'e: "0755"', 'f: master-abc', "g: ': x'", "h: '- x'", "i: '#x'", "j: 'a #b'",
      "k: 'x: y'", 'l: "2021-01-02"', 'm: "yes"', '"n": x', "o: it's", '',
    ].join('\n'));
  });
  it('writes null, booleans, numbers and empty collections as go-yaml does', () => {
    assert.equal(marshalGoYamlV2({ a: null, b: false, c: 3, d: 1.5, e: {}, f: [], g: 1e21, h: 0.00001 }), 'a: null\nb: false\nc: 3\nd: 1.5\ne: {}\nf: []\ng: 1e+21\nh: 1e-05\n');
  });
  it('refuses what it cannot write exactly: multi-line strings and long strings with spaces (go-yaml folds them)', () => {
    assert.throws(() => marshalGoYamlV2({ a: 'x\ny' }), GoYamlUnsupported);
    assert.throws(() => marshalGoYamlV2({ a: 'word '.repeat(20).trim() }), /column 80/);
    assert.equal(marshalGoYamlV2({ a: 'x'.repeat(200) }), `a: ${'x'.repeat(200)}\n`);
  });
});
