/**
 * Versions as Flux v1 read tags under a `semver:` filter: Masterminds/semver v3 `NewVersion`, which
 * is lenient about the form (`v` prefix, `1` → 1.0.0, `1.2` → 1.2.0) but strict about everything else
 * (`1.2.3.4`, `latest`, `master-abc` are not versions). Comparison follows semver precedence, computed
 * by the npm `semver` package on the normalised form. Deliberately not `semver.coerce`, which would
 * read a version out of almost any string.
 */
import semver from 'semver';

/** A version read from a tag. */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Prerelease identifiers after `-`, or undefined. */
  readonly prerelease: string | undefined;
  /** Build metadata after `+`, or undefined (ignored by comparison). */
  readonly build: string | undefined;
  /** `major.minor.patch[-prerelease]`, the form compared. */
  readonly normalized: string;
  /** The string as given. */
  readonly original: string;
}

const IDENT = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const VERSION = new RegExp(`^v?([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:-(${IDENT}))?(?:\\+(${IDENT}))?$`);

function segment(s: string | undefined): number | undefined {
  if (s === undefined) return 0;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Reads a tag as a version, Masterminds-style; undefined when it is not one. */
export function parseVersion(tag: string): Version | undefined {
  const m = VERSION.exec(tag);
  if (!m) return undefined;
  const major = segment(m[1]);
  const minor = segment(m[2]);
  const patch = segment(m[3]);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  const prerelease = m[4];
  // Masterminds v3 rejects numeric prerelease identifiers with leading zeros, as semver 2.0 does.
  if (prerelease !== undefined && prerelease.split('.').some((p) => /^0[0-9]+$/.test(p))) return undefined;
  const normalized = `${major}.${minor}.${patch}${prerelease === undefined ? '' : `-${prerelease}`}`;
  if (semver.valid(normalized) === null) return undefined;
  return { major, minor, patch, prerelease, build: m[5], normalized, original: tag };
}

/** Semver precedence: negative when `a` < `b`, 0 when equal (build metadata ignored), positive when `a` > `b`. */
export function compareVersions(a: Version, b: Version): number {
  return semver.compare(a.normalized, b.normalized);
}
