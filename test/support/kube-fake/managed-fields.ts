/**
 * Field sets as server-side apply records them in `metadata.managedFields` (FieldsV1):
 * `f:<field>` for struct fields and map keys, `k:{"name":"x"}` for items of associative lists,
 * `v:<json>` for items of set lists; atomic lists and scalars are leaves.
 * A field set is held flat: a Map from a path (segments joined by SEP) to the leaf's value (two values
 * are the same when their stable JSON is, see sameFlat), or ELEMENT for a list item / map entry that has children.
 */
import { isObject, KEY_DEFAULTS, type Shape } from './shapes.ts';

/** Separates path segments inside a flat path. */
export const SEP = '\u0001';
/** The value recorded for a member that has children (its children carry the values). */
export const ELEMENT: unique symbol = Symbol('element');

/** Whether two values of flat field sets are the same: both ELEMENT, or values with the same stable() JSON. */
export function sameFlat(a: unknown, b: unknown): boolean {
  return a === ELEMENT || b === ELEMENT ? a === b : stableEqual(a, b);
}

/** Server-set metadata fields that SSA leaves out of field sets. */
const STRIPPED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

/** JSON with object keys sorted, so equal values compare equal as strings. */
export function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const enumerable = Object.prototype.propertyIsEnumerable;

/**
 * Whether `stable(a) === stable(b)`, without building the strings: key order does not matter, an
 * `undefined` value (like a function or NaN) equals `null` (so `{a: undefined}` equals `{a: null}`, not `{}`),
 * and an array hole prints as nothing (`[ , 1]` is `[,1]`, a one-hole array is `[]`). Stops at the first difference.
 */
export function stableEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    // stable() prints a hole as nothing, so a one-hole array prints as `[]`.
    if (a.length !== b.length) return a.length + b.length === 1 && !(0 in (a.length ? a : b));
    for (let i = 0; i < a.length; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if ((x === undefined || y === undefined) && (i in a) !== (i in b)) return false;
      if (!stableEqual(x, y)) return false;
    }
    return true;
  }
  if (isObject(a)) return isObject(b) && sameMembers(a, b, undefined);
  if (Array.isArray(b) || isObject(b)) return false;
  if (typeof a === 'string' && typeof b === 'string') return false;
  return (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
}

/** Whether two objects are {@link stableEqual} once the top-level keys in `except` are taken out of both. */
export function stableEqualExcept(a: Record<string, unknown>, b: Record<string, unknown>, except: readonly string[]): boolean {
  return a === b || sameMembers(a, b, except);
}

function sameMembers(a: Record<string, unknown>, b: Record<string, unknown>, except: readonly string[] | undefined): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  let na = ka.length;
  let nb = kb.length;
  if (except) {
    for (const k of ka) if (except.includes(k)) na--;
    for (const k of kb) if (except.includes(k)) nb--;
  }
  if (na !== nb) return false;
  for (const k of ka) {
    if (except?.includes(k)) continue;
    if (!enumerable.call(b, k) || !stableEqual(a[k], b[k])) return false;
  }
  return true;
}

/** The `k:{...}` segment of an associative-list item, or undefined when the item is not an object. */
export function keySegment(item: unknown, keys: string[]): string | undefined {
  if (!isObject(item)) return undefined;
  if (keys.length === 1 && keys[0] !== '__proto__') {
    // What the general case gives for one key, without building the key object.
    const name = keys[0]!;
    const text = JSON.stringify(item[name] ?? KEY_DEFAULTS[name]);
    return text === undefined ? 'k:{}' : `k:{${JSON.stringify(name)}:${text}}`;
  }
  const k: Record<string, unknown> = {};
  for (const name of [...keys].sort()) {
    const v = item[name] ?? KEY_DEFAULTS[name];
    if (v !== undefined) k[name] = v;
  }
  return `k:${JSON.stringify(k)}`;
}

/** The flat field set of an object (or of an apply configuration), leaving out server-set fields and, if asked, status. */
export function flatten(obj: Record<string, any>, shape: Shape, opts: { omitStatus?: boolean } = {}): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || (k === 'status' && opts.omitStatus)) continue;
    const child = shape.t === 'struct' ? shape.field(k) : undefined;
    if (k === 'metadata' && isObject(v) && child) {
      const meta = Object.fromEntries(Object.entries(v).filter(([mk]) => !STRIPPED_META.has(mk)));
      if (Object.keys(meta).length) walk(meta, child, `f:metadata`, out, false);
      continue;
    }
    visitField(k, v, child, shape.t === 'struct' && !child, '', out);
  }
  return out;
}

const DEDUCED: Shape = { t: 'deduced' };

/** Whether `v` has no own enumerable string keys (what `Object.keys(v).length === 0` says, without the array). */
function noKeys(v: Record<string, unknown>): boolean {
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) return false;
  return true;
}

