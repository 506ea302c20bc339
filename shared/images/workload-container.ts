/**
 * The containers of a workload as automation sees them: name, current image, filter, and where the
 * image is written.
 */
import type { Resource } from '../manifests/resource.ts';
import type { ImageRef } from './image-ref.ts';
import type { ImageLocation } from './image-location.ts';
import { DEFAULT_FILTER } from './tag-filter.ts';

/** One container (or HelmRelease image) of a workload. */
export interface WorkloadContainer {
  /** The resource it belongs to. */
  readonly resource: Resource;
  /** Flux id of the workload, e.g. `default:helmrelease/radix-operator`. */
  readonly resourceId: string;
  /** Repository-relative file the workload is declared in. */
  readonly file: string;
  /** Container name (`chart-image`, a values key or a mapping alias for HelmReleases). */
  readonly container: string;
  /** The current image, spelled as in the manifest. */
  readonly image: ImageRef;
  /** The tag filter as written, or `glob:*` when the workload sets none. */
  readonly filter: string;
  /** The fields the image is read from and written to. */
  readonly location: ImageLocation;
}

/** Something wrong with a container's image that stops automation for it. */
export interface ContainerProblem {
  /** The container, when known. */
  readonly container?: string;
  /** What is wrong and where (field path), for a person. */
  readonly message: string;
  /** The repository, when it could still be read (e.g. the tag is a number): lets callers route the problem. */
  readonly repository?: ImageRef;
}

/** What {@link findContainers} found in one resource. */
export interface FoundContainers {
  readonly containers: WorkloadContainer[];
  readonly problems: ContainerProblem[];
}

/** The filter that applies to a container of a resource. */
export function containerFilter(resource: Resource, container: string): string {
  return Object.hasOwn(resource.policies.tagFilters, container)
    ? resource.policies.tagFilters[container]!
    : DEFAULT_FILTER;
}

/** Builds a container record for a resource. */
export function workloadContainer(
  resource: Resource,
  container: string,
  image: ImageRef,
  location: ImageLocation,
): WorkloadContainer {
  return {
    resource,
    resourceId: resource.id,
    file: resource.file,
    container,
    image,
    filter: containerFilter(resource, container),
    location,
  };
}
