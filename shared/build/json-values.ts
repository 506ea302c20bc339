/**
 * JSON-value helpers for the patch-file code: deep equality, deep clone, and RFC 7386 merge-patch creation
 * exactly as `github.com/evanphx/json-patch` `CreateMergePatch` computes it (Flux v1 `getPatch` for kinds the
 * client-go scheme does not know, e.g. HelmRelease).
 */

export type JsonMap = Record<string, unknown>;

export const isJsonMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values (numbers by value, key order ignored, array order kept). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const am = a as JsonMap;
  const bm = b as JsonMap;
  const ak = Object.keys(am).filter((k) => am[k] !== undefined);
  const bk = Object.keys(bm).filter((k) => bm[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bm, k) && jsonEqual(am[k], bm[k]));
}

/** Go's JSON type of a value, as evanphx/json-patch compares them with `reflect.TypeOf`. */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * `CreateMergePatch(original, modified)` for two objects: keys added or changed in `modified` (maps diffed
 * recursively, arrays and scalars replaced whole), keys removed set to null. `{}` when equal.
 */
export function createMergePatch(original: JsonMap, modified: JsonMap): JsonMap {
  const into: JsonMap = {};
  for (const [key, bv] of Object.entries(modified)) {
    if (bv === undefined) continue;
    if (!Object.hasOwn(original, key) || original[key] === undefined) {
      setOwn(into, key, bv);
      continue;
    }
    const av = original[key];
    if (jsonType(av) !== jsonType(bv)) {
      setOwn(into, key, bv);
      continue;
    }
    if (isJsonMap(av)) {
      const sub = createMergePatch(av, bv as JsonMap);
      if (Object.keys(sub).length > 0) setOwn(into, key, sub);
    } else if (!jsonEqual(av, bv)) setOwn(into, key, bv);
  }
  for (const key of Object.keys(original)) {
    if (original[key] !== undefined && (!Object.hasOwn(modified, key) || modified[key] === undefined)) setOwn(into, key, null);
  }
  return into;
}

/** Sets an own property (also `__proto__`) without touching the prototype chain. */
export function setOwn(map: JsonMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
