import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlDocuments, resolveKubeNumber } from '../../shared/manifests/index.ts';
import type { YamlDocument } from '../../shared/manifests/index.ts';

function docs(text: string): YamlDocument[] {
  const result = parseYamlDocuments(text, 'f.yaml');
  assert.ok(result.ok, `expected ${JSON.stringify(text)} to parse: ${result.ok ? '' : result.error.message}`);
  return result.documents;
}
const value = (scalar: string): unknown => (docs(`v: ${scalar}\n`)[0]?.value as { v: unknown }).v;

function rejects(text: string, limits = {}): { line?: number; message: string } {
  const result = parseYamlDocuments(text, 'bad.yaml', limits);
  assert.equal(result.ok, false, 'expected the file to be rejected');
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.file, 'bad.yaml');
  return result.error;
}

describe('YAML 1.1 scalars as Kubernetes (go-yaml v2) reads them', () => {
  it('an unquoted 0755 is the octal number 493', () => assert.equal(value('0755'), 493));
  it('0o, 0x and 0b prefixes are octal, hex and binary numbers', () => {
    assert.equal(value('0o17'), 15);
    assert.equal(value('0x1F'), 31);
    assert.equal(value('0b101'), 5);
    assert.equal(value('-0x10'), -16);
  });
  it('underscores in numbers are ignored', () => assert.equal(value('1_000'), 1000));
  it('yes/no/on/off/y/n in any YAML 1.1 spelling are booleans', () => {
    for (const t of ['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y', 'true', 'True', 'TRUE']) assert.equal(value(t), true, t);
    for (const f of ['no', 'No', 'NO', 'off', 'Off', 'OFF', 'n', 'N', 'false', 'False', 'FALSE']) assert.equal(value(f), false, f);
  });
  it('~, null and an empty value are null', () => {
    for (const n of ['~', 'null', 'Null', 'NULL', '']) assert.equal(value(n), null, n);
  });
  it('floats follow go-yaml: 1e3 is 1000, 08 is 8, .5 is 0.5, .inf and .nan are special', () => {
    assert.equal(value('1e3'), 1000);
    assert.equal(value('08'), 8);
    assert.equal(value('.5'), 0.5);
    assert.equal(value('1.10'), 1.1);
    assert.equal(value('-.inf'), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(value('.nan')));
  });
  it('quoted scalars stay strings', () => {
    assert.equal(value('"0755"'), '0755');
    assert.equal(value("'true'"), 'true');
    assert.equal(value('"6:00"'), '6:00');
  });
  it('sexagesimal-looking and timestamp-looking scalars stay strings, as go-yaml decodes them into interface{}', () => {
    assert.equal(value('6:00'), '6:00');
    assert.equal(value('2001-12-14'), '2001-12-14');
    assert.equal(value('0 * * * *'), '0 * * * *');
    assert.equal(value('1.2.3'), '1.2.3');
  });
  it('unknown tags read as the untagged node instead of failing', () => {
    assert.equal(value('!foo bar'), 'bar');
    assert.deepEqual(value('!foo [a]'), ['a']);
    assert.deepEqual(value('!foo {a: 1}'), { a: 1 });
  });
  it('merge keys (<<) are honoured', () => {
    assert.deepEqual(docs('base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n')[0]?.value, { base: { a: 1 }, x: { a: 1, c: 2 } });
  });
  it('resolveKubeNumber leaves non-numbers unresolved and keeps int64 range then uint64', () => {
    assert.equal(typeof resolveKubeNumber('12:30'), 'symbol');
    assert.equal(typeof resolveKubeNumber('-'), 'symbol');
    assert.equal(resolveKubeNumber('18446744073709551615'), 18446744073709551615);
    assert.equal(resolveKubeNumber('-0'), 0);
  });
});

