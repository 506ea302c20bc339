/**
 * Byte-preserving edits of one resource's `metadata.annotations` in YAML text (pure), for policy changes
 * (`gitops policy`, like kubeyaml's `annotate`): an existing key keeps its line and only its value changes
 * (in its own quote style); a new key is one new line after the last annotation, at the same indentation;
 * a removed key loses its line; `annotations:` is created under `metadata` when missing and removed when it
 * becomes empty. Everything else stays byte for byte. Flow-style (`{…}`) annotations or metadata are refused.
 */
import { isMap, isScalar, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { plainIsSafe, doubleQuoted, scalarText, type ScalarStyle } from './scalar-text.ts';

export interface AnnotationTarget {
  docIndex: number;
  itemIndex?: number | undefined;
  kind: string;
  name: string;
}

/** One change: a value to set, or null to remove the key. */
export interface AnnotationChange {
  key: string;
  value: string | null;
}

export type AnnotationEditResult = { ok: true; text: string } | { ok: false; message: string };

type Range = [number, number, number];

function get(map: unknown, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  let found: Pair | undefined;
  for (const pair of (map as YAMLMap).items) if (isScalar(pair.key) && String(pair.key.value) === key) found = pair as Pair;
  return found;
}

const str = (n: unknown): string | undefined => (isScalar(n) ? String(n.value) : undefined);

function root(docs: Document[], t: AnnotationTarget): unknown {
  const doc = docs[t.docIndex]?.contents;
  const node = t.itemIndex === undefined ? doc : (get(doc, 'items')?.value as { items?: unknown[] } | undefined)?.items?.[t.itemIndex];
  const meta = get(node, 'metadata')?.value;
  return str(get(node, 'kind')?.value) === t.kind && str(get(meta, 'name')?.value) === t.name ? node : undefined;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** The offset just past the end of the line holding `at` (past its newline). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl + 1;
}

function column(text: string, at: number): number | undefined {
  const start = lineStart(text, at);
  return /^[ ]*$/.test(text.slice(start, at)) ? at - start : undefined;
}

function newValueText(value: string): string {
  return plainIsSafe(value, false) ? value : doubleQuoted(value);
}

function keyText(key: string): string {
  return plainIsSafe(key, false) && !key.includes(': ') && !key.includes(' #') ? key : doubleQuoted(key);
}

/** Where the pair ends: past the line of its value (or its key, for an empty value). */
function pairEnd(text: string, pair: Pair): number {
  const v = pair.value as Node | null;
  const end = v && (v as { range?: Range }).range ? (v as { range: Range }).range[1] : ((pair.key as { range: Range }).range[1]);
  return lineEnd(text, Math.max(end - 1, (pair.key as { range: Range }).range[0]));
}

function readAnnotations(text: string, t: AnnotationTarget): Record<string, string> | undefined {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false }) as unknown as Document[];
  const node = root(docs, t);
  if (!node) return undefined;
  const ann = get(get(node, 'metadata')?.value, 'annotations')?.value;
  const out: Record<string, string> = {};
  if (isMap(ann)) for (const p of (ann as YAMLMap).items) if (isScalar(p.key)) out[String(p.key.value)] = isScalar(p.value) ? String(p.value.value) : '';
  return out;
}

function withoutAnnotations(text: string, t: AnnotationTarget): unknown {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false }) as unknown as Document[];
  return docs.map((d, i) => {
    const js = d.toJS() as Record<string, any> | null;
    if (i !== t.docIndex || !js) return js;
    const target = t.itemIndex === undefined ? js : js.items?.[t.itemIndex];
    if (target?.metadata) delete target.metadata.annotations;
    return js;
  });
}

