/** RFC 7386 JSON merge patch, on plain JSON-like values (objects, arrays, scalars). Inputs are not modified. */

import { isMapping } from '../../manifests/is-mapping.ts';

export const isPlainObject = isMapping;

/** Applies `patch` to `target` as RFC 7386 says: objects merge, `null` removes a member, anything else replaces. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = jsonMergePatch(result[key], value);
  }
  return result;
}

/** A deep copy of a JSON-like value. */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out as T;
  }
  return value;
}