function visitField(k: string, v: unknown, child: Shape | undefined, undeclared: boolean, prefix: string, out: Map<string, unknown>): void {
  const p = prefix ? `${prefix}${SEP}f:${k}` : `f:${k}`;
  if (v === null || (isObject(v) && noKeys(v))) out.set(p, v);
  else walk(v, child ?? DEDUCED, p, out, undeclared);
}

function walk(v: unknown, shape: Shape, p: string, out: Map<string, unknown>, member: boolean): void {
  if ((shape.t === 'struct' || shape.t === 'map' || shape.t === 'deduced') && isObject(v)) {
    if (member) out.set(p, ELEMENT);
    for (const k of Object.keys(v)) {
      const child = shape.t === 'struct' ? shape.field(k) : shape.t === 'map' ? shape.elem : shape;
      visitField(k, v[k], child, shape.t !== 'struct' || !child, p, out);
    }
    return;
  }
  if (shape.t === 'list' && shape.listType !== 'atomic' && Array.isArray(v)) {
    for (const item of v) {
      if (shape.listType === 'set') out.set(`${p}${SEP}v:${stable(item)}`, item);
      else {
        const seg = keySegment(item, shape.keys);
        if (seg === undefined) out.set(p, v);
        else walk(item, shape.elem, `${p}${SEP}${seg}`, out, true);
      }
    }
    return;
  }
  out.set(p, v);
}

/** FieldsV1 (the nested `{"f:spec":{...}}` form) of a set of flat paths. */
export function toFieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const root: Record<string, any> = {};
  const members: Array<Record<string, any>> = [];
  for (const path of paths) {
    let node = root;
    for (const seg of path.split(SEP)) node = node[seg] ??= {};
    members.push(node);
  }
  for (const node of members) if (Object.keys(node).length > 0 && !('.' in node)) node['.'] = {};
  return sortKeys(root) as Record<string, unknown>;
}

function sortKeys(node: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const k of Object.keys(node).sort()) out[k] = sortKeys(node[k]);
  return out;
}

/** The flat paths of a FieldsV1 object. */
export function fromFieldsV1(f: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (!isObject(f)) return out;
  const keys = Object.keys(f);
  if (prefix && (keys.length === 0 || keys.includes('.'))) out.add(prefix);
  for (const k of keys) if (k !== '.') fromFieldsV1(f[k], prefix ? `${prefix}${SEP}${k}` : k, out);
  return out;
}

/** A path as the real server prints it in conflicts: `.spec.template.spec.containers[name="app"].image`. */
export function printPath(path: string): string {
  return path.split(SEP).map((seg) => {
    if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
    if (seg.startsWith('v:')) return `[=${seg.slice(2)}]`;
    if (seg.startsWith('k:')) {
      const k = JSON.parse(seg.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(k).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',')}]`;
    }
    return seg;
  }).join('');
}

/** Whether `set` holds `path` or anything below it. */
export function ownsAtOrBelow(set: Set<string>, path: string): boolean {
  if (set.has(path)) return true;
  const prefix = path + SEP;
  for (const p of set) if (p.startsWith(prefix)) return true;
  return false;
}

/**
 * Removes the value at a flat path from `obj` (in place); missing paths are ignored. Only `obj` itself is
 * changed: each plain object or array on the way down is replaced by a shallow copy first, as the parts of
 * a merged object that the apply did not touch are the stored object's own.
 */
export function removePath(obj: Record<string, any>, path: string, shapeOf: (segs: string[]) => Shape | undefined): void {
  const segs = path.split(SEP);
  let node: any = obj;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    if (seg.startsWith('f:')) {
      if (!isObject(node)) return;
      if (last) { delete node[seg.slice(2)]; return; }
      node = ownChild(node, seg.slice(2));
    } else if (Array.isArray(node)) {
      const shape = shapeOf(segs.slice(0, i));
      const idx = node.findIndex((item) => (seg.startsWith('v:')
        ? `v:${stable(item)}` === seg
        : shape?.t === 'list' && keySegment(item, shape.keys) === seg));
      if (idx < 0) return;
      if (last) { node.splice(idx, 1); return; }
      node = ownChild(node, idx);
    } else return;
  }
}

/** `parent[key]`, replaced in `parent` by a shallow copy first when it is a plain object or an array. */
function ownChild(parent: any, key: string | number): unknown {
  const v: unknown = parent[key];
  let copy = v;
  if (Array.isArray(v)) copy = v.slice();
  else if (isObject(v) && Object.getPrototypeOf(v) === Object.prototype) copy = { ...v };
  if (copy !== v) parent[key] = copy;
  return copy;
}

/** The shape at a flat path below `root`, if the path follows declared structure. */
export function shapeAt(root: Shape, segs: string[]): Shape | undefined {
  let s: Shape | undefined = root;
  for (const seg of segs) {
    if (!s) return undefined;
    if (seg.startsWith('f:')) s = s.t === 'struct' ? s.field(seg.slice(2)) ?? { t: 'deduced' } : s.t === 'map' ? s.elem : s.t === 'deduced' ? s : undefined;
    else s = s.t === 'list' ? s.elem : undefined;
  }
  return s;
}
