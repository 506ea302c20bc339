/**
 * Tag filters (Flux v1 `pkg/policy/pattern.go`, flux-v1-semantics §4.2): `glob:` (also the meaning of
 * a pattern without prefix), `semver:`, `regexp:`/`regex:`. No whitespace is trimmed. No filter means
 * `glob:*`. A tag `latest` (any case) never matches unless the filter is the glob `latest`.
 *
 * Unlike Flux v1, an invalid filter (bad regular expression, unparseable semver range) is an error,
 * never "matches everything".
 */
import { globMatch } from './glob.ts';
import { compileRe2, RegexFilterError } from './re2-regexp.ts';
import { parseSemverRange, rangeAccepts, SemverRangeError, type SemverRange } from './semver-range.ts';
import { parseVersion } from './semver-version.ts';

/** The filter that applies when a container has none. */
export const DEFAULT_FILTER = 'glob:*';

/** A parsed tag filter. `source` is the filter as written (or {@link DEFAULT_FILTER}). */
export type TagFilter =
  | { readonly kind: 'glob'; readonly source: string; readonly pattern: string }
  | { readonly kind: 'semver'; readonly source: string; readonly range: SemverRange }
  | { readonly kind: 'regexp'; readonly source: string; readonly regexp: RegExp };

/** A filter that cannot be used; the message says which and why. */
export class TagFilterError extends Error {
  /** The filter as written. */
  readonly filter: string;
  constructor(filter: string, message: string, cause?: unknown) {
    super(`invalid tag filter ${JSON.stringify(filter)}: ${message}`, { cause });
    this.name = 'TagFilterError';
    this.filter = filter;
  }
}

/** Parses a filter; `undefined` means `glob:*`. Throws {@link TagFilterError} when it is invalid. */
export function parseTagFilter(s: string | undefined): TagFilter {
  const source = s ?? DEFAULT_FILTER;
  if (source.startsWith('semver:')) {
    try {
      return { kind: 'semver', source, range: parseSemverRange(source.slice('semver:'.length)) };
    } catch (error) {
      if (error instanceof SemverRangeError) throw new TagFilterError(source, error.message, error);
      throw error;
    }
  }
  const re = source.startsWith('regexp:') ? 'regexp:' : source.startsWith('regex:') ? 'regex:' : undefined;
  if (re) {
    try {
      return { kind: 'regexp', source, regexp: compileRe2(source.slice(re.length)) };
    } catch (error) {
      if (error instanceof RegexFilterError) throw new TagFilterError(source, error.message, error);
      throw error;
    }
  }
  const pattern = source.startsWith('glob:') ? source.slice('glob:'.length) : source;
  return { kind: 'glob', source, pattern };
}

/** Whether a tag is `latest`, compared case-insensitively as Flux did. */
export function isLatestTag(tag: string): boolean {
  return tag.toLowerCase() === 'latest';
}

/** Whether this filter is the one that admits `latest`: the glob `latest` (`glob:latest`). */
export function admitsLatest(f: TagFilter): boolean {
  return f.kind === 'glob' && f.pattern === 'latest';
}

/** The filter's own match, without the `latest` rule (Flux's `Pattern.Matches`). */
export function filterMatches(f: TagFilter, tag: string): boolean {
  switch (f.kind) {
    case 'glob':
      return globMatch(f.pattern, tag);
    case 'regexp':
      return f.regexp.test(tag);
    case 'semver': {
      const v = parseVersion(tag);
      return v !== undefined && rangeAccepts(f.range, v);
    }
  }
}

/** Whether the filter accepts a tag, with the `latest` rule (Flux's `matchWithLatest`). */
export function filterAccepts(f: TagFilter, tag: string): boolean {
  if (isLatestTag(tag) && !admitsLatest(f)) return false;
  return filterMatches(f, tag);
}
