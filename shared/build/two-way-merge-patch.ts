/**
 * apimachinery's `strategicpatch.CreateTwoWayMergePatch` (what Flux v1 wrote into the patch file for built-in
 * kinds), for the changes an image update makes: values changed in place. Reproduced exactly:
 * - mappings: only the keys that differ; a key added carries its whole value; a key removed is `null`;
 * - lists with the `merge` strategy and a merge key (containers by `name`, …): the elements that differ, each
 *   with its merge key, in the list's order (`diffLists` normalises the patch list to the modified order), plus
 *   `$setElementOrder/<field>` listing every element's merge key in order; an empty list becoming non-empty is
 *   the whole new list;
 * - other lists, and values whose type changed: the whole new value.
 * Anything else (elements added, removed or reordered in a merge list, merge lists of scalars, `retainKeys`
 * fields) throws {@link TwoWayPatchUnsupported}: the caller refuses rather than writes a different patch.
 */
import { fieldSchema, rootType } from './merge/index.ts';
import { isJsonMap, jsonEqual, setOwn, type JsonMap } from './json-values.ts';

export class TwoWayPatchUnsupported extends Error {
  constructor(message: string, path: string) {
    super(`${message} at ${path || '(root)'}`);
    this.name = 'TwoWayPatchUnsupported';
  }
}

const goType = (v: unknown): string => (v === null ? 'nil' : Array.isArray(v) ? 'list' : typeof v);

function diffMaps(original: JsonMap, modified: JsonMap, type: string | undefined, path: string): JsonMap {
  const patch: JsonMap = {};
  for (const [key, mv] of Object.entries(modified)) {
    const at = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(original, key)) {
      setOwn(patch, key, mv);
      continue;
    }
    const ov = original[key];
    if (jsonEqual(ov, mv)) continue;
    if (goType(ov) !== goType(mv)) {
      setOwn(patch, key, mv);
      continue;
    }
    const schema = fieldSchema(type, key);
    if (schema?.strategy.includes('retainKeys')) throw new TwoWayPatchUnsupported('a change under a retainKeys field', at);
    if (isJsonMap(ov)) {
      const sub = diffMaps(ov, mv as JsonMap, schema?.type || undefined, at);
      if (Object.keys(sub).length > 0) setOwn(patch, key, sub);
    } else if (Array.isArray(ov)) {
      if (schema?.strategy.includes('merge')) diffMergeList(patch, key, ov, mv as unknown[], schema.mergeKey, schema.type || undefined, at);
      else setOwn(patch, key, mv);
    } else setOwn(patch, key, mv);
  }
  for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) setOwn(patch, key, null);
  return patch;
}

function diffMergeList(patch: JsonMap, key: string, original: unknown[], modified: unknown[], mergeKey: string, type: string | undefined, path: string): void {
  if (original.length === 0) {
    setOwn(patch, key, modified);
    return;
  }
  if (!mergeKey || !original.every(isJsonMap) || !modified.every(isJsonMap)) throw new TwoWayPatchUnsupported('a change in a merge list of scalars or without a merge key', path);
  const keyOf = (e: JsonMap): string => String(e[mergeKey]);
  if (original.length !== modified.length || original.some((e, i) => !jsonEqual((e as JsonMap)[mergeKey], (modified[i] as JsonMap)[mergeKey]))) {
    throw new TwoWayPatchUnsupported(`elements added, removed or reordered in a merge list (merge key ${mergeKey})`, path);
  }
  const changed: JsonMap[] = [];
  modified.forEach((m, i) => {
    const element = diffMaps(original[i] as JsonMap, m as JsonMap, type, `${path}[${keyOf(m as JsonMap)}]`);
    if (Object.keys(element).length > 0) {
      setOwn(element, mergeKey, (m as JsonMap)[mergeKey]);
      changed.push(element);
    }
  });
  if (changed.length === 0) return;
  setOwn(patch, key, changed);
  setOwn(patch, `$setElementOrder/${key}`, modified.map((e) => ({ [mergeKey]: (e as JsonMap)[mergeKey] })));
}

/** The two-way strategic merge patch from `original` to `modified` (objects of a kind the schema knows). */
export function createTwoWayMergePatch(original: JsonMap, modified: JsonMap): JsonMap {
  const type = rootType(String(original.apiVersion), String(original.kind));
  if (!type) throw new TwoWayPatchUnsupported(`${String(original.apiVersion)} ${String(original.kind)} is not a kind the schema knows`, '');
  return diffMaps(original, modified, type, '');
}
