/**
 * Two sets of objects compared by id (pure): what was added, removed and changed (with field-level changes
 * and a unified diff of the YAML), and what is the same. `gitops diff` compares the live objects with the
 * API server's dry-run answer; a pull-request preview compares the base branch's render with the head's.
 */
import { diffFields, type FieldChange } from './field-diff.ts';
import { prepareKubernetesPair } from './normalize.ts';
import { unifiedDiff } from './unified.ts';

export interface DiffObject {
  /** A stable id, e.g. Flux's `namespace:kind/name`. */
  id: string;
  object: unknown;
}

export interface AddedObject { id: string; after: unknown; unified: string }
export interface RemovedObject { id: string; before: unknown; unified: string }
export interface ChangedObject { id: string; before: unknown; after: unknown; fields: FieldChange[]; unified: string }

export interface ObjectSetDiff {
  added: AddedObject[];
  removed: RemovedObject[];
  changed: ChangedObject[];
  /** Ids present on both sides with no difference that matters. */
  unchanged: string[];
}

export interface DiffOptions {
  /**
   * Prepares both sides of one object before comparing (default: strip server-set fields and mask Secret
   * values, {@link prepareKubernetesPair}). Masking needs both sides, so it is one function of the pair.
   */
  prepare?: (before: unknown, after: unknown) => [unknown, unknown];
  /** Lines of context in unified diffs (default 3). */
  context?: number;
}

/** Whether a set diff found anything. */
export const hasDifferences = (d: ObjectSetDiff): boolean => d.added.length + d.removed.length + d.changed.length > 0;

function index(objects: readonly DiffObject[], side: string): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const o of objects) {
    if (map.has(o.id)) throw new Error(`duplicate id ${o.id} in the ${side} set`);
    map.set(o.id, o.object);
  }
  return map;
}

/** Compares `before` and `after` by id; each list in the result keeps the order ids first appear (before, then after). */
export function diffObjectSets(before: readonly DiffObject[], after: readonly DiffObject[], options: DiffOptions = {}): ObjectSetDiff {
  const prepare = options.prepare ?? prepareKubernetesPair;
  const context = options.context ?? 3;
  const b = index(before, 'before');
  const a = index(after, 'after');
  const result: ObjectSetDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [id, object] of b) {
    if (!a.has(id)) {
      const [p] = prepare(object, undefined);
      result.removed.push({ id, before: p, unified: unifiedDiff(id, p, undefined, context) });
      continue;
    }
    const [pb, pa] = prepare(object, a.get(id));
    const fields = diffFields(pb, pa);
    if (fields.length === 0) result.unchanged.push(id);
    else result.changed.push({ id, before: pb, after: pa, fields, unified: unifiedDiff(id, pb, pa, context) });
  }
  for (const [id, object] of a) {
    if (b.has(id)) continue;
    const [, p] = prepare(undefined, object);
    result.added.push({ id, after: p, unified: unifiedDiff(id, undefined, p, context) });
  }
  return result;
}
