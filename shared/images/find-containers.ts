/**
 * Where images live in a resource: the pod spec of a native workload (flux-v1-semantics §5.1), or
 * the values of a HelmRelease (§5.2). Other kinds have none.
 */
import type { Resource } from '../manifests/resource.ts';
import { findHelmContainers, isHelmRelease } from './helm-containers.ts';
import type { ValuePath } from './image-location.ts';
import { findPodContainers } from './pod-containers.ts';
import type { FoundContainers } from './workload-container.ts';

const POD_SPEC_PATHS: Readonly<Record<string, ValuePath>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

/**
 * The pod spec path of a native workload kind (CronJob of any batch version), or undefined for other
 * kinds. Kinds are matched exactly, as Kubernetes does.
 */
export function podSpecPath(kind: string): ValuePath | undefined {
  return Object.hasOwn(POD_SPEC_PATHS, kind) ? POD_SPEC_PATHS[kind] : undefined;
}

/**
 * Finds the containers of a resource and what is wrong with the ones that cannot be automated
 * (missing or non-string image or tag, unparseable reference). Never throws on bad input.
 */
export function findContainers(resource: Resource): FoundContainers {
  if (isHelmRelease(resource.apiVersion, resource.kind)) return findHelmContainers(resource);
  const specPath = podSpecPath(resource.kind);
  if (specPath) return findPodContainers(resource, specPath);
  return { containers: [], problems: [] };
}
