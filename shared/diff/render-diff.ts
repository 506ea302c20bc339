/**
 * Renderers of an {@link ObjectSetDiff} (pure): a terminal listing with coloured unified diffs, GitHub
 * markdown (check runs and PR comments: collapsible per object, bounded in size), and a stable JSON shape.
 */
import { formatPath, type FieldChange } from './field-diff.ts';
import { hasDifferences, type ObjectSetDiff } from './object-set-diff.ts';

export interface Paint {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
}

const plain: Paint = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s };

/** "2 changed, 1 added, 1 removed, 3 unchanged" or "no differences (4 unchanged)". */
export function summarizeDiff(d: ObjectSetDiff, words: { removed?: string } = {}): string {
  if (!hasDifferences(d)) return `no differences${d.unchanged.length ? ` (${d.unchanged.length} unchanged)` : ''}`;
  const parts: string[] = [];
  if (d.changed.length) parts.push(`${d.changed.length} changed`);
  if (d.added.length) parts.push(`${d.added.length} added`);
  if (d.removed.length) parts.push(`${d.removed.length} ${words.removed ?? 'removed'}`);
  if (d.unchanged.length) parts.push(`${d.unchanged.length} unchanged`);
  return parts.join(', ');
}

function paintLine(l: string, p: Paint): string {
  if (l.startsWith('+++') || l.startsWith('---')) return p.bold(l);
  if (l.startsWith('@@')) return p.dim(l);
  if (l.startsWith('+')) return p.green(l);
  if (l.startsWith('-')) return p.red(l);
  return l;
}

/** Lines for a terminal: one unified diff per object (changed, added, then removed), then the summary. */
export function renderDiffTerminal(d: ObjectSetDiff, options: { paint?: Paint; removedLabel?: string } = {}): string[] {
  const p = options.paint ?? plain;
  const out: string[] = [];
  const section = (marker: string, id: string, note: string, unified: string) => {
    out.push(p.bold(`${marker} ${id}${note ? ` (${note})` : ''}`));
    for (const l of unified.trimEnd().split('\n')) if (unified) out.push(paintLine(l, p));
    out.push('');
  };
  for (const c of d.changed) section('~', c.id, `${c.fields.length} field${c.fields.length === 1 ? '' : 's'}`, c.unified);
  for (const a of d.added) section('+', a.id, 'new', a.unified);
  for (const r of d.removed) section('-', r.id, options.removedLabel ?? 'removed', r.unified);
  out.push(summarizeDiff(d, { removed: options.removedLabel ?? 'removed' }));
  return out;
}

const fence = (text: string): string => {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}diff\n${text.trimEnd()}\n${f}`;
};

const escapeMd = (s: string): string => s.replace(/[\\`*_<>|[\]]/g, (c) => `\\${c}`);

/**
 * GitHub markdown: a summary line, a table of objects, and a collapsible unified diff per object. Output
 * stays under `maxChars` (default 60,000: a check run's summary takes 65,535): diffs that no longer fit are
 * listed by id with a note instead.
 */
export function renderDiffMarkdown(d: ObjectSetDiff, options: { title?: string; maxChars?: number; removedLabel?: string } = {}): string {
  const max = options.maxChars ?? 60_000;
  const removed = options.removedLabel ?? 'removed';
  const head: string[] = [];
  if (options.title) head.push(`### ${escapeMd(options.title)}`, '');
  head.push(`**${summarizeDiff(d, { removed })}**`);
  if (!hasDifferences(d)) return `${head.join('\n')}\n`;
  const rows = [
    ...d.changed.map((c) => ({ id: c.id, what: 'changed', detail: c.fields.slice(0, 3).map((f) => formatPath(f.path)).join(', ') + (c.fields.length > 3 ? ` and ${c.fields.length - 3} more` : ''), unified: c.unified })),
    ...d.added.map((a) => ({ id: a.id, what: 'added', detail: '', unified: a.unified })),
    ...d.removed.map((r) => ({ id: r.id, what: removed, detail: '', unified: r.unified })),
  ];
  const TABLE_ROWS = 200;
  head.push('', '| object | | fields |', '|---|---|---|', ...rows.slice(0, TABLE_ROWS).map((r) => `| \`${r.id.replace(/`/g, "'")}\` | ${r.what} | ${escapeMd(r.detail)} |`));
  if (rows.length > TABLE_ROWS) head.push(`| … | ${rows.length - TABLE_ROWS} more | |`);
  head.push('');
  let text = head.join('\n');
  const left: string[] = [];
  for (const r of rows) {
    const block = `\n<details><summary>${escapeMd(r.id)} (${r.what})</summary>\n\n${fence(r.unified)}\n\n</details>\n`;
    if (left.length === 0 && text.length + block.length <= max - 200) text += block;
    else left.push(r.id);
  }
  if (left.length) text += `\n_${left.length} diff${left.length === 1 ? '' : 's'} not shown (size limit): ${escapeMd(left.slice(0, 20).join(', '))}${left.length > 20 ? ', …' : ''}_\n`;
  return text;
}

/** The stable JSON shape (documented in the README): no unified text duplicated into field values. */
export interface DiffJson {
  summary: { added: number; removed: number; changed: number; unchanged: number };
  added: Array<{ id: string; diff: string }>;
  removed: Array<{ id: string; diff: string }>;
  changed: Array<{ id: string; fields: Array<{ path: string; op: FieldChange['op']; before?: unknown; after?: unknown }>; diff: string }>;
  unchanged: string[];
}

export function diffToJson(d: ObjectSetDiff): DiffJson {
  return {
    summary: { added: d.added.length, removed: d.removed.length, changed: d.changed.length, unchanged: d.unchanged.length },
    added: d.added.map((a) => ({ id: a.id, diff: a.unified })),
    removed: d.removed.map((r) => ({ id: r.id, diff: r.unified })),
    changed: d.changed.map((c) => ({
      id: c.id,
      fields: c.fields.map((f) => ({ path: formatPath(f.path), op: f.op, ...(f.op !== 'added' ? { before: f.before } : {}), ...(f.op !== 'removed' ? { after: f.after } : {}) })),
      diff: c.unified,
    })),
    unchanged: d.unchanged,
  };
}
