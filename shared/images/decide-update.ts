/**
 * The automation decision for one container and a pushed image of its repository.
 *
 * Update when the workload is automated and neither locked nor ignored (`ignore: "true"`), the filter
 * accepts the pushed tag (`latest` only under `glob:latest`), the tag differs, and it is not a
 * rollback: under `semver:` only a higher version; under glob/regexp, when the caller knows both build
 * times, the current image must be older than the pushed one. Flux v1 had no rollback guard.
 */
import type { Resource } from '../manifests/resource.ts';
import { formatImageRef, type ImageRef } from './image-ref.ts';
import { compareVersions, parseVersion } from './semver-version.ts';
import { admitsLatest, filterMatches, isLatestTag, parseTagFilter, TagFilterError, type TagFilter } from './tag-filter.ts';
import type { WorkloadContainer } from './workload-container.ts';

/** Why a container considered for an image was not changed. */
export type SkipReason =
  | 'not-automated'
  | 'locked'
  | 'ignored'
  | 'invalid-image'
  | 'invalid-filter'
  | 'no-tag'
  | 'up-to-date'
  | 'latest-excluded'
  | 'filter-rejects'
  | 'not-newer'
  | 'older-than-current';

/** When an image was built, if the caller knows; `undefined` = unknown. */
export type BuildTime = (ref: ImageRef) => Date | undefined;

/** Update to `tag` (from `pushed`), or skip with a reason and a sentence. */
export type Decision =
  | { readonly update: true; readonly tag: string; readonly pushed: ImageRef }
  | { readonly update: false; readonly reason: SkipReason; readonly message: string };

const skip = (reason: SkipReason, message: string): Decision => ({ update: false, reason, message });

function knownTime(buildTime: BuildTime | undefined, ref: ImageRef): number | undefined {
  const t = buildTime?.(ref)?.getTime();
  return t === undefined || Number.isNaN(t) ? undefined : t;
}

/** The policy reason a workload is not automated (not automated, locked, ignored), if any. */
export function policySkip(resource: Resource): { reason: SkipReason; message: string } | undefined {
  const { automated, locked, ignore } = resource.policies;
  if (!automated) return { reason: 'not-automated', message: `${resource.id} is not automated` };
  if (locked) return { reason: 'locked', message: `${resource.id} is locked` };
  if (ignore === 'true') return { reason: 'ignored', message: `${resource.id} is ignored` };
  return undefined;
}

/** Decides whether `c` takes `pushed` (same repository, checked by the caller). */
export function decideUpdate(c: WorkloadContainer, pushed: ImageRef, buildTime?: BuildTime): Decision {
  const policy = policySkip(c.resource);
  if (policy) return skip(policy.reason, policy.message);
  let filter: TagFilter;
  try {
    filter = parseTagFilter(c.filter);
  } catch (error) {
    if (error instanceof TagFilterError) return skip('invalid-filter', error.message);
    throw error;
  }
  const tag = pushed.tag;
  const current = c.image;
  if (tag === undefined) return skip('no-tag', `${formatImageRef(pushed)} has no tag`);
  if (tag === current.tag) return skip('up-to-date', `${c.container} already runs ${formatImageRef(current)}`);
  if (isLatestTag(tag) && !admitsLatest(filter)) {
    return skip('latest-excluded', `tag ${tag} is only taken under the filter glob:latest`);
  }
  if (!filterMatches(filter, tag)) return skip('filter-rejects', `filter ${filter.source} rejects tag ${tag}`);
  if (filter.kind === 'semver') {
    const next = parseVersion(tag)!;
    const now = current.tag === undefined ? undefined : parseVersion(current.tag);
    if (now && compareVersions(next, now) <= 0) {
      return skip('not-newer', `version ${tag} is not higher than the current ${current.tag}`);
    }
  } else {
    const now = knownTime(buildTime, current);
    const next = knownTime(buildTime, pushed);
    if (now !== undefined && next !== undefined && now >= next) {
      return skip('older-than-current', `${formatImageRef(pushed)} was not built after the current ${formatImageRef(current)}`);
    }
  }
  return { update: true, tag, pushed };
}

/**
 * Decides over several pushed images of the container's repository: the best accepted one wins
 * (highest version under semver, latest known build time otherwise, later in the list on ties).
 * When none is accepted, every pushed image's skip is returned.
 */
export function chooseUpdate(
  c: WorkloadContainer,
  pushed: readonly ImageRef[],
  buildTime?: BuildTime,
): { chosen?: { tag: string; pushed: ImageRef }; skips: { pushed: ImageRef; reason: SkipReason; message: string }[] } {
  const accepted: { tag: string; pushed: ImageRef }[] = [];
  const skips: { pushed: ImageRef; reason: SkipReason; message: string }[] = [];
  for (const p of pushed) {
    const d = decideUpdate(c, p, buildTime);
    if (d.update) accepted.push({ tag: d.tag, pushed: d.pushed });
    else skips.push({ pushed: p, reason: d.reason, message: d.message });
  }
  if (accepted.length === 0) return { skips };
  const semver = c.filter.startsWith('semver:');
  const better = (a: { tag: string; pushed: ImageRef }, b: { tag: string; pushed: ImageRef }): boolean => {
    if (semver) return compareVersions(parseVersion(a.tag)!, parseVersion(b.tag)!) >= 0;
    return (knownTime(buildTime, a.pushed) ?? -Infinity) >= (knownTime(buildTime, b.pushed) ?? -Infinity);
  };
  const chosen = accepted.reduce((best, x) => (better(x, best) ? x : best));
  return { chosen, skips: [] };
}
