/**
 * Byte-preserving edits of YAML text: each edit replaces the characters of one scalar and nothing
 * else, so quotes, comments, indentation, key order, other documents and line endings (CRLF too)
 * stay as they were. Nodes are found with the `yaml` package's source ranges, in the document the
 * resource came from (`docIndex`, `itemIndex` for `*List` items).
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { formatPath, type ValuePath } from './image-location.ts';
import { scalarText, type ScalarStyle } from './scalar-text.ts';

/** One scalar to rewrite, addressed by the resource it belongs to and a path inside it. */
export interface ScalarEdit {
  readonly docIndex: number;
  readonly itemIndex?: number | undefined;
  /** Identity of the resource, checked against the document (and used to find it if it moved). */
  readonly kind: string;
  readonly name: string;
  readonly path: ValuePath;
  /** The value the scalar must hold now. */
  readonly from: string;
  /** The value to write. */
  readonly to: string;
}

/** The edited text and, per edit (same order), whether it was applied. */
export interface EditOutcome {
  readonly text: string;
  readonly results: ReadonlyArray<{ readonly ok: true } | { readonly ok: false; readonly message: string }>;
}

type Found = { node: Node; inFlow: boolean } | { error: string };

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return typeof node.value === 'string' ? node.value : node.source;
}

function child(node: unknown, key: string | number): { node: unknown; flow: boolean } | undefined {
  if (typeof key === 'number') {
    return isSeq(node) ? { node: node.items[key], flow: !!node.flow } : undefined;
  }
  if (!isMap(node)) return undefined;
  let found: unknown;
  for (const pair of node.items) {
    if (isScalar(pair.key) && (String(pair.key.value) === key || pair.key.source === key)) found = pair.value;
  }
  return found === undefined ? undefined : { node: found, flow: !!node.flow };
}

function matches(root: unknown, kind: string, name: string): boolean {
  const metadata = child(root, 'metadata')?.node;
  return scalarString(child(root, 'kind')?.node) === kind && scalarString(child(metadata, 'name')?.node) === name;
}

/** The resource's root node: the document (or List item) named by the edit, else the only match. */
function resourceRoot(docs: readonly Document[], edit: ScalarEdit): unknown {
  const at = (doc: Document | undefined, item: number | undefined): unknown =>
    item === undefined ? doc?.contents : child(child(doc?.contents, 'items')?.node, item)?.node;
  const direct = at(docs[edit.docIndex], edit.itemIndex);
  if (matches(direct, edit.kind, edit.name)) return direct;
  const all: unknown[] = [];
  for (const doc of docs) {
    if (matches(doc.contents, edit.kind, edit.name)) all.push(doc.contents);
    const items = child(doc.contents, 'items')?.node;
    if (isSeq(items)) for (const item of items.items) if (matches(item, edit.kind, edit.name)) all.push(item);
  }
  return all.length === 1 ? all[0] : undefined;
}

function locate(docs: readonly Document[], edit: ScalarEdit): Found {
  const doc = docs[edit.docIndex];
  if (doc && doc.errors.length > 0) return { error: `YAML error in document ${edit.docIndex}: ${doc.errors[0]!.message}` };
  let node = resourceRoot(docs, edit);
  if (node === undefined) return { error: `${edit.kind} ${edit.name} not found in the file` };
  let inFlow = false;
  for (const key of edit.path) {
    if (isAlias(node)) return { error: `${formatPath(edit.path)} goes through an alias; not edited` };
    const next = child(node, key);
    if (!next || next.node === undefined || next.node === null) return { error: `${formatPath(edit.path)} not found` };
    node = next.node;
    inFlow = next.flow;
  }
  if (isAlias(node)) return { error: `${formatPath(edit.path)} is an alias; not edited` };
  if (!isScalar(node) || !node.range) return { error: `${formatPath(edit.path)} is not a scalar` };
  if (node.value !== edit.from) {
    return { error: `${formatPath(edit.path)} is ${JSON.stringify(node.value)} in the file, expected ${JSON.stringify(edit.from)}` };
  }
  return { node, inFlow };
}

function parseDocs(text: string): Document[] {
  return parseAllDocuments(text, { version: '1.1', uniqueKeys: false }) as unknown as Document[];
}

/** Applies scalar edits to one file's text. Edits that fail are reported and leave the text alone. */
export function applyScalarEdits(text: string, edits: readonly ScalarEdit[]): EditOutcome {
  const docs = parseDocs(text);
  const results: ({ ok: true } | { ok: false; message: string })[] = [];
  const replacements: { start: number; end: number; text: string; index: number }[] = [];
  for (const [index, edit] of edits.entries()) {
    const found = locate(docs, edit);
    if ('error' in found) {
      results[index] = { ok: false, message: found.error };
      continue;
    }
    const scalar = found.node as Node & { type?: ScalarStyle; range: [number, number, number] };
    const replacement = scalarText(edit.to, scalar.type, found.inFlow);
    if (replacement === undefined) {
      results[index] = { ok: false, message: `${formatPath(edit.path)} is a ${scalar.type} scalar; not edited` };
      continue;
    }
    replacements.push({ start: scalar.range[0], end: scalar.range[1], text: replacement, index });
    results[index] = { ok: true };
  }
  replacements.sort((a, b) => a.start - b.start || a.index - b.index);
  const kept: typeof replacements = [];
  for (const r of replacements) {
    const prev = kept.at(-1);
    if (prev && r.start < prev.end) {
      if (prev.start === r.start && prev.end === r.end && prev.text === r.text) continue;
      results[r.index] = { ok: false, message: `${formatPath(edits[r.index]!.path)} is already being set to another value` };
      continue;
    }
    kept.push(r);
  }
  let out = text;
  for (const r of [...kept].reverse()) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  if (out === text || readsBack(out, edits, results)) return { text: out, results };
  const message = 'the edited file does not read back as intended; not edited';
  return { text, results: results.map((r) => (r.ok ? { ok: false, message } : r)) };
}

/** Whether every applied edit's scalar now holds its new value (the document still parses the same way). */
function readsBack(out: string, edits: readonly ScalarEdit[], results: EditOutcome['results']): boolean {
  const docs = parseDocs(out);
  return edits.every((edit, i) => !results[i]!.ok || !('error' in locate(docs, { ...edit, from: edit.to })));
}
