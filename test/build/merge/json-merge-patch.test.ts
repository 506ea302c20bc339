import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMergePatch } from '../../../shared/build/merge/index.ts';

test('jsonMergePatch follows the RFC 7386 examples', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) assert.deepStrictEqual(jsonMergePatch(target, patch), expected);
});

test('jsonMergePatch leaves its inputs unchanged', () => {
  const target = { a: { b: 1 } };
  const patch = { a: { c: 2 } };
  jsonMergePatch(target, patch);
  assert.deepStrictEqual(target, { a: { b: 1 } });
  assert.deepStrictEqual(patch, { a: { c: 2 } });
});
