/**
 * Field-level differences between two JSON values (pure). Maps compare key by key; lists whose items all
 * carry a unique string `name` (containers, env, ports, volumes) compare by name, other lists by index.
 */
import { isMapping } from '../manifests/is-mapping.ts';

export type PathSegment = string | number | { name: string };

export interface FieldChange {
  /** Where: keys, list indexes, or `{ name }` for an item of a list keyed by name. */
  path: PathSegment[];
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

type Obj = Record<string, unknown>;
const isObj: (v: unknown) => v is Obj = isMapping;

/** `spec.template.spec.containers[name=web].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'object') out += `[name=${s.name}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function namesOf(list: readonly unknown[]): string[] | undefined {
  const names: string[] = [];
  for (const item of list) {
    if (!isObj(item) || typeof item.name !== 'string') return undefined;
    names.push(item.name);
  }
  return new Set(names).size === names.length ? names : undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && same(a[k], b[k]));
  }
  return false;
}

/** Every leaf-most difference from `before` to `after`, in a stable order (keys of `before`, then new keys). */
export function diffFields(before: unknown, after: unknown, path: PathSegment[] = []): FieldChange[] {
  if (same(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const out: FieldChange[] = [];
    for (const k of Object.keys(before)) {
      if (!(k in after)) out.push({ path: [...path, k], op: 'removed', before: before[k] });
      else out.push(...diffFields(before[k], after[k], [...path, k]));
    }
    for (const k of Object.keys(after)) if (!(k in before)) out.push({ path: [...path, k], op: 'added', after: after[k] });
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const nb = namesOf(before);
    const na = namesOf(after);
    const out: FieldChange[] = [];
    if (nb && na) {
      const byName = new Map(after.map((item, i) => [na[i]!, item]));
      before.forEach((item, i) => {
        const name = nb[i]!;
        if (!byName.has(name)) out.push({ path: [...path, { name }], op: 'removed', before: item });
        else out.push(...diffFields(item, byName.get(name), [...path, { name }]));
      });
      const had = new Set(nb);
      after.forEach((item, i) => { if (!had.has(na[i]!)) out.push({ path: [...path, { name: na[i]! }], op: 'added', after: item }); });
      // Same items in another order: the list itself changed (order matters to Kubernetes for containers).
      if (out.length === 0) out.push({ path, op: 'changed', before, after });
      return out;
    }
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) {
      if (i >= after.length) out.push({ path: [...path, i], op: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: [...path, i], op: 'added', after: after[i] });
      else out.push(...diffFields(before[i], after[i], [...path, i]));
    }
    return out;
  }
  if (before === undefined) return [{ path, op: 'added', after }];
  if (after === undefined) return [{ path, op: 'removed', before }];
  return [{ path, op: 'changed', before, after }];
}
