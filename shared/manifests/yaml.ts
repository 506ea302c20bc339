/**
 * The multi-document YAML parser manifests are read with: js-yaml's event parser plus
 * {@link KUBE_YAML_SCHEMA} (go-yaml v2 / YAML 1.1 scalars, as Kubernetes reads them), 1-based lines for every
 * document and every item of a top-level `items` sequence, and guards against YAML bombs and absurd inputs.
 *
 * Everything happens in one pass over js-yaml's event stream before objects are built: aliases are never
 * expanded by js-yaml (they share the anchored object), so the walk counts how many nodes they would expand
 * to and rejects a file whose aliases expand to more than {@link YamlLimits.maxAliasExpansion} nodes or nest
 * deeper than {@link YamlLimits.maxExpandedDepth}; a recursive alias (a cycle) is rejected too.
 */
import { EVENT_ID, YAMLException, constructFromEvents, getScalarValue, parseEvents } from 'js-yaml';
import type { Event } from 'js-yaml';
import { KUBE_YAML_SCHEMA } from './yaml-schema.ts';

/** Bounds that turn a hostile or absurd file into an error instead of a hang or an out-of-memory. */
export interface YamlLimits {
  /** Longest text accepted, in UTF-16 code units (default 8 Mi). */
  maxLength: number;
  /** Most documents in one file (default 10,000). */
  maxDocuments: number;
  /** Deepest nesting of collections the parser accepts (default 256). */
  maxDepth: number;
  /** Most nodes that aliases may add when expanded, per file (default 1,000,000). */
  maxAliasExpansion: number;
  /** Deepest nesting once aliases are expanded (default 512). */
  maxExpandedDepth: number;
  /** Most keys merged by `<<` per file (default 10,000). */
  maxMergeKeys: number;
}

/** The limits used when a caller gives none. */
export const DEFAULT_YAML_LIMITS: Readonly<YamlLimits> = Object.freeze({
  maxLength: 8 * 1024 * 1024,
  maxDocuments: 10_000,
  maxDepth: 256,
  maxAliasExpansion: 1_000_000,
  maxExpandedDepth: 512,
  maxMergeKeys: 10_000,
});

/** One YAML document of a file. */
export interface YamlDocument {
  /** The parsed value: `null` for an empty document. */
  value: unknown;
  /** 0-based index of the document in the file. */
  index: number;
  /** 1-based line where the document's content starts (for an empty document: its `---` line, when it has one). */
  line: number;
  /** 1-based lines of the entries of the root mapping's `items` sequence, when it has one (for `*List` kinds). */
  itemLines?: number[];
}

/** What {@link parseYamlDocuments} returns: the documents, or why the file was rejected. */
export type YamlParseResult =
  | { ok: true; documents: YamlDocument[] }
  | { ok: false; error: { file: string; line?: number; message: string } };

/** Thrown inside the walk; caught by {@link parseYamlDocuments}. */
class LimitError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Maps increasing offsets to 1-based lines by scanning forward once. */
class LineCounter {
  private readonly text: string;
  private offset = 0;
  private line = 1;
  constructor(text: string) {
    this.text = text;
  }
  lineAt(target: number): number {
    if (target < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    let nl = this.text.indexOf('\n', this.offset);
    while (nl !== -1 && nl < target) {
      this.line++;
      nl = this.text.indexOf('\n', nl + 1);
    }
    this.offset = target;
    return this.line;
  }
}

interface Frame {
  size: number;
  height: number;
  anchor: string | undefined;
  children: number;
  isRootMap: boolean;
  nextIsItems: boolean;
  isItems: boolean;
}

interface DocInfo {
  start: number;
  explicitStart: boolean;
  itemStarts?: number[];
}

const NO_RANGE = -1;

function eventStart(e: Event): number {
  if (e.type === EVENT_ID.SCALAR) return e.tagStart !== NO_RANGE ? e.tagStart : e.anchorStart !== NO_RANGE ? e.anchorStart : e.valueStart;
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
    return e.tagStart !== NO_RANGE ? e.tagStart : e.anchorStart !== NO_RANGE ? e.anchorStart : e.start;
  }
  if (e.type === EVENT_ID.ALIAS) return e.anchorStart - 1;
  return NO_RANGE;
}

function isItemsKey(text: string, e: Event): boolean {
  return e.type === EVENT_ID.SCALAR && e.valueEnd - e.valueStart <= 7 && e.valueStart !== NO_RANGE
    && getScalarValue(text, e) === 'items';
}

/**
 * One pass over the events: document starts, `items` entry starts, and the alias-expansion guards.
 * Throws {@link LimitError}.
 */
