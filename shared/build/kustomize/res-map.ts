/**
 * The ordered resource list of a build (kustomize's ResMap): append with the duplicate-id check, lookups by
 * current or any id, and the legacy output order `kubectl kustomize` prints.
 */
import { BuildRefusal } from './build-message.ts';
import { effectiveNamespace, idEquals, idString, isNamespaced, sameGvk } from './resource.ts';
import type { ResId, Resource } from './resource.ts';
import type { Gvk } from './field-spec.ts';

const idKey = (id: ResId): string => `${id.group}|${id.version}|${id.kind}|${id.name}|${effectiveNamespace(id)}`;

export class ResMap {
  list: Resource[] = [];
  /** Keys of the current ids while resources are being added (cleared by {@link ResMap.changed}). */
  private keys?: Set<string>;

  append(res: Resource, file: string): void {
    const id = res.curId();
    this.keys ??= new Set(this.list.map((r) => idKey(r.curId())));
    const key = idKey(id);
    if (this.keys.has(key)) {
      throw new BuildRefusal([{ file, message: `may not add resource with an already registered id: ${idString(id)} (from ${res.file})` }]);
    }
    this.keys.add(key);
    this.list.push(res);
  }

  /** Transformers changed ids: the key cache is rebuilt on the next append. */
  changed(): void {
    this.keys = undefined;
  }

  appendAll(other: ResMap, file: string): void {
    for (const r of other.list) this.append(r, file);
  }

  /** Resources any of whose ids (current or previous) equals `id` (kustomize GetMatchingResourcesByAnyId). */
  byAnyId(id: ResId): Resource[] {
    return this.list.filter((r) => r.allIds().some((x) => idEquals(x, id)));
  }

  byCurrentId(id: ResId): Resource[] {
    return this.list.filter((r) => idEquals(r.curId(), id));
  }
}

const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
const TYPE_ORDER = new Map<string, number>([
  ...ORDER_FIRST.map((k, i) => [k, -ORDER_FIRST.length + i] as const),
  ...ORDER_LAST.map((k, i) => [k, 1 + i] as const),
]);

const gvkSortString = (g: Gvk): string => `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
const gvkString = (g: Gvk): string => `${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}`;
const idSortString = (id: ResId): string => `${gvkString(id)}|${id.namespace || '~X'}|${id.name || '~N'}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** kustomize's legacy order (SortOrderTransformer, `legacy`), which `kubectl kustomize` applies. */
export function legacyOrder(resources: Resource[]): Resource[] {
  const keyed = resources.map((r) => {
    const id = r.curId();
    return { r, id, order: TYPE_ORDER.get(id.kind) ?? 0, gvk: gvkSortString(id), sort: idSortString(id) };
  });
  keyed.sort((a, b) => {
    if (!sameGvk(a.id, b.id)) return a.order !== b.order ? a.order - b.order : cmp(a.gvk, b.gvk);
    return cmp(a.sort, b.sort);
  });
  return keyed.map((k) => k.r);
}

export { effectiveNamespace, isNamespaced };
