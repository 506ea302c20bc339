/**
 * The preview as GitHub markdown (pure): per cluster group a count table (added / changed / removed /
 * images), the objects and image changes, then build errors, warnings and dry runs, then one collapsible
 * diff per object. Bounded: the summary of a check run takes at most 65,535 characters, so diffs that do
 * not fit are listed with a note saying so. All repository text is escaped.
 */
import { formatPath } from '../diff/index.ts';
import type { EnvironmentPreview, GroupPreview } from './compare-builds.ts';
import { where, type BuildMessage } from './environment-build.ts';
import { codeBlock, cutAtLine, htmlText, mdText } from './markdown-text.ts';

/** GitHub's limit on a check run summary (and, one more, a comment body). */
export const GITHUB_TEXT_MAX = 65_535;
/** Rows per table before the rest is counted instead of listed. */
const TABLE_ROWS = 100;
/** Messages listed per section before the rest is counted. */
const MESSAGE_ROWS = 50;

const short = (sha: string): string => sha.slice(0, 7);

/** One line: what the preview found, e.g. `2 changed, 1 removed, 1 image · 1 build error`. */
export function previewTitle(p: EnvironmentPreview): string {
  const sum = (f: (g: GroupPreview) => number) => Math.max(0, ...p.groups.map(f));
  const parts: string[] = [];
  const changed = sum((g) => g.diff.changed.length);
  const added = sum((g) => g.diff.added.length);
  const removed = sum((g) => g.diff.removed.length);
  const images = sum((g) => g.images.length);
  if (added) parts.push(`${added} added`);
  if (changed) parts.push(`${changed} changed`);
  if (removed) parts.push(`${removed} removed`);
  if (images) parts.push(`${images} image${images === 1 ? '' : 's'}`);
  if (parts.length === 0) parts.push('no changes');
  const rejected = p.dryRun.filter((d) => !d.ok).length;
  if (p.errors.length) parts.push(`${p.errors.length} build error${p.errors.length === 1 ? '' : 's'}`);
  if (rejected) parts.push(`${rejected} rejected by the dry run`);
  return `${p.environment}: ${parts.join(', ')}`;
}

function messages(title: string, list: readonly BuildMessage[]): string[] {
  if (list.length === 0) return [];
  const out = [`**${title} (${list.length})**`, ''];
  for (const m of list.slice(0, MESSAGE_ROWS)) out.push(m.file ? `- ${mdText(where(m))}: ${mdText(m.message)}` : `- ${mdText(m.message)}`);
  if (list.length > MESSAGE_ROWS) out.push(`- … and ${list.length - MESSAGE_ROWS} more`);
  out.push('');
  return out;
}

function groupTables(g: GroupPreview, label: string): string[] {
  const d = g.diff;
  const out = [`#### ${label}`, '', '| added | changed | removed | images |', '|---:|---:|---:|---:|', `| ${d.added.length} | ${d.changed.length} | ${d.removed.length} | ${g.images.length} |`, ''];
  const rows = [
    ...d.added.map((a) => `| ${mdText(a.id)} | added | |`),
    ...d.changed.map((c) => `| ${mdText(c.id)} | changed | ${mdText(c.fields.slice(0, 5).map((f) => formatPath(f.path)).join(', '))}${c.fields.length > 5 ? ` and ${c.fields.length - 5} more` : ''} |`),
    ...d.removed.map((r) => `| ${mdText(r.id)} | removed | |`),
  ];
  if (rows.length > 0) {
    out.push('| object | change | fields |', '|---|---|---|', ...rows.slice(0, TABLE_ROWS));
    if (rows.length > TABLE_ROWS) out.push(`| … ${rows.length - TABLE_ROWS} more | | |`);
    out.push('');
  }
  if (g.images.length > 0) {
    out.push('| workload | container | image | filter | accepted |', '|---|---|---|---|---|');
    for (const i of g.images.slice(0, TABLE_ROWS)) {
      const image = `${i.from === undefined ? '(new)' : mdText(i.from)} → ${i.to === undefined ? '(removed)' : mdText(i.to)}`;
      const accepted = i.accepted === undefined ? '' : i.accepted ? 'yes' : `no: ${mdText(i.reason ?? '')}`;
      out.push(`| ${mdText(i.workload)} | ${mdText(i.container)} | ${image} | ${mdText(i.filter ?? '')}${i.automated ? ' (automated)' : ''} | ${accepted} |`);
    }
    if (g.images.length > TABLE_ROWS) out.push(`| … ${g.images.length - TABLE_ROWS} more | | | | |`);
    out.push('');
  }
  return out;
}

