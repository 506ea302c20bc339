/**
 * Tag filters (Flux v1 `pkg/policy/pattern.go`, flux-v1-semantics §4.2): `glob:` (also the meaning of
 * a pattern without prefix), `semver:`, `regexp:`/`regex:`. No whitespace is trimmed. No filter means
 * `glob:*`. A tag `latest` (any case) never matches unless the filter is the glob `latest`.
 *
 * Unlike Flux v1, an invalid filter (bad regular expression, unparseable semver range) is an error,
 * never "matches everything".
 *
 * `regexp:` runs on re2js, a port of RE2: Go's syntax (what Flux's `regexp.MatchString` read) and
 * linear-time matching, so a filter such as `^(a+)+$` from the config repository cannot stall the host.
 * Matching is unanchored, as in Flux. Tags longer than an OCI registry allows never match.
 */
import { RE2JS, RE2JSException } from 're2js';
import { globMatch } from './glob.ts';
import { parseSemverRange, rangeAccepts, SemverRangeError, type SemverRange } from './semver-range.ts';
import { parseVersion } from './semver-version.ts';

/** The longest tag an OCI registry accepts (distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
export const MAX_TAG_LENGTH = 128;

/** A compiled RE2 pattern: `test` finds a match anywhere in the tag (Go's `regexp.MatchString`). */
export interface Re2Pattern {
  readonly source: string;
  test(tag: string): boolean;
}

/** The filter that applies when a container has none. */
export const DEFAULT_FILTER = 'glob:*';

/** A parsed tag filter. `source` is the filter as written (or {@link DEFAULT_FILTER}). */
export type TagFilter =
  | { readonly kind: 'glob'; readonly source: string; readonly pattern: string }
  | { readonly kind: 'semver'; readonly source: string; readonly range: SemverRange }
  | { readonly kind: 'regexp'; readonly source: string; readonly regexp: Re2Pattern };

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
      if (error instanceof RE2JSException) throw new TagFilterError(source, `invalid regular expression: ${error.message}`, error);
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

/** Compiles a Go RE2 pattern. Throws re2js's RE2JSException when RE2 rejects it (lookarounds, backreferences…). */
export function compileRe2(pattern: string): Re2Pattern {
  const re = RE2JS.compile(pattern);
  return { source: pattern, test: (tag) => re.test(tag) };
}

/** The filter's own match, without the `latest` rule (Flux's `Pattern.Matches`). A tag no registry accepts never matches. */
export function filterMatches(f: TagFilter, tag: string): boolean {
  if (tag.length > MAX_TAG_LENGTH) return false;
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