describe('multi-document files with 1-based lines', () => {
  it('each document gets the line where its content starts, after comments and ---', () => {
    const d = docs('# comment\n---\napiVersion: v1\nkind: A\n---\n\n# x\nkind: B\n');
    assert.deepEqual(d.map((x) => [x.index, x.line]), [[0, 3], [1, 8]]);
  });
  it('a file without a leading --- has its first document at its first content line', () => {
    assert.deepEqual(docs('# c\n# d\nkind: A\n---\nkind: B\n').map((x) => x.line), [3, 5]);
  });
  it('empty documents are null and get the line of their --- marker', () => {
    const d = docs('kind: A\n---\n---\nkind: B\n---\n');
    assert.deepEqual(d.map((x) => [x.value === null, x.line]), [[false, 1], [true, 2], [false, 4], [true, 5]]);
  });
  it('an empty or comment-only file has no documents', () => {
    assert.deepEqual(docs(''), []);
    assert.deepEqual(docs('# nothing here\n'), []);
  });
  it('items of a top-level items sequence get their own lines', () => {
    const d = docs('apiVersion: v1\nkind: List\nitems:\n- kind: A\n  x: 1\n-\n  kind: B\n- {kind: C}\n');
    assert.deepEqual(d[0]?.itemLines, [4, 7, 8]);
  });
  it('a nested items key does not produce item lines', () => {
    assert.equal(docs('spec:\n  items:\n  - a\n')[0]?.itemLines, undefined);
  });
  it('CRLF line endings count lines the same', () => {
    assert.deepEqual(docs('kind: A\r\n---\r\nkind: B\r\n').map((x) => x.line), [1, 3]);
  });
});

describe('files that do not parse are reported with the line js-yaml reports', () => {
  it('tab indentation is an error with its line', () => {
    const e = rejects('a:\n  b: 1\n\tc: 2\n');
    assert.equal(e.line, 3);
    assert.match(e.message, /does not parse as YAML: .*tab/);
  });
  it('a duplicated mapping key is an error (go-yaml would silently keep the last one)', () => {
    const e = rejects('kind: A\nmetadata:\n  name: a\n  name: b\n');
    assert.equal(e.line, 4);
    assert.match(e.message, /duplicated mapping key/);
  });
  it('an unclosed flow sequence is an error', () => assert.match(rejects('x: [a, b\n').message, /does not parse as YAML/));
  it('an alias to an unknown anchor is an error with its line', () => {
    const e = rejects('a: 1\n---\nb: *nope\n');
    assert.equal(e.line, 3);
  });
});

describe('guards against YAML bombs and absurd inputs', () => {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const n of 'bcdefghi') {
    const prev = String.fromCharCode(n.charCodeAt(0) - 1);
    laughs.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  it('a billion-laughs file is an error (the expansion is counted and stopped), not a hang or out-of-memory', () => {
    const e = rejects(`${laughs.join('\n')}\n`);
    assert.match(e.message, /aliases expand to more than/);
  });
  it('a few legitimate aliases are fine', () => {
    assert.deepEqual(docs('a: &x {k: v}\nb: *x\n')[0]?.value, { a: { k: 'v' }, b: { k: 'v' } });
  });
  it('a recursive alias (a cycle) is an error', () => {
    assert.match(rejects('a: &a\n  b: *a\n').message, /recursive alias/);
    assert.match(rejects('a: &a [1, *a]\n').message, /recursive alias/);
  });
  it('aliases nesting deeper than the limit once expanded are an error', () => {
    const lines = ['a0: &a0 [x]'];
    for (let i = 1; i < 40; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`);
    assert.match(rejects(`${lines.join('\n')}\n`, { maxExpandedDepth: 20 }).message, /nesting deeper than 20/);
  });
  it('nesting deeper than maxDepth is an error, not a stack overflow', () => {
    assert.match(rejects(`${'['.repeat(5000)}${']'.repeat(5000)}\n`).message, /does not parse as YAML: .*maxDepth/);
  });
  it('a file over the length limit is an error', () => {
    assert.match(rejects('a: 1234567890\n', { maxLength: 5 }).message, /too large/);
  });
  it('a file with more documents than the limit is an error', () => {
    assert.match(rejects('---\na: 1\n'.repeat(6), { maxDocuments: 5 }).message, /more than 5 documents/);
  });
  it('merge keys beyond the limit are an error', () => {
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}: ${i}`).join(', ');
    const text = `base: &b {${keys}}\n${Array.from({ length: 10 }, (_, i) => `x${i}: {<<: *b}`).join('\n')}\n`;
    assert.match(rejects(text, { maxMergeKeys: 100 }).message, /merge keys exceeded/);
  });
});
