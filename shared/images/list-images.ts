/**
 * Rows for a `gitops images` listing: every workload container, its image, policies and filter,
 * plus a row for each container whose image cannot be read.
 */
import type { IgnorePolicy } from '../manifests/policies.ts';
import type { Resource } from '../manifests/resource.ts';
import { findContainers } from './find-containers.ts';
import { formatImageRef } from './image-ref.ts';
import { parseTagFilter, TagFilterError } from './tag-filter.ts';

/** One listed container. `image` is undefined (and `problem` set) when the image cannot be read. */
export interface ImageRow {
  readonly workload: string;
  readonly file: string;
  readonly kind: string;
  readonly container: string | undefined;
  readonly image: string | undefined;
  readonly automated: boolean;
  readonly locked: boolean;
  readonly ignore: IgnorePolicy | undefined;
  /** The filter as written, or `glob:*`. */
  readonly filter: string | undefined;
  /** Why the filter cannot be used, when it is invalid. */
  readonly filterError?: string;
  /** Why the container's image cannot be read. */
  readonly problem?: string;
}

/** Lists the containers of the resources, in resource order, containers in Flux's order. */
export function listImages(resources: readonly Resource[]): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const resource of resources) {
    const { containers, problems } = findContainers(resource);
    const { automated, locked, ignore } = resource.policies;
    const base = { workload: resource.id, file: resource.file, kind: resource.kind, automated, locked, ignore };
    for (const c of containers) {
      let filterError: string | undefined;
      try {
        parseTagFilter(c.filter);
      } catch (error) {
        if (!(error instanceof TagFilterError)) throw error;
        filterError = error.message;
      }
      const row = { ...base, container: c.container, image: formatImageRef(c.image), filter: c.filter };
      rows.push(filterError === undefined ? row : { ...row, filterError });
    }
    for (const p of problems) {
      const filter = p.container === undefined ? undefined : resource.policies.tagFilters[p.container] ?? 'glob:*';
      rows.push({ ...base, container: p.container, image: undefined, filter, problem: p.message });
    }
  }
  return rows;
}