function walkEvents(text: string, events: readonly Event[], limits: YamlLimits): DocInfo[] {
  const docs: DocInfo[] = [];
  const stack: Frame[] = [];
  let anchors = new Map<string, { size: number; height: number } | null>();
  let expansion = 0;
  let doc: DocInfo | undefined;

  const addChild = (size: number, height: number): void => {
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.size += size;
      if (height > parent.height) parent.height = height;
    }
  };

  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) {
      if (docs.length >= limits.maxDocuments) throw new LimitError(`more than ${limits.maxDocuments} documents`, 0);
      doc = { start: NO_RANGE, explicitStart: e.explicitStart };
      docs.push(doc);
      anchors = new Map();
      continue;
    }
    if (e.type === EVENT_ID.POP) {
      const frame = stack.pop();
      if (!frame) continue; // end of document
      const height = frame.height + 1;
      if (height > limits.maxExpandedDepth) {
        throw new LimitError(`nesting deeper than ${limits.maxExpandedDepth} once aliases are expanded`, 0);
      }
      if (frame.anchor !== undefined) anchors.set(frame.anchor, { size: frame.size, height });
      addChild(frame.size, height);
      continue;
    }
    const start = eventStart(e);
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (doc) doc.start = start;
    } else {
      if (parent.isItems && doc) (doc.itemStarts ??= []).push(start);
      if (parent.isRootMap) {
        if (parent.children % 2 === 0) parent.nextIsItems = isItemsKey(text, e);
        else if (parent.nextIsItems) {
          parent.nextIsItems = false;
          if (e.type === EVENT_ID.SEQUENCE && doc) {
            doc.itemStarts = [];
            stack.push(newFrame(text, e, anchors, false, true));
            parent.children++;
            continue;
          }
        }
      }
      parent.children++;
    }
    if (e.type === EVENT_ID.SCALAR) {
      if (e.anchorStart !== NO_RANGE) anchors.set(text.slice(e.anchorStart, e.anchorEnd), { size: 1, height: 1 });
      addChild(1, 1);
    } else if (e.type === EVENT_ID.ALIAS) {
      const target = anchors.get(text.slice(e.anchorStart, e.anchorEnd));
      if (target === null) throw new LimitError('recursive alias (the anchored node contains its own alias)', start);
      const size = target?.size ?? 1;
      expansion += size;
      if (expansion > limits.maxAliasExpansion) {
        throw new LimitError(`aliases expand to more than ${limits.maxAliasExpansion} nodes (a YAML bomb?)`, start);
      }
      addChild(size, target?.height ?? 1);
    } else {
      stack.push(newFrame(text, e, anchors, !parent && e.type === EVENT_ID.MAPPING, false));
    }
  }
  return docs;
}

function newFrame(text: string, e: Event, anchors: Map<string, unknown>, isRootMap: boolean, isItems: boolean): Frame {
  let anchor: string | undefined;
  if ((e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) && e.anchorStart !== NO_RANGE) {
    anchor = text.slice(e.anchorStart, e.anchorEnd);
    anchors.set(anchor, null);
  }
  return { size: 1, height: 0, anchor, children: 0, isRootMap, nextIsItems: false, isItems };
}

/** Offset of the `---` marker at or after `from` (at the start of a line), or -1. */
function nextDocumentMarker(text: string, from: number): number {
  let i = text.indexOf('---', from);
  while (i !== -1) {
    const atLineStart = i === 0 || text.charCodeAt(i - 1) === 10;
    const c = text.charCodeAt(i + 3);
    if (atLineStart && (Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13)) return i;
    i = text.indexOf('---', i + 3);
  }
  return -1;
}

function documentLines(text: string, docs: readonly DocInfo[]): { line: number; itemLines?: number[] }[] {
  const lines = new LineCounter(text);
  let cursor = 0;
  return docs.map((d) => {
    let start = d.start;
    if (start === NO_RANGE) {
      const marker = d.explicitStart ? nextDocumentMarker(text, cursor) : NO_RANGE;
      start = marker === NO_RANGE ? cursor : marker;
      cursor = marker === NO_RANGE ? cursor : marker + 3;
    } else cursor = start;
    const line = lines.lineAt(start);
    if (!d.itemStarts) return { line };
    const itemLines = d.itemStarts.map((s) => lines.lineAt(s));
    cursor = d.itemStarts.at(-1) ?? cursor;
    return { line, itemLines };
  });
}

function lineOfOffset(text: string, offset: number): number {
  return new LineCounter(text).lineAt(offset);
}

/**
 * Parses every document of a YAML file as Kubernetes reads it (go-yaml v2, YAML 1.1 scalars), with 1-based
 * lines. A file that does not parse, or breaks a {@link YamlLimits limit}, gives `ok: false` with the line
 * js-yaml reports and why; nothing is thrown.
 */
export function parseYamlDocuments(text: string, file: string, limits: Partial<YamlLimits> = {}): YamlParseResult {
  const lim: YamlLimits = { ...DEFAULT_YAML_LIMITS, ...limits };
  if (text.length > lim.maxLength) {
    return { ok: false, error: { file, message: `file is too large (${text.length} characters; the limit is ${lim.maxLength})` } };
  }
  try {
    const events = parseEvents(text, { filename: file, maxDepth: lim.maxDepth });
    const docs = walkEvents(text, events, lim);
    const values = constructFromEvents(events, {
      source: text, filename: file, schema: KUBE_YAML_SCHEMA, maxTotalMergeKeys: lim.maxMergeKeys,
    });
    const lines = documentLines(text, docs);
    const documents = values.map((value, index): YamlDocument => {
      const where = lines[index] ?? { line: 1 };
      return where.itemLines ? { value, index, line: where.line, itemLines: where.itemLines } : { value, index, line: where.line };
    });
    return { ok: true, documents };
  } catch (error) {
    if (error instanceof LimitError) {
      return { ok: false, error: { file, line: lineOfOffset(text, error.offset), message: `rejected YAML: ${error.message}` } };
    }
    if (error instanceof YAMLException) {
      const mark = error.mark;
      const where = mark ? ` (column ${mark.column + 1})` : '';
      return {
        ok: false,
        error: { file, ...(mark ? { line: mark.line + 1 } : {}), message: `does not parse as YAML: ${error.reason}${where}` },
      };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { file, message: `does not parse as YAML: ${reason}` } };
  }
}
export { KUBE_YAML_SCHEMA } from './yaml-schema.ts';
