/**
 * Strategic merge patch as kustomize v5.5.0 applies `patchesStrategicMerge` / `patches` (kyaml `merge2`, checked
 * against `kubectl kustomize`), with the patch merge keys and strategies of the Kubernetes v1.21.2 schema it embeds:
 *
 * - maps merge; a `null` value removes the field; `$patch: replace` replaces the map; `$patch: delete` removes it;
 * - a list whose schema has a merge key and strategy `merge` merges by key: the patch's elements first, in patch
 *   order (merged with the original element of the same key, or new), then the original elements the patch does not
 *   name, in their order; an element `{$patch: replace}` makes the rest of the patch list replace the list, and an
 *   element with `$patch: delete` removes the original element of its key;
 * - a list of scalars with strategy `merge` (finalizers) is a union without duplicates, patch values first; such a
 *   list is de-duplicated wherever the merge walks through it, as kyaml does;
 * - every other list, and every list of a kind or field the schema does not know, is replaced by the patch's list as
 *   written (nulls inside it stay);
 * - a map, list or scalar where the object has another shape is refused (kustomize fails: wrong node kind);
 * - `$setElementOrder/...`, `$retainKeys` and `$deleteFromPrimitiveList/...` are not directives for kustomize: they
 *   are copied like any other field, as kustomize does.
 *
 * Kinds the schema does not know go through the same walk without schema: maps merge, lists are replaced,
 * `$patch` directives in maps apply. Inputs are not modified.
 */
import { clone, isPlainObject } from './json-merge-patch.ts';
import { fieldSchema, rootType } from './patch-schema.ts';
import type { FieldSchema } from './patch-schema.ts';

const DELETE = Symbol('delete');

/**
 * Thrown for list shapes kustomize's merge treats in ways we do not reproduce (checked against kubectl: elements
 * without their merge key, duplicate keys in a patch, a port patched with another protocol): the caller refuses.
 */
export class MergeRefusal extends Error {}
type Merged = unknown | typeof DELETE;

/** Strategic merge patch with the Kubernetes OpenAPI's patch merge keys/strategies, as kustomize does. */
export function strategicMergePatch(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const apiVersion = typeof base.apiVersion === 'string' ? base.apiVersion : '';
  const kind = typeof base.kind === 'string' ? base.kind : '';
  const merged = mergeValue(base, patch, rootType(apiVersion, kind), undefined);
  return isPlainObject(merged) ? merged : {};
}

/** Merges one value; `schema` describes the field holding it (undefined: unknown). */
function mergeValue(base: unknown, patch: unknown, type: string | undefined, schema: FieldSchema | undefined): Merged {
  if (isPlainObject(patch)) return mergeMap(base, patch, type);
  if (Array.isArray(patch)) return mergeList(base, patch, schema);
  return clone(patch);
}

function mergeMap(base: unknown, patch: Record<string, unknown>, type: string | undefined): Merged {
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return mergeMap(undefined, rest, type);
  }
  const result: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const schema = fieldSchema(type, key);
    checkShape(result[key], value, key);
    const merged = mergeValue(result[key], value, childType(schema), schema);
    if (merged === DELETE) delete result[key];
    else result[key] = merged;
  }
  for (const [key, value] of Object.entries(result)) {
    if (!Object.hasOwn(patch, key)) result[key] = walkUntouched(value, fieldSchema(type, key));
  }
  return result;
}

/** Fields the patch does not name: kyaml still walks them, which de-duplicates merge-strategy scalar lists. */
function walkUntouched(value: unknown, schema: FieldSchema | undefined): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    if (schema.shape === 'l' && isScalarMergeList(schema)) return unique(value);
    if (schema.shape === 'l' && hasMerge(schema) && schema.mergeKey) return normalizeKeyed(value, schema, 'walk');
    return value;
  }
  if (isPlainObject(value) && (schema.shape === 'o' || schema.shape === 'm')) {
    const type = childType(schema);
    if (!type || schema.shape === 'm') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walkUntouched(v, fieldSchema(type, k));
    return out;
  }
  return value;
}

const childType = (schema: FieldSchema | undefined): string | undefined =>
  schema && (schema.shape === 'o' || schema.shape === 'l' || schema.shape === 'm') && schema.type ? schema.type : undefined;

const hasMerge = (schema: FieldSchema): boolean => schema.strategy.split(',').includes('merge');
const isScalarMergeList = (schema: FieldSchema): boolean => schema.type === '' && hasMerge(schema);

