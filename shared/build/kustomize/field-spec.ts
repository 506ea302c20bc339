/**
 * kustomize field specs: which field of which kinds a transformer touches (`path` with `/` separators, `\/` for a
 * literal slash, `[]` marking a list), and the walk kustomize's `fieldspec.Filter` does over an object.
 */
import { isPlainObject } from '../merge/index.ts';

export interface FieldSpec {
  path: string;
  group?: string;
  version?: string;
  kind?: string;
  create?: boolean;
}

export interface NameReference {
  kind: string;
  group?: string;
  version?: string;
  fieldSpecs: FieldSpec[];
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** The group, version and kind of an object (`apps/v1` -> group apps, version v1). */
export function gvkOf(obj: Record<string, unknown>): Gvk {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/** kustomize `Gvk.IsSelected`: each non-empty part of the selector must equal the object's. */
export function gvkSelected(gvk: Gvk, selector: { group?: string; version?: string; kind?: string }): boolean {
  if (selector.group && selector.group !== gvk.group) return false;
  if (selector.version && selector.version !== gvk.version) return false;
  if (selector.kind && selector.kind !== gvk.kind) return false;
  return true;
}

/** Splits a field-spec path on `/`, keeping `\/` as a literal slash. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '\\' && path[i + 1] === '/') {
      current += '/';
      i++;
    } else if (c === '/') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** Thrown when a field spec meets a scalar where it needs a map or list (kustomize errors the build). */
export class FieldSpecError extends Error {}

/**
 * Visits the field a spec names in `obj`: `visit(parent, key)` is called for every match (through lists, as
 * kustomize walks every element). With `create`, missing maps on the way are created and the last field too
 * (`createValue()`); a `null` value on the way becomes a map.
 */
export function visitField(
  obj: Record<string, unknown>,
  path: readonly string[],
  create: boolean,
  visit: (parent: Record<string, unknown>, key: string) => void,
  createValue: () => unknown = () => ({}),
): void {
  walk(obj, 0);
  function walk(node: unknown, index: number): void {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      for (const element of node) walk(element, index);
      return;
    }
    if (!isPlainObject(node)) throw new FieldSpecError(`expected sequence or mapping node at ${path.slice(0, index).join('/')}`);
    const segment = path[index] as string;
    const isSeq = segment.endsWith('[]');
    const field = isSeq ? segment.slice(0, -2) : segment;
    const last = index === path.length - 1;
    if (!Object.hasOwn(node, field) || node[field] === undefined) {
      if (!create || isSeq) return;
      node[field] = last ? createValue() : {};
    } else if (node[field] === null && !last) {
      if (isSeq) return;
      node[field] = {};
    } else if (node[field] === null && last && create && !isSeq) {
      node[field] = createValue();
    }
    if (last) visit(node, field);
    else walk(node[field], index + 1);
  }
}