/** Applies annotation changes to the resource `t` in `text`; refuses (with a reason) rather than restyle. */
export function editAnnotations(text: string, t: AnnotationTarget, changes: readonly AnnotationChange[]): AnnotationEditResult {
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false }) as unknown as Document[];
  const doc = docs[t.docIndex];
  if (!doc || doc.errors.length) return { ok: false, message: doc ? `YAML error: ${doc.errors[0]!.message}` : `document ${t.docIndex} not found` };
  const node = root(docs, t);
  if (!node) return { ok: false, message: `${t.kind} ${t.name} not found in document ${t.docIndex + 1}` };
  const metaPair = get(node, 'metadata');
  const meta = metaPair?.value as YAMLMap | undefined;
  if (!isMap(meta) || meta.flow) return { ok: false, message: 'metadata is not a block mapping; edit the annotations by hand' };
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const annPair = get(meta, 'annotations');
  const ann = annPair?.value as YAMLMap | null | undefined;
  if (annPair && ann !== null && !(isMap(ann) && !ann.flow) && !(isScalar(ann) && ann.value === null)) {
    return { ok: false, message: 'metadata.annotations is not a block mapping (flow {…} or another value); edit it by hand' };
  }
  const pairs = isMap(ann) ? (ann.items as Pair[]) : [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const metaCol = column(text, (meta.items[0]!.key as { range: Range }).range[0]);
  if (metaCol === undefined) return { ok: false, message: 'metadata keys do not start their lines; edit the annotations by hand' };
  const firstAnn = pairs[0];
  const annCol = firstAnn ? column(text, (firstAnn.key as { range: Range }).range[0]) : metaCol + Math.max(2, metaCol - (column(text, (metaPair!.key as { range: Range }).range[0]) ?? 0));
  if (annCol === undefined) return { ok: false, message: 'annotation keys do not start their lines; edit them by hand' };

  const expected = readAnnotations(text, t) ?? {};
  const removed = new Set<Pair>();
  const added: string[] = [];
  for (const c of changes) {
    const existing = pairs.filter((p) => isScalar(p.key) && String(p.key.value) === c.key);
    if (c.value === null) {
      for (const p of existing) removed.add(p);
      delete expected[c.key];
      continue;
    }
    expected[c.key] = c.value;
    const p = existing.at(-1);
    if (!p) { added.push(`${' '.repeat(annCol)}${keyText(c.key)}: ${newValueText(c.value)}${eol}`); continue; }
    const v = p.value as (Node & { type?: ScalarStyle; range?: Range }) | null;
    if (!isScalar(v) || !v.range) return { ok: false, message: `annotation ${c.key} has no scalar value; edit it by hand` };
    if (String(v.value) === c.value) continue;
    const replacement = scalarText(c.value, v.type, false);
    if (replacement === undefined) return { ok: false, message: `annotation ${c.key} is a block scalar; edit it by hand` };
    edits.push({ start: v.range[0], end: v.range[1], text: replacement });
  }
  const remaining = pairs.filter((p) => !removed.has(p)).length + added.length;
  if (annPair && remaining === 0) {
    // kubeyaml removes an annotations mapping that became empty.
    edits.push({ start: lineStart(text, (annPair.key as { range: Range }).range[0]), end: pairs.length ? pairEnd(text, pairs.at(-1)!) : pairEnd(text, annPair), text: '' });
  } else {
    for (const p of removed) edits.push({ start: lineStart(text, (p.key as { range: Range }).range[0]), end: pairEnd(text, p), text: '' });
    if (added.length) {
      const last = pairs.filter((p) => !removed.has(p)).at(-1);
      if (last) edits.push({ start: pairEnd(text, last), end: pairEnd(text, last), text: added.join('') });
      else if (isMap(ann)) return { ok: false, message: 'metadata.annotations has no entry to add after; edit it by hand' };
      else {
        const at = annPair ? lineStart(text, (annPair.key as { range: Range }).range[0]) : pairEnd(text, meta.items.at(-1) as Pair);
        const end = annPair ? pairEnd(text, annPair) : at;
        const needsNl = at > 0 && text[at - 1] !== '\n';
        edits.push({ start: at, end, text: `${needsNl ? eol : ''}${' '.repeat(metaCol)}annotations:${eol}${added.join('')}` });
      }
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // Read back: the annotations are exactly as intended and nothing else in the file changed.
  const after = readAnnotations(out, t);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!after || !same(Object.entries(after).sort(), Object.entries(expected).sort()) || !same(withoutAnnotations(out, t), withoutAnnotations(text, t))) {
    return { ok: false, message: 'the edited file does not read back as intended; not edited (edit the annotations by hand)' };
  }
  return { ok: true, text: out };
}