function mergeList(base: unknown, patch: unknown[], schema: FieldSchema | undefined): Merged {
  if (!schema || schema.shape !== 'l' || !hasMerge(schema)) return cleanList(patch, schema);
  const original = Array.isArray(base) ? base : [];
  if (isScalarMergeList(schema)) return unique([...patch.filter((v) => v !== null), ...original]);
  if (!schema.mergeKey) return cleanList(patch, schema);
  const key = schema.mergeKey;
  const type = schema.type || undefined;
  if (patch.some((e) => isPlainObject(e) && e.$patch === 'replace')) {
    return cleanList(patch.filter((e) => !(isPlainObject(e) && e.$patch === 'replace')), schema);
  }
  const dest = normalizeKeyed(original, schema, 'walk');
  const seen = new Set<string>();
  for (const element of patch) {
    if (!isPlainObject(element) || !Object.hasOwn(element, key) || element[key] === null) {
      throw new MergeRefusal(`a patch list merged by ${key} has an element without ${key} (kustomize's result is not reproduced)`);
    }
    const k = String(element[key]);
    if (seen.has(k)) throw new MergeRefusal(`a patch list merged by ${key} names ${k} twice (kustomize's result is not reproduced)`);
    seen.add(k);
  }
  const used = new Set<number>();
  const result: unknown[] = [];
  for (const element of patch as Array<Record<string, unknown>>) {
    const index = dest.findIndex((o, i) => !used.has(i) && isPlainObject(o) && sameKey(o[key], element[key]));
    if (index >= 0) {
      const o = dest[index] as Record<string, unknown>;
      if (Object.hasOwn(element, 'protocol') && (o.protocol ?? 'TCP') !== element.protocol && (key === 'containerPort' || key === 'port')) {
        throw new MergeRefusal(`a patch changes the protocol of port ${String(element[key])} (kustomize's result is not reproduced)`);
      }
    }
    if (index >= 0) used.add(index);
    if (element.$patch === 'delete') continue;
    const merged = mergeMap(index >= 0 ? dest[index] : undefined, element, type);
    if (merged !== DELETE) result.push(merged);
  }
  dest.forEach((o, i) => {
    if (!used.has(i)) result.push(o);
  });
  return result;
}

/**
 * A keyed list kustomize's walk passes through: an element without its merge key is refused; duplicate keys
 * collapse to the last element, at the first one's place (as kubectl kustomize prints). Elements are walked too.
 */
function normalizeKeyed(list: unknown[], schema: FieldSchema, where: 'walk' | 'patch'): unknown[] {
  const key = schema.mergeKey;
  const positions = new Map<string, number>();
  const out: unknown[] = [];
  for (const element of list) {
    if (!isPlainObject(element) || !Object.hasOwn(element, key) || element[key] === null) {
      throw new MergeRefusal(`a list merged by ${key} has an element without ${key} (kustomize's result is not reproduced)`);
    }
    const k = String(element[key]);
    const walked = walkUntouched(element, { shape: 'o', type: schema.type, mergeKey: '', strategy: '' });
    const at = positions.get(k);
    if (at === undefined) {
      positions.set(k, out.length);
      out.push(walked);
    } else if (where === 'patch') throw new MergeRefusal(`a patch list merged by ${key} names ${k} twice`);
    else out[at] = walked;
  }
  return out;
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && String(a) === String(b));
}

/** A list that replaces: copied from the patch as written (nulls inside stay, as kubectl kustomize prints). */
function cleanList(list: unknown[], _schema: FieldSchema | undefined): unknown[] {
  return clone(list);
}

const shapeOf = (v: unknown): string => (Array.isArray(v) ? 'list' : isPlainObject(v) ? 'map' : 'scalar');

/** kustomize fails ("wrong node kind") when a patch puts a map, list or scalar where the base has another. */
function checkShape(base: unknown, patch: unknown, key: string): void {
  if (base === undefined || base === null || patch === null) return;
  if (shapeOf(base) !== shapeOf(patch)) {
    throw new MergeRefusal(`the patch puts a ${shapeOf(patch)} at ${key} where the object has a ${shapeOf(base)} (kustomize fails: wrong node kind)`);
  }
}

function unique(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const k = JSON.stringify(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(clone(v));
  }
  return out;
}
