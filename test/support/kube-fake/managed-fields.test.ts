import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ELEMENT, keySegment, sameFlat, stable, stableEqual, stableEqualExcept } from './managed-fields.ts';

// Values that stable() renders alike or apart in the ways that matter: undefined/null/missing keys,
// key order, array order and holes, numbers that print the same, nesting.
const values: unknown[] = [
  undefined, null, 0, -0, 1, 1.5, NaN, Infinity, '', '1', 'a', true, false, () => 1,
  [], [null], [undefined], [1, 2], [2, 1], [[1]], [{ a: 1 }], new Array(1), new Array(2), [1, , 2], [, 1], [, [1]],, [1, undefined, 2], [1, null, 2],
  {}, { a: 1 }, { a: 1, b: 2 }, { b: 2, a: 1 }, { a: undefined }, { a: null }, { a: '1' }, { a: [1] },
  { a: { b: { c: 'x' } } }, { a: { c: 'x', b: undefined } }, { a: { b: { c: 'y' } } }, { 'a"': 1 }, new Date(0),
];

/** A small random JSON-like value (deterministic for a seed), from few enough leaves that pairs often match. */
function randomValue(next: () => number, depth = 0): unknown {
  const r = next();
  if (depth > 2 || r < 0.4) return [undefined, null, 0, 1, 'a', 'b', true][Math.floor(next() * 7)];
  const n = Math.floor(next() * 3);
  if (r < 0.7) return Array.from({ length: n }, () => randomValue(next, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[['x', 'y', 'z'][Math.floor(next() * 3)]!] = randomValue(next, depth + 1);
  return o;
}

describe('kube-fake stable equality', () => {
  it('agrees with comparing the stable() strings on thousands of random pairs, including equal ones with keys reordered', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let equal = 0;
    for (let i = 0; i < 5000; i++) {
      const a = randomValue(next);
      const b = i % 3 === 0 ? reordered(a) : randomValue(next);
      const want = stable(a) === stable(b);
      if (want) equal++;
      assert.equal(stableEqual(a, b), want, `${stable(a)} vs ${stable(b)}`);
    }
    assert.ok(equal > 1000, `only ${equal} equal pairs`);
  });

  it('answers as comparing the stable() strings does, for every pair of a varied set of values', () => {
    for (const a of values) for (const b of values) {
      assert.equal(stableEqual(a, b), stable(a) === stable(b), `${stable(a)} vs ${stable(b)}`);
    }
  });

  it('ignores key order but treats an undefined-valued key as null, not as a missing key', () => {
    assert.equal(stableEqual({ x: 1, y: { p: [1, 2], q: 'z' } }, { y: { q: 'z', p: [1, 2] }, x: 1 }), true);
    assert.equal(stableEqual({ a: undefined }, { a: null }), true);
    assert.equal(stableEqual({ a: undefined }, {}), false);
    assert.equal(stableEqual([1, 2], [2, 1]), false);
  });

  it('leaves the named top-level keys out of both objects, whether present or not', () => {
    assert.equal(stableEqualExcept({ spec: 1, metadata: { rv: '1' } }, { spec: 1 }, ['metadata']), true);
    assert.equal(stableEqualExcept({ spec: 1, status: 'x' }, { spec: 1, status: 'y' }, ['metadata', 'status']), true);
    assert.equal(stableEqualExcept({ spec: 1, metadata: {} }, { spec: 2, metadata: {} }, ['metadata']), false);
    assert.equal(stableEqualExcept({ spec: 1, extra: undefined }, { spec: 1 }, ['metadata']), false);
    assert.equal(stableEqualExcept({ a: { metadata: 1 } }, { a: { metadata: 2 } }, ['metadata']), false);
  });
});

function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)]));
  return v;
}

describe('kube-fake associative list keys', () => {
  it('prints the k: segment of one key as JSON of the key object, with the key\'s default and without an absent key', () => {
    assert.equal(keySegment({ name: 'app', image: 'x' }, ['name']), 'k:{"name":"app"}');
    assert.equal(keySegment({ port: 80 }, ['protocol']), 'k:{"protocol":"TCP"}');
    assert.equal(keySegment({ image: 'x' }, ['name']), 'k:{}');
    assert.equal(keySegment({ name: { a: 1 } }, ['name']), 'k:{"name":{"a":1}}');
    assert.equal(keySegment({ protocol: 'UDP', containerPort: 53 }, ['protocol', 'containerPort']), 'k:{"containerPort":53,"protocol":"UDP"}');
    assert.equal(keySegment('app', ['name']), undefined);
  });
});

describe('kube-fake flat field values', () => {
  it('counts ELEMENT equal only to itself, and other values equal when their stable JSON is', () => {
    assert.equal(sameFlat(ELEMENT, ELEMENT), true);
    assert.equal(sameFlat(ELEMENT, '\u0000'), false);
    assert.equal(sameFlat(null, ELEMENT), false);
    assert.equal(sameFlat({ a: 1, b: [1] }, { b: [1], a: 1 }), true);
    assert.equal(sameFlat(undefined, null), true);
    assert.equal(sameFlat('1', 1), false);
  });
});
