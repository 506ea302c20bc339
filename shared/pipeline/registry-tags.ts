/**
 * `pipeline.containerTags`: what the registry holds for one container (like `fluxctl list-images`): the tags
 * its filter accepts, newest first as automation orders them (semver by version, glob/regexp by the image's
 * creation time), the current one marked, and the candidate automation or `release --update-all-images`
 * would take. Registries are reached only through the access the caller grants (the environment's own
 * registries, with the caller's credentials).
 */
import { chooseCandidate, formatImageRef, needsCreationTimes, newestFirst, parseTagFilter, TagFilterError, filterAccepts, type Candidate, type ListedTag, type WorkloadContainer } from '../images/index.ts';
import { mapBounded } from '../clusters/index.ts';
import { imageCreated, type ManifestReader } from '../registry/build-times.ts';
import type { TagLister } from '../registry/tag-lister.ts';

export interface RegistryAccess {
  lister: TagLister;
  reader: ManifestReader;
}

export interface TagRow {
  tag: string;
  digest: string;
  /** The image's creation time (ISO); null when it records none; absent when not read (semver needs none). */
  created?: string | null;
  current: boolean;
}

export interface ContainerTags {
  workload: string;
  container: string;
  image: string;
  filter: string;
  /** Accepted tags, newest first (at most `limit`). */
  tags: TagRow[];
  /** More tags were accepted than shown, or the registry holds more than were listed. */
  more: boolean;
  /** The candidate automation would take, or why there is none. */
  candidate: Candidate | undefined;
  /** Why the registry was not asked, or what failed. */
  note?: string;
}

export interface ContainerTagsOptions {
  /** Rows shown (default 10). */
  limit?: number;
  /** Tags listed from the registry, most recently pushed first (default 500, one page). */
  listMax?: number;
}

/** Lists and orders the tags of a container's repository; never throws for registry failures (they become a note). */
export async function containerTags(c: WorkloadContainer, access: RegistryAccess | undefined, options: ContainerTagsOptions = {}): Promise<ContainerTags> {
  const base: ContainerTags = { workload: c.resourceId, container: c.container, image: formatImageRef(c.image), filter: c.filter, tags: [], more: false, candidate: undefined };
  if (!access) return { ...base, note: `registry ${c.image.domain ?? 'docker.io'} is not one this environment lists, or not reachable from here` };
  let filter;
  try {
    filter = parseTagFilter(c.filter);
  } catch (err) {
    if (err instanceof TagFilterError) return { ...base, note: err.message, candidate: { kind: 'skip', reason: 'invalid-filter', message: err.message } };
    throw err;
  }
  try {
    const listed = await access.lister.listTags(c.image.image, options.listMax ?? 500);
    let accepted: ListedTag[] = listed.tags.filter((t) => filterAccepts(filter, t.name));
    const current = listed.tags.find((t) => t.name === c.image.tag);
    let currentCreated: Date | null | undefined;
    if (needsCreationTimes(c.filter)) {
      const times = await mapBounded(accepted, 8, (t) => imageCreated(access.reader, c.image.image, t.digest));
      accepted = accepted.map((t, i) => ({ ...t, created: times[i]! }));
      currentCreated = current ? (accepted.find((t) => t.name === current.name)?.created ?? (await imageCreated(access.reader, c.image.image, current.digest))) : null;
    }
    const ordered = newestFirst(filter, accepted);
    const limit = options.limit ?? 10;
    const candidate = chooseCandidate(c.image, c.filter, accepted, { ...(current ? { digest: current.digest } : {}), ...(currentCreated !== undefined ? { created: currentCreated } : {}) });
    return {
      ...base, candidate, more: listed.more || ordered.length > limit,
      tags: ordered.slice(0, limit).map((t) => ({ tag: t.name, digest: t.digest, ...(t.created !== undefined ? { created: t.created ? t.created.toISOString() : null } : {}), current: t.name === c.image.tag })),
    };
  } catch (err) {
    return { ...base, note: `registry ${c.image.domain}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}
