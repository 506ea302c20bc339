/**
 * Object storage: per resource (group + plural, all versions share it), per namespace, by name,
 * so get/put/delete are O(1) and a namespaced list touches only its namespace. One monotonic
 * resourceVersion counter for the whole server, like etcd's revision.
 */

type Obj = Record<string, any>;

/** In-memory objects keyed by resource, namespace ('' for cluster-scoped) and name. */
export class Store {
  private revision = 0;
  private readonly data = new Map<string, Map<string, Map<string, Obj>>>();

  /** The next resourceVersion (strictly increasing). */
  nextResourceVersion(): string {
    return String(++this.revision);
  }

  /** The latest resourceVersion handed out (list metadata.resourceVersion). */
  currentResourceVersion(): string {
    return String(this.revision);
  }

  get(resource: string, namespace: string, name: string): Obj | undefined {
    return this.data.get(resource)?.get(namespace)?.get(name);
  }

  set(resource: string, namespace: string, name: string, obj: Obj): void {
    let byNs = this.data.get(resource);
    if (!byNs) this.data.set(resource, (byNs = new Map()));
    let byName = byNs.get(namespace);
    if (!byName) byNs.set(namespace, (byName = new Map()));
    byName.set(name, obj);
  }

  delete(resource: string, namespace: string, name: string): boolean {
    const byName = this.data.get(resource)?.get(namespace);
    return byName?.delete(name) ?? false;
  }

  /** Objects of a resource, in one namespace or (undefined) all, sorted by namespace then name like etcd keys. */
  list(resource: string, namespace?: string): Obj[] {
    const byNs = this.data.get(resource);
    if (!byNs) return [];
    const namespaces = namespace === undefined ? [...byNs.keys()].sort() : [namespace];
    const out: Obj[] = [];
    for (const ns of namespaces) {
      const byName = byNs.get(ns);
      if (!byName) continue;
      for (const name of [...byName.keys()].sort()) out.push(byName.get(name)!);
    }
    return out;
  }

  /** Every resource key that holds objects. */
  resources(): string[] {
    return [...this.data.keys()];
  }

  /** Drops every object of a resource in one namespace (namespace deletion), or all of them. */
  clear(resource: string, namespace?: string): void {
    if (namespace === undefined) this.data.delete(resource);
    else this.data.get(resource)?.delete(namespace);
  }
}
