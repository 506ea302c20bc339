/**
 * apimachinery's `strategicpatch.StrategicMergePatch`, which Flux v1 used to apply its patch file to built-in
 * kinds (`patch.go` `applyPatch`). It differs from kustomize's strategic merge (kyaml): `$setElementOrder/<field>`
 * is a directive that orders the list and is removed, and merged lists keep the original order (patched
 * elements are not moved to the front).
 *
 * Reproduced: maps merged recursively (`null` deletes a key); lists with the `merge` strategy and a merge key
 * merged element by element (new elements appended), then ordered as apimachinery's `normalizeElementOrder`
 * does, by `$setElementOrder` when given; other lists and values replaced. Refused (throws
 * {@link StrategicPatchUnsupported}): the `$patch`, `$retainKeys` and `$deleteFromPrimitiveList` directives,
 * merge lists of scalars, and maps or lists under a field the schema does not describe (apimachinery fails
 * there too).
 */
import { fieldSchema, rootType } from './merge/index.ts';
import { isJsonMap, jsonEqual, setOwn, type JsonMap } from './json-values.ts';

export class StrategicPatchUnsupported extends Error {
  constructor(message: string, path: string) {
    super(`${message} at ${path || '(root)'}`);
    this.name = 'StrategicPatchUnsupported';
  }
}

const ORDER = '$setElementOrder/';
const goType = (v: unknown): string => (v === null ? 'nil' : Array.isArray(v) ? 'list' : typeof v);

/** Index of an element in an order list, by merge key. */
function indexIn(order: readonly unknown[], item: unknown, mergeKey: string): number {
  return order.findIndex((o) => isJsonMap(o) && isJsonMap(item) && jsonEqual(o[mergeKey], item[mergeKey]));
}

/** `normalizeSliceOrder`: a stable sort of `items` by their position in `order` (all are found there). */
function sortByOrder(items: unknown[], order: readonly unknown[], mergeKey: string, path: string): unknown[] {
  const keyed = items.map((item, i) => ({ item, i, at: indexIn(order, item, mergeKey) }));
  if (keyed.some((k) => k.at < 0)) throw new StrategicPatchUnsupported('a merge-list element missing from its order list', path);
  return keyed.sort((a, b) => a.at - b.at || a.i - b.i).map((k) => k.item);
}

/**
 * `normalizeElementOrder` + `mergeSortedSlice(serverOnly, patch, serverOrder)`: server-only items are inserted
 * into the patch items; an item found in only one place goes after the patch item it meets.
 */
function normalizeOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string, path: string): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, path);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, path);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], order: readonly unknown[] | undefined, type: string | undefined, mergeKey: string, path: string): unknown[] {
  if (!mergeKey || !original.every(isJsonMap) || !patch.every(isJsonMap)) throw new StrategicPatchUnsupported('a merge list of scalars or without a merge key', path);
  if (order) {
    const at = patch.map((p) => indexIn(order, p, mergeKey));
    if (at.some((x, i) => x < 0 || (i > 0 && x < at[i - 1]!))) throw new StrategicPatchUnsupported(`the patch list does not follow its $setElementOrder (apimachinery rejects it)`, path);
  }
  const merged = original.map((e) => e);
  for (const p of patch as JsonMap[]) {
    if (Object.hasOwn(p, '$patch')) throw new StrategicPatchUnsupported('the $patch directive', path);
    if (!Object.hasOwn(p, mergeKey)) throw new StrategicPatchUnsupported(`a merge-list element without its merge key ${mergeKey}`, path);
    const at = merged.findIndex((e) => jsonEqual((e as JsonMap)[mergeKey], p[mergeKey]));
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonMap, p, type, `${path}[${String(p[mergeKey])}]`);
    else merged.push(p);
  }
  const patchOrder = order ?? patch;
  const inOrder = (e: unknown) => indexIn(patchOrder, e, mergeKey) >= 0;
  return normalizeOrder(merged.filter(inOrder), merged.filter((e) => !inOrder(e)), patchOrder, original, mergeKey, path);
}

function mergeMap(original: JsonMap, patch: JsonMap, type: string | undefined, path: string): JsonMap {
  if (Object.hasOwn(patch, '$patch') || Object.hasOwn(patch, '$retainKeys')) throw new StrategicPatchUnsupported('the $patch / $retainKeys directives', path);
  const out: JsonMap = { ...original };
  const orders = new Map<string, unknown>();
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(ORDER)) orders.set(k.slice(ORDER.length), v);
    else if (k.startsWith('$')) throw new StrategicPatchUnsupported(`the ${k.split('/')[0]} directive`, path);
  }
  for (const [k, pv] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const at = path ? `${path}.${k}` : k;
    if (pv === null) {
      delete out[k];
      continue;
    }
    const ov = out[k];
    if (ov === undefined || goType(ov) !== goType(pv) || (!isJsonMap(ov) && !Array.isArray(ov))) {
      if (hasDirective(pv)) throw new StrategicPatchUnsupported('a directive inside a value the patch adds whole', at);
      const order = orders.get(k);
      if (order !== undefined && Array.isArray(pv) && Array.isArray(order)) {
        const mergeKey = fieldSchema(type, k)?.mergeKey;
        if (!mergeKey) throw new StrategicPatchUnsupported(`${ORDER}${k} without a merge key`, at);
        setOwn(out, k, sortByOrder([...pv], order, mergeKey, at));
      } else setOwn(out, k, pv);
      continue;
    }
    const schema = fieldSchema(type, k);
    if (!schema) throw new StrategicPatchUnsupported('a field the schema does not describe', at);
    if (isJsonMap(ov)) {
      setOwn(out, k, schema.strategy.includes('replace') ? pv : mergeMap(ov, pv as JsonMap, schema.type || undefined, at));
    } else if (schema.strategy.includes('merge')) {
      const order = orders.get(k);
      if (order !== undefined && !Array.isArray(order)) throw new StrategicPatchUnsupported(`${ORDER}${k} is not a list`, at);
      setOwn(out, k, mergeList(ov as unknown[], pv as unknown[], order as unknown[] | undefined, schema.type || undefined, schema.mergeKey, at));
    } else setOwn(out, k, pv);
  }
  for (const [k, order] of orders) {
    if (Object.hasOwn(patch, k) || !Array.isArray(out[k])) continue;
    const schema = fieldSchema(type, k);
    if (!schema?.mergeKey || !Array.isArray(order)) throw new StrategicPatchUnsupported(`${ORDER}${k} without a merge list`, path);
    const list = out[k] as unknown[];
    const inOrder = (e: unknown) => indexIn(order, e, schema.mergeKey) >= 0;
    setOwn(out, k, normalizeOrder(list.filter(inOrder), list.filter((e) => !inOrder(e)), order, list, schema.mergeKey, `${path}.${k}`));
  }
  return out;
}

function hasDirective(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasDirective);
  if (isJsonMap(v)) return Object.entries(v).some(([k, x]) => k.startsWith('$') || hasDirective(x));
  return false;
}

/** Applies a strategic merge patch to an object of a kind the schema knows, as apimachinery does. */
export function applyStrategicPatch(original: JsonMap, patch: JsonMap): JsonMap {
  const type = rootType(String(original.apiVersion), String(original.kind));
  if (!type) throw new StrategicPatchUnsupported(`${String(original.apiVersion)} ${String(original.kind)} is not a kind the schema knows`, '');
  return mergeMap(original, patch, type, '');
}
