/**
 * Server-side apply and field ownership: merging an apply configuration into the live object,
 * conflicts between managers, removal of fields a manager stopped applying, and the ownership
 * that create/update/patch (operation `Update`) take.
 */
import { KubeError } from './status.ts';
import { isObject, type Shape } from './shapes.ts';
import { ELEMENT, flatten, fromFieldsV1, keySegment, ownsAtOrBelow, printPath, removePath, sameFlat, shapeAt, stable, toFieldsV1 } from './managed-fields.ts';

type Obj = Record<string, any>;

/** One managedFields entry with its field set decoded. */
interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  /** Read-only while `encoded` is set (it is then shared with encodedSets): change it through {@link writable}. */
  set: Set<string>;
  /** Set whenever `set` or the entry changed. */
  changed?: boolean;
  /** The FieldsV1 object `set` was decoded from, when this fake encoded it (see encodedSets). */
  encoded?: Obj;
}

/** The entry's set, copied first if it is shared with encodedSets. */
function writable(e: Entry): Set<string> {
  if (e.encoded) { e.set = new Set(e.set); delete e.encoded; }
  return e.set;
}

/** The time format of managedFields and creationTimestamp (RFC 3339, whole seconds). */
export function timestamp(now?: Date): string {
  if (now) return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== lastStamp.second) lastStamp = { second, text: timestamp(new Date(ms)) };
  return lastStamp.text;
}

/** The timestamp of the current second, made once per second (it is taken on every write). */
let lastStamp = { second: NaN, text: '' };

/**
 * The field set of each FieldsV1 object this fake encoded (never changed afterwards). Decoding one of them
 * shares its set instead of walking FieldsV1, and an entry whose set did not change keeps the object
 * (encoding its set again gives an equal one). Nothing changes a stored FieldsV1 object in place.
 */
const encodedSets = new WeakMap<object, Set<string>>();

function decode(obj: Obj | undefined): Entry[] {
  const mf = obj?.metadata?.managedFields;
  if (!Array.isArray(mf)) return [];
  return mf.map((e: Obj) => {
    const known = isObject(e.fieldsV1) ? encodedSets.get(e.fieldsV1) : undefined;
    return {
      manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time,
      ...(e.subresource ? { subresource: e.subresource } : {}),
      set: known ?? fromFieldsV1(e.fieldsV1), ...(known ? { encoded: e.fieldsV1 as Obj } : {}),
    };
  });
}

function encodeSet(set: Set<string>): Obj {
  const fields = toFieldsV1(set);
  encodedSets.set(fields, set);
  return fields;
}

