/**
 * `semver:` filter ranges with Masterminds/semver v3 semantics (the library Flux v1 used):
 * comparators `= != > < >= => <= =< ~ ~> ^`, wildcards `x X *`, partial versions (`~1`, `1.2`),
 * hyphen ranges (`1.2 - 1.4.5`), `,` or whitespace as AND, `||` as OR.
 *
 * Prereleases: a prerelease version only satisfies a comparator that itself names a prerelease
 * (`>=1.2.3` skips `1.3.0-rc.1`, `>=1.2.3-0` takes it). Every comparator of an AND group must agree,
 * unlike npm ranges. An unparseable or empty range is an error (Flux v1 silently matched everything).
 */
import { compareVersions, parseVersion, type Version } from './semver-version.ts';
import { RE2JS } from 're2js';

/** A range that could not be parsed; the message names it. */
export class SemverRangeError extends Error {
  /** The range as given. */
  readonly range: string;
  constructor(range: string, reason: string) {
    super(`invalid semver range ${JSON.stringify(range)}: ${reason}`);
    this.name = 'SemverRangeError';
    this.range = range;
  }
}

interface Comparator {
  readonly op: string;
  readonly con: Version;
  readonly orig: string;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

/** A parsed range: OR of AND groups of comparators. */
export interface SemverRange {
  readonly source: string;
  readonly groups: readonly (readonly Comparator[])[];
}

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
// Masterminds' patterns, run as Go ran them: on a linear-time RE2 engine. A range comes from a manifest anyone can
// push, and JavaScript's backtracking engine takes exponential time on these patterns with long runs of spaces.
const CONSTRAINT = RE2JS.compile(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const HYPHEN_RANGE = RE2JS.compile(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);
const FIND = RE2JS.compile(String.raw`(${OPS})\s*(${CV})`);
const VALID = RE2JS.compile(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

/** The first match's groups (index 0: the whole match; unmatched groups undefined), or null. */
function execRe2(re: RE2JS, text: string): (string | undefined)[] | null {
  const m = re.matcher(text);
  if (!m.find()) return null;
  return Array.from({ length: m.groupCount() + 1 }, (_, i) => m.group(i) ?? undefined);
}

/** Every match's text and groups, left to right, as Go's FindAllStringSubmatch. */
function allRe2(re: RE2JS, text: string): { start: number; end: number; groups: (string | undefined)[] }[] {
  const m = re.matcher(text);
  const out: { start: number; end: number; groups: (string | undefined)[] }[] = [];
  while (m.find()) out.push({ start: m.start(), end: m.end(), groups: Array.from({ length: m.groupCount() + 1 }, (_, i) => m.group(i) ?? undefined) });
  return out;
}

const isX = (s: string | undefined): boolean => s === 'x' || s === 'X' || s === '*';

function parseComparator(range: string, text: string): Comparator {
  const m = execRe2(CONSTRAINT, text);
  if (!m) throw new SemverRangeError(range, `improper constraint ${JSON.stringify(text.trim())}`);
  const [, op = '', orig = '', major = '', minorPart = '', patchPart = '', pre = ''] = m;
  let ver = orig;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major) || major === '') {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minorPart.slice(1)) || minorPart === '') {
    ver = `${major}.0.0${pre}`;
    dirty = minorDirty = true;
  } else if (isX(patchPart.slice(1)) || patchPart === '') {
    ver = `${major}${minorPart}.0${pre}`;
    dirty = patchDirty = true;
  }
  const con = parseVersion(ver);
  if (!con) throw new SemverRangeError(range, `improper constraint ${JSON.stringify(text.trim())}`);
  return { op, con, orig, dirty, minorDirty, patchDirty };
}

/** Parses a Masterminds-style range. Throws {@link SemverRangeError}. */
export function parseSemverRange(range: string): SemverRange {
  if (range.trim() === '') throw new SemverRangeError(range, 'empty range');
  let rewritten = '';
  let at = 0;
  for (const { start, end, groups } of allRe2(HYPHEN_RANGE, range)) {
    rewritten += `${range.slice(at, start)}>= ${groups[1] ?? ''}, <= ${groups[11] ?? ''}`;
    at = end;
  }
  rewritten += range.slice(at);
  const groups = rewritten.split('||').map((group) => {
    if (!VALID.test(group)) throw new SemverRangeError(range, `improper constraint ${JSON.stringify(group.trim())}`);
    const matches = allRe2(FIND, group).map((f) => f.groups[0] ?? '');
    const found = matches.length > 0 ? matches : [group];
    return found.map((text) => parseComparator(range, text));
  });
  return { source: range, groups };
}

const cmp = compareVersions;

function tilde(v: Version, c: Comparator): boolean {
  if (cmp(v, c.con) < 0) return false;
  if (c.con.major === 0 && c.con.minor === 0 && c.con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
}

function caret(v: Version, c: Comparator): boolean {
  if (cmp(v, c.con) < 0) return false;
  if (c.con.major > 0 || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0) return false;
  if (c.con.minor > 0 || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0) return false;
  return v.patch === c.con.patch;
}

function notEqual(v: Version, c: Comparator): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return (v.prerelease ?? '') !== (c.con.prerelease ?? '');
  }
  return cmp(v, c.con) !== 0;
}

function greaterThan(v: Version, c: Comparator): boolean {
  if (!c.dirty) return cmp(v, c.con) > 0;
  if (v.major !== c.con.major) return v.major > c.con.major;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return cmp(v, c.con) > 0;
}

function lessThanEqual(v: Version, c: Comparator): boolean {
  if (!c.dirty) return cmp(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function check(v: Version, c: Comparator): boolean {
  const prereleaseBlocked = v.prerelease !== undefined && c.con.prerelease === undefined;
  switch (c.op) {
    case '':
    case '=':
      if (prereleaseBlocked) return false;
      return c.dirty ? tilde(v, c) : cmp(v, c.con) === 0;
    case '!=':
      if (c.dirty && prereleaseBlocked) return false;
      return notEqual(v, c);
    case '>':
      return !prereleaseBlocked && greaterThan(v, c);
    case '<':
      return !prereleaseBlocked && cmp(v, c.con) < 0;
    case '>=':
    case '=>':
      return !prereleaseBlocked && cmp(v, c.con) >= 0;
    case '<=':
    case '=<':
      return !prereleaseBlocked && lessThanEqual(v, c);
    case '~':
    case '~>':
      return !prereleaseBlocked && tilde(v, c);
    case '^':
      return !prereleaseBlocked && caret(v, c);
    default:
      return false;
  }
}

/** Whether a version satisfies the range: some OR group whose every comparator accepts it. */
export function rangeAccepts(range: SemverRange, v: Version): boolean {
  return range.groups.some((group) => group.every((c) => check(v, c)));
}
