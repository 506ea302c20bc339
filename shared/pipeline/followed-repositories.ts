/**
 * Which repositories the registry scan follows: those of automated containers (neither locked nor
 * ignored) whose image lives in a registry their environment lists. Images in other registries are
 * never scanned: the identity's tokens go only to registries the operator approved.
 */
import type { Environment } from '../config/index.ts';
import type { WorkloadContainer } from '../images/index.ts';

export interface Followed {
  environment: Environment;
  container: WorkloadContainer;
}

export interface FollowedRepository {
  /** Registry host, lower case. */
  registry: string;
  /** Repository inside the registry. */
  repository: string;
  containers: Followed[];
}

/** Groups followed containers by registry and repository (sorted, so runs are repeatable). */
export function followedRepositories(followed: readonly Followed[]): FollowedRepository[] {
  const out = new Map<string, FollowedRepository>();
  for (const f of followed) {
    const host = f.container.image.domain?.toLowerCase();
    if (host === undefined || !f.environment.registries.includes(host)) continue;
    const key = `${host}/${f.container.image.image}`;
    const entry = out.get(key) ?? { registry: host, repository: f.container.image.image, containers: [] };
    entry.containers.push(f);
    out.set(key, entry);
  }
  return [...out.values()].sort((a, b) => (a.registry === b.registry ? a.repository.localeCompare(b.repository) : a.registry.localeCompare(b.registry)));
}
