/**
 * Image changes between two builds (pure): per workload container, the image before and after, and whether
 * the container's tag filter accepts the new tag (a change the filter refuses would be fought by automation,
 * or is a rollback automation would never make).
 */
import { filterAccepts, listImages, parseTagFilter, tryParseImageRef, type ImageRow } from '../images/index.ts';
import type { Resource } from '../manifests/index.ts';

export interface ImageChange {
  /** Flux id of the workload. */
  workload: string;
  container: string;
  /** Where the head declares it (the base, when removed). */
  file: string;
  /** The image before; undefined for a new container. */
  from: string | undefined;
  /** The image after; undefined for a removed container. */
  to: string | undefined;
  /** The tag filter at head, as written (`glob:*` when none). */
  filter: string | undefined;
  /** Whether automation is on for the workload at head. */
  automated: boolean;
  /** Whether the filter accepts the new tag; undefined when there is no new image. */
  accepted: boolean | undefined;
  /** Why it does not, when it does not (invalid filter, no tag). */
  reason?: string;
}

const key = (r: ImageRow): string => `${r.workload}\0${r.container ?? ''}`;

function acceptance(row: ImageRow): { accepted: boolean; reason?: string } {
  if (row.filterError) return { accepted: false, reason: `filter ${row.filter} is invalid: ${row.filterError}` };
  const parsed = row.image === undefined ? undefined : tryParseImageRef(row.image);
  if (!parsed || 'error' in parsed) return { accepted: false, reason: row.problem ?? 'the image cannot be read' };
  if (parsed.ref.tag === undefined) return { accepted: false, reason: 'the image has no tag' };
  const accepted = filterAccepts(parseTagFilter(row.filter), parsed.ref.tag);
  return accepted ? { accepted } : { accepted, reason: `tag ${parsed.ref.tag} does not match ${row.filter ?? 'glob:*'}` };
}

/** Every container whose image differs between the two builds, in head order, then removed containers. */
export function imageChanges(base: readonly Resource[], head: readonly Resource[]): ImageChange[] {
  const before = new Map(listImages(base).map((r) => [key(r), r]));
  const after = listImages(head);
  const seen = new Set<string>();
  const out: ImageChange[] = [];
  for (const row of after) {
    const k = key(row);
    seen.add(k);
    const old = before.get(k);
    if (old && old.image === row.image) continue;
    if (row.container === undefined) continue;
    out.push({ workload: row.workload, container: row.container, file: row.file, from: old?.image, to: row.image, filter: row.filter, automated: row.automated, ...acceptance(row) });
  }
  for (const [k, row] of before) {
    if (seen.has(k) || row.container === undefined) continue;
    out.push({ workload: row.workload, container: row.container, file: row.file, from: row.image, to: undefined, filter: row.filter, automated: row.automated, accepted: undefined });
  }
  return out;
}
