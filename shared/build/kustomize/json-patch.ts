/**
 * RFC 6902 JSON patch as kustomize applies it (evanphx/json-patch v4 defaults): add/remove/replace/move/copy/test;
 * `-` appends; negative indices count from the end; `add` needs the parent to exist; `remove`/`replace` need the
 * target. Operates on a deep copy.
 */
import { isDeepStrictEqual } from 'node:util';
import { clone, isPlainObject } from '../merge/index.ts';

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

export class JsonPatchError extends Error {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${pointer}`);
  return pointer.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function index(arr: unknown[], token: string, forAdd: boolean): number {
  if (token === '-' && forAdd) return arr.length;
  if (!/^-?[0-9]+$/.test(token)) throw new JsonPatchError(`invalid array index ${token}`);
  let i = Number(token);
  if (i < 0) i += arr.length;
  if (i < 0 || i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`array index ${token} out of bounds`);
  return i;
}

function parentOf(doc: unknown, tokens: string[], path: string): unknown {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[index(node, t, false)];
    else if (isPlainObject(node) && Object.hasOwn(node, t)) node = node[t];
    else throw new JsonPatchError(`doc is missing path: ${path}`);
  }
  if (!Array.isArray(node) && !isPlainObject(node)) throw new JsonPatchError(`doc is missing path: ${path}`);
  return node;
}

function get(doc: unknown, path: string): unknown {
  let node = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(node)) node = node[index(node, t, false)];
    else if (isPlainObject(node) && Object.hasOwn(node, t)) node = node[t];
    else throw new JsonPatchError(`doc is missing path: ${path}`);
  }
  return node;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(index(parent, last, true), 0, value);
  else (parent as Record<string, unknown>)[last] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = parsePointer(path);
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(index(parent, last, false), 1);
  else {
    if (!Object.hasOwn(parent as object, last)) throw new JsonPatchError(`unable to remove nonexistent key: ${last}: missing value`);
    delete (parent as Record<string, unknown>)[last];
  }
  return doc;
}

function replace(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent[index(parent, last, false)] = value;
  else {
    if (!Object.hasOwn(parent as object, last)) throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${path}`);
    (parent as Record<string, unknown>)[last] = value;
  }
  return doc;
}

/** Applies the operations in order to a copy of `doc`. */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOp[]): unknown {
  let out = clone(doc);
  for (const op of ops) {
    switch (op.op) {
      case 'add': out = add(out, op.path, clone(op.value)); break;
      case 'remove': out = remove(out, op.path); break;
      case 'replace': out = replace(out, op.path, clone(op.value)); break;
      case 'move': {
        const value = get(out, op.from ?? '');
        out = add(remove(out, op.from ?? ''), op.path, value);
        break;
      }
      case 'copy': out = add(out, op.path, clone(get(out, op.from ?? ''))); break;
      case 'test':
        if (!isDeepStrictEqual(get(out, op.path), op.value)) throw new JsonPatchError(`testing value ${op.path} failed`);
        break;
      default: throw new JsonPatchError(`unexpected kind of operation ${op.op}`);
    }
  }
  return out;
}