/** The markdown summary of one environment's preview, at most `maxChars` long. */
export function renderPreviewMarkdown(p: EnvironmentPreview, options: { maxChars?: number; heading?: string } = {}): string {
  const max = options.maxChars ?? GITHUB_TEXT_MAX;
  const head: string[] = [];
  if (options.heading) head.push(options.heading, '');
  head.push(`**${mdText(p.environment)}** deploys ${mdText(`${p.branch}:${p.path || '/'}`)}: base ${short(p.baseRevision)} → head ${short(p.headRevision)}`, '');
  for (const n of p.notes) head.push(`> ${mdText(n)}`, '');
  const single = p.groups.length === 1;
  for (const g of p.groups) {
    const vars = g.variables.length ? ` (variables: ${g.variables.map(mdText).join(', ')})` : '';
    const label = g.clusters.length
      ? `${single ? 'Clusters' : 'Cluster group'}: ${g.clusters.map(mdText).join(', ')}${vars}`
      : g.variables.length ? `Built with the given variables${vars}` : 'No cluster known: built without cluster variables';
    head.push(...groupTables(g, label));
  }
  head.push(...messages('Build errors', p.errors), ...messages('Warnings', p.warnings));
  if (p.dryRun.length > 0) {
    const rejected = p.dryRun.filter((d) => !d.ok);
    head.push(`**Dry run** (server-side, ${p.dryRun.length} object${p.dryRun.length === 1 ? '' : 's'}): ${rejected.length ? `${rejected.length} rejected` : 'every object accepted'}`, '');
    for (const d of rejected.slice(0, MESSAGE_ROWS)) head.push(`- ${mdText(d.cluster)}: ${mdText(d.id)}${d.file ? ` (${mdText(d.line ? `${d.file}:${d.line}` : d.file)})` : ''}: ${mdText(d.message ?? 'rejected')}`);
    if (rejected.length) head.push('');
  }
  const note = (n: number) => `\n_${n} object diff${n === 1 ? '' : 's'} not shown: GitHub limits this text to ${GITHUB_TEXT_MAX.toLocaleString('en-US')} characters. Run \`gitops diff --env ${mdText(p.environment)} --base ${short(p.baseRevision)} --head ${short(p.headRevision)}\` for all of it._\n`;
  let text = head.join('\n');
  const reserve = 400;
  if (text.length > max - reserve) return `${cutAtLine(text, max - reserve)}\n\n_Truncated: GitHub limits this text to ${GITHUB_TEXT_MAX.toLocaleString('en-US')} characters._\n`;
  const blocks: string[] = [];
  for (const [i, g] of p.groups.entries()) {
    const suffix = single ? '' : ` · group ${i + 1}`;
    for (const c of g.diff.changed) blocks.push(`<details><summary>${htmlText(c.id)} (changed${suffix})</summary>\n\n${codeBlock(c.unified, 'diff')}\n\n</details>\n`);
    for (const a of g.diff.added) blocks.push(`<details><summary>${htmlText(a.id)} (added${suffix})</summary>\n\n${codeBlock(a.unified, 'diff')}\n\n</details>\n`);
    for (const r of g.diff.removed) blocks.push(`<details><summary>${htmlText(r.id)} (removed${suffix})</summary>\n\n${codeBlock(r.unified, 'diff')}\n\n</details>\n`);
  }
  let shown = 0;
  for (const b of blocks) {
    if (text.length + b.length + 1 > max - reserve) break;
    text += `\n${b}`;
    shown++;
  }
  if (shown < blocks.length) text += note(blocks.length - shown);
  return text;
}
