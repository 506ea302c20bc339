/**
 * The registry scan's choice for one container, as Flux v1's automation made it
 * (`pkg/update/images.go`, `pkg/image/image.go`; flux-v1-semantics §4.3), from the
 * tags a registry lists:
 *
 * 1. keep the tags the filter accepts (`latest` only under `glob:latest`);
 * 2. under glob/regexp every kept tag needs its creation time read (Flux: "inconsistent
 *    repository metadata" otherwise); a tag whose image records none (zero) sorts last;
 * 3. newest first: semver by version (equal versions: the greater tag string), glob/regexp by
 *    creation time (equal times: the smaller tag string, Flux's `ID.String()` ascending);
 * 4. the head of the list is the candidate, unless it is the current tag, or points to the
 *    digest the container already runs (our rule: two tags of one image are not an update),
 *    or (glob/regexp) its or the current image's creation time is zero or unknown.
 *
 * Whether the candidate is then taken (no rollback, policies) is the event path's decision.
 * Pure: the caller supplies the tags and what it knows about them.
 */
import { compareVersions, parseVersion } from './semver-version.ts';
import { filterAccepts, parseTagFilter, TagFilterError, type TagFilter } from './tag-filter.ts';
import { withTag, type ImageRef } from './image-ref.ts';

/** A tag as the registry lists it. `created`: the image's creation time, `null` when it records none, absent when not read. */
export interface ListedTag {
  readonly name: string;
  readonly digest: string;
  readonly created?: Date | null;
}

/** What is known of the image the container runs now. */
export interface CurrentImage {
  readonly digest?: string;
  /** Creation time: `null` = none recorded or the tag is not in the registry; absent = not read. */
  readonly created?: Date | null;
}

export type CandidateSkip =
  | 'invalid-filter'
  | 'no-matching-tag'
  | 'created-unknown'
  | 'up-to-date'
  | 'same-digest'
  | 'zero-created';

export type Candidate =
  | { readonly kind: 'candidate'; readonly ref: ImageRef; readonly tag: ListedTag }
  | { readonly kind: 'skip'; readonly reason: CandidateSkip; readonly message: string };

const skip = (reason: CandidateSkip, message: string): Candidate => ({ kind: 'skip', reason, message });

/** The tags a filter accepts; throws TagFilterError for an invalid filter. */
export function acceptedTags(filter: string, tags: readonly ListedTag[]): ListedTag[] {
  const f = parseTagFilter(filter);
  return tags.filter((t) => filterAccepts(f, t.name));
}

/** Whether choosing under this filter needs creation times (glob and regexp do, semver does not). */
export function needsCreationTimes(filter: string): boolean {
  try {
    return parseTagFilter(filter).kind !== 'semver';
  } catch {
    return false;
  }
}

/** Accepted tags newest first, as the choice orders them (semver by version; glob/regexp by creation time). */
export function newestFirst(f: TagFilter, tags: ListedTag[]): ListedTag[] {
  if (f.kind === 'semver') {
    return tags.sort((a, b) => compareVersions(parseVersion(b.name)!, parseVersion(a.name)!) || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  }
  const time = (t: ListedTag) => (t.created ? t.created.getTime() : 0);
  return tags.sort((a, b) => time(b) - time(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The candidate for a container running `image` under `filter`, from `tags` of its repository. */
export function chooseCandidate(image: ImageRef, filter: string, tags: readonly ListedTag[], current: CurrentImage): Candidate {
  let f: TagFilter;
  try {
    f = parseTagFilter(filter);
  } catch (error) {
    if (error instanceof TagFilterError) return skip('invalid-filter', error.message);
    throw error;
  }
  const kept = tags.filter((t) => filterAccepts(f, t.name));
  if (kept.length === 0) return skip('no-matching-tag', `no tag listed matches ${f.source}`);
  if (f.kind !== 'semver') {
    const unread = kept.filter((t) => t.created === undefined).map((t) => t.name);
    if (unread.length > 0) return skip('created-unknown', `creation time unknown for ${unread.slice(0, 5).join(', ')}${unread.length > 5 ? ` and ${unread.length - 5} more` : ''}`);
  }
  const head = newestFirst(f, [...kept])[0]!;
  if (head.name === image.tag) return skip('up-to-date', `${head.name} is the newest tag matching ${f.source}`);
  if (current.digest !== undefined && head.digest === current.digest) {
    return skip('same-digest', `${head.name} points to ${head.digest}, which ${image.tag ?? 'the current tag'} already runs`);
  }
  if (f.kind !== 'semver') {
    if (head.created === null) return skip('zero-created', `image ${head.name} records no creation time`);
    if (!current.created) return skip('zero-created', `the current image ${image.tag ?? '(no tag)'} has no known creation time`);
  }
  return { kind: 'candidate', ref: withTag(image, head.name), tag: head };
}