function encode(entries: Entry[], now: string): Obj[] {
  return entries.filter((e) => e.set.size > 0).map((e) => ({
    manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.changed ? now : e.time,
    fieldsType: 'FieldsV1', fieldsV1: e.encoded && !e.changed ? e.encoded : encodeSet(e.set), ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

/** Whether the set holds exactly the map's keys. */
function sameKeys(a: Set<string>, b: Map<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const p of a) if (!b.has(p)) return false;
  return true;
}

const DEDUCED: Shape = { t: 'deduced' };

/** Merges an apply configuration into a live value the way SSA does (structs and maps field by field, lists by their type). */
export function merge(live: unknown, config: unknown, shape: Shape): unknown {
  if (config === undefined) return live;
  if (isObject(config) && isObject(live) && shape.t !== 'scalar' && shape.t !== 'list') {
    const out: Obj = { ...live };
    for (const k of Object.keys(config)) {
      const v: unknown = config[k];
      if (v === null) { delete out[k]; continue; }
      const child = shape.t === 'struct' ? shape.field(k) ?? DEDUCED : shape.t === 'map' ? shape.elem : shape;
      out[k] = merge(live[k], v, child);
    }
    return out;
  }
  if (shape.t === 'list' && shape.listType !== 'atomic' && Array.isArray(config) && Array.isArray(live)) {
    if (shape.listType === 'set') {
      const seen = new Set(live.map(stable));
      return [...live, ...config.filter((v) => !seen.has(stable(v)))];
    }
    const out = [...live];
    const index = new Map<string, number>();
    live.forEach((item, i) => { const k = keySegment(item, shape.keys); if (k) index.set(k, i); });
    for (const item of config) {
      const k = keySegment(item, shape.keys);
      const at = k === undefined ? undefined : index.get(k);
      if (at === undefined) out.push(item);
      else out[at] = merge(out[at], item, shape.elem);
    }
    return out;
  }
  return config;
}

/** What an apply or update produced. */
export interface OwnershipResult {
  object: Obj;
  /** Whether any managedFields entry changed (a no-op apply changes nothing). */
  changed: boolean;
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: create).
 * Throws 409 Conflict (Status with `details.causes`) when another manager owns a field that the
 * configuration sets to a different value, unless `force`, which moves the ownership.
 */
export function serverSideApply(
  live: Obj | undefined, config: Obj, shape: Shape,
  opts: { manager: string; force: boolean; apiVersion: string; omitStatus: boolean; now: string },
): OwnershipResult {
  const entries = decode(live);
  // The live object's field set is only read for fields that another manager owns: made on first need.
  let liveFlat: Map<string, unknown> | undefined;
  const applied = flatten(config, shape, opts);
  const conflicts: Array<{ entry: Entry; path: string }> = [];
  for (const e of entries) {
    if (e.manager === opts.manager && e.operation === 'Apply') continue;
    for (const [p, v] of applied) {
      if (v === ELEMENT || !e.set.has(p)) continue;
      liveFlat ??= live ? flatten(live, shape, opts) : new Map<string, unknown>();
      if (!liveFlat.has(p) || !sameFlat(liveFlat.get(p), v)) conflicts.push({ entry: e, path: p });
    }
  }
  if (conflicts.length && !opts.force) throw conflictError(conflicts);
  for (const { entry, path } of conflicts) { writable(entry).delete(path); entry.changed = true; }

  let mine = entries.find((e) => e.manager === opts.manager && e.operation === 'Apply');
  const last = mine?.set ?? new Set<string>();
  // The applied paths are the keys of `applied`; a Set of them is made only when the manager's set changes.
  if (!mine) entries.push((mine = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, time: opts.now, set: new Set(applied.keys()), changed: true }));
  else if (!sameKeys(last, applied) || mine.apiVersion !== opts.apiVersion) {
    Object.assign(mine, { set: new Set(applied.keys()), changed: true, apiVersion: opts.apiVersion });
    delete mine.encoded;
  }

  const merged = merge(live ?? {}, config, shape) as Obj;
  const others = entries.filter((e) => e !== mine);
  for (const p of last) {
    if (applied.has(p) || others.some((e) => ownsAtOrBelow(e.set, p))) continue;
    removePath(merged, p, (segs) => shapeAt(shape, segs));
  }
  return finish(merged, entries, opts.now);
}

/**
 * Ownership after a create, update or non-apply patch (operation `Update`): the manager takes
 * the fields whose value it changed, from whoever owned them; removed fields leave every set.
 */
export function recordUpdate(
  old: Obj | undefined, next: Obj, shape: Shape,
  opts: { manager: string; apiVersion: string; omitStatus: boolean; now: string; subresource?: string },
): OwnershipResult {
  const entries = decode(old);
  const before = old ? flatten(old, shape, opts) : new Map<string, unknown>();
  const after = flatten(next, shape, opts);
  const changed: string[] = [];
  for (const [p, v] of after) if (!before.has(p) || !sameFlat(before.get(p), v)) changed.push(p);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  let mine = entries.find((e) => e.manager === opts.manager && e.operation === 'Update' && e.subresource === opts.subresource);
  if (!mine && changed.length) {
    entries.push((mine = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, time: opts.now, set: new Set(), changed: true }));
    if (opts.subresource) mine.subresource = opts.subresource;
  }
  for (const e of entries) {
    const size = e.set.size;
    const set = writable(e);
    for (const p of removed) set.delete(p);
    if (e === mine) for (const p of changed) set.add(p);
    else for (const p of changed) set.delete(p);
    if (e.set.size !== size || (e === mine && changed.length)) e.changed = true;
  }
  return finish(next, entries, opts.now);
}

function finish(object: Obj, entries: Entry[], now: string): OwnershipResult {
  const managedFields = encode(entries, now);
  const meta = { ...(object.metadata ?? {}) };
  if (managedFields.length) meta.managedFields = managedFields;
  else delete meta.managedFields;
  return { object: { ...object, metadata: meta }, changed: entries.some((e) => e.changed) };
}

function describe(e: Entry): string {
  return e.operation === 'Update' ? `"${e.manager}" using ${e.apiVersion}` : `"${e.manager}"`;
}

function conflictError(conflicts: Array<{ entry: Entry; path: string }>): KubeError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describe(c.entry)}`, field: printPath(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describe(conflicts[0]!.entry)}: ${printPath(conflicts[0]!.path)}`;
  } else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) {
      const k = describe(c.entry);
      by.set(k, [...(by.get(k) ?? []), `- ${printPath(c.path)}`]);
    }
    const parts = [...by.keys()].sort().flatMap((k) => [`conflicts with ${k}:`, ...by.get(k)!]);
    message = `Apply failed with ${conflicts.length} conflicts: ${parts.join('\n')}`;
  }
  return new KubeError(409, 'Conflict', message, { causes });
}

