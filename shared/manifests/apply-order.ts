/**
 * Apply and delete order: Flux v1's kind ranking (`pkg/cluster/kubernetes/sync.go` `rankOfKind`), made a
 * total order within a rank (Flux sorted by name only, with an unstable sort).
 */
import { compareCodePoints } from './repo-paths.ts';

/** Rank of every kind not in {@link KIND_RANKS} (HelmRelease, custom resources, HPA, NetworkPolicy, ...). */
export const OTHER_KIND_RANK = 4;

/** Flux v1's apply rank per lowercased kind; lower ranks are applied first. */
export const KIND_RANKS: Readonly<Record<string, number>> = Object.freeze({
  namespace: 0,
  customresourcedefinition: 1,
  serviceaccount: 1,
  clusterrole: 1,
  role: 1,
  persistentvolume: 1,
  service: 1,
  resourcequota: 2,
  limitrange: 2,
  secret: 2,
  configmap: 2,
  rolebinding: 2,
  clusterrolebinding: 2,
  persistentvolumeclaim: 2,
  ingress: 2,
  daemonset: 3,
  deployment: 3,
  replicationcontroller: 3,
  replicaset: 3,
  job: 3,
  cronjob: 3,
  statefulset: 3,
});

/** Flux v1's rank of a kind, matched case-insensitively; {@link OTHER_KIND_RANK} for any other kind. */
export function rankOfKind(kind: string): number {
  const key = kind.toLowerCase();
  return Object.hasOwn(KIND_RANKS, key) ? (KIND_RANKS[key] as number) : OTHER_KIND_RANK;
}

/** What ordering needs of an object: a Resource, or an inventory entry of the cluster. */
export interface OrderKey {
  kind: string;
  name: string;
  /** Effective namespace; undefined (or '') for cluster-scoped objects, which sort first. */
  namespace?: string | undefined;
  apiVersion?: string;
}

/** Compares two objects in apply order: rank, name, namespace, kind (lowercased, then as written), apiVersion. */
export function compareForApply(a: OrderKey, b: OrderKey): number {
  return rankOfKind(a.kind) - rankOfKind(b.kind)
    || compareCodePoints(a.name, b.name)
    || compareCodePoints(a.namespace ?? '', b.namespace ?? '')
    || compareCodePoints(a.kind.toLowerCase(), b.kind.toLowerCase())
    || compareCodePoints(a.kind, b.kind)
    || compareCodePoints(a.apiVersion ?? '', b.apiVersion ?? '');
}

/** A sorted copy in apply order (Flux v1's ranks; deterministic within a rank). */
export function sortForApply<T extends OrderKey>(items: readonly T[]): T[] {
  // compareForApply's order, with each item's rank and lowercased kind worked out once, not once per comparison.
  const keyed = items.map((item) => ({ item, rank: rankOfKind(item.kind), kind: item.kind.toLowerCase() }));
  keyed.sort((a, b) => a.rank - b.rank
    || compareCodePoints(a.item.name, b.item.name)
    || compareCodePoints(a.item.namespace ?? '', b.item.namespace ?? '')
    || compareCodePoints(a.kind, b.kind)
    || compareCodePoints(a.item.kind, b.item.kind)
    || compareCodePoints(a.item.apiVersion ?? '', b.item.apiVersion ?? ''));
  return keyed.map((k) => k.item);
}

/** A sorted copy in delete order: exactly the reverse of {@link sortForApply}. */
export function sortForDelete<T extends OrderKey>(items: readonly T[]): T[] {
  return sortForApply(items).reverse();
}
