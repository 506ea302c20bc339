/**
 * Escaping of repository text for GitHub markdown (pure). Text from the repository (paths, ids, messages,
 * images, diffs) must never become markup: no links, no HTML, no table breaks, no @-mentions, no #-references.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '@': '&#64;', '#': '&#35;' };

/** Inline text: HTML and markdown specials escaped, mentions and issue references neutralised, one line. */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[&<>"'@#]/g, (c) => ENTITIES[c]!)
    .replace(/[\\`*_[\]|~:]/g, (c) => `\\${c}`);
}

/** Text inside an HTML element (`<summary>`): HTML specials and mentions escaped, one line. */
export function htmlText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[&<>"'@#]/g, (c) => ENTITIES[c]!);
}

/** A fenced code block that no backtick run in `text` can close early. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/** Cuts `text` to at most `max` characters at a line boundary, never inside a surrogate pair. */
export function cutAtLine(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const nl = cut.lastIndexOf('\n');
  if (nl > max / 2) cut = cut.slice(0, nl);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}
