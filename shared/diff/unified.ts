/** Unified diffs of two objects as YAML with sorted keys (pure; line diff by jsdiff). */
import { structuredPatch } from 'diff';
import { stringify } from 'yaml';

/** The YAML a diff shows: keys sorted so that field order never shows up as a change. */
export function diffYaml(object: unknown): string {
  if (object === undefined) return '';
  return stringify(object, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * `--- id (before)` / `+++ id (after)` and its hunks; an absent side is the empty file (/dev/null).
 * Empty when both render the same.
 */
export function unifiedDiff(id: string, before: unknown, after: unknown, context = 3): string {
  const a = diffYaml(before);
  const b = diffYaml(after);
  if (a === b) return '';
  const patch = structuredPatch(before === undefined ? '/dev/null' : id, after === undefined ? '/dev/null' : id, a, b, undefined, undefined, { context });
  const lines = [`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) if (!l.startsWith('\\')) lines.push(l);
  }
  return `${lines.join('\n')}\n`;
}
