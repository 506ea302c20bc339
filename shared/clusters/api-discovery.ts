/**
 * What a cluster serves (discovery), cached per cluster: kind → resource name (plural), namespaced or not,
 * verbs. Used for request paths, for scope when rendering, and for the kinds prune lists.
 * A kind that is missing is looked up again (once per call) so CRDs installed since are found.
 */
import type { KubeClient } from './kube-client.ts';
import { KubeApiError } from './kube-client.ts';

export interface ApiResource {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  /** Resource name in paths, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
  verbs: readonly string[];
}

/** Path of a collection or of one object. */
export function resourcePath(r: ApiResource, namespace: string | undefined, name?: string): string {
  const root = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${r.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

interface GroupInfo {
  versions: string[];
  preferred: string;
}

/** One cluster's discovery cache (owned by the cluster connection). */
export class ApiDiscovery {
  private readonly client: KubeClient;
  private readonly byGroupVersion = new Map<string, ApiResource[]>();
  private groups = new Map<string, GroupInfo>();
  private loaded = false;

  constructor(client: KubeClient) {
    this.client = client;
  }

  /** Loads every served group version (once; `force` reloads everything). */
  async load(force = false): Promise<void> {
    if (this.loaded && !force) return;
    const [core, apis] = await Promise.all([
      this.client.request({ method: 'GET', path: '/api' }),
      this.client.request({ method: 'GET', path: '/apis' }),
    ]);
    const groups = new Map<string, GroupInfo>();
    groups.set('', { versions: (core.body?.versions as string[] | undefined) ?? ['v1'], preferred: 'v1' });
    for (const g of (apis.body?.groups ?? []) as Array<{ name: string; versions: Array<{ version: string }>; preferredVersion?: { version: string } }>) {
      const versions = g.versions.map((v) => v.version);
      groups.set(g.name, { versions, preferred: g.preferredVersion?.version ?? versions[0] ?? '' });
    }
    this.groups = groups;
    const gvs = [...groups].flatMap(([group, info]) => info.versions.map((v) => (group ? `${group}/${v}` : v)));
    await Promise.all(gvs.map((gv) => this.refresh(gv)));
    this.loaded = true;
  }

  /** Re-reads one group version; it is forgotten when the cluster no longer serves it. */
  async refresh(apiVersion: string): Promise<void> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    try {
      const res = await this.client.request({ method: 'GET', path });
      const list = (res.body?.resources ?? []) as Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
      this.byGroupVersion.set(apiVersion, list
        .filter((r) => !r.name.includes('/'))
        .map((r) => ({ apiVersion, group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] })));
      const info = this.groups.get(group);
      if (!info) this.groups.set(group, { versions: [version], preferred: version });
      else if (!info.versions.includes(version)) info.versions.push(version);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) { this.byGroupVersion.delete(apiVersion); return; }
      throw err;
    }
  }

  /** The cached resource for a kind, or undefined. */
  resource(apiVersion: string, kind: string): ApiResource | undefined {
    return this.byGroupVersion.get(apiVersion)?.find((r) => r.kind === kind);
  }

  /** The resource for a kind, re-reading its group version once when it is not cached. */
  async resolve(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const cached = this.resource(apiVersion, kind);
    if (cached) return cached;
    await this.refresh(apiVersion);
    return this.resource(apiVersion, kind);
  }

  /** Scope as the manifest loader asks for it (cache only). */
  scopeOf = (apiVersion: string, kind: string): 'Namespaced' | 'Cluster' | undefined => {
    const r = this.resource(apiVersion, kind);
    return r ? (r.namespaced ? 'Namespaced' : 'Cluster') : undefined;
  };

  /** One resource per group and kind (the preferred version when it serves the kind) that can be listed and deleted. */
  listable(): ApiResource[] {
    const out = new Map<string, ApiResource>();
    for (const [group, info] of this.groups) {
      const order = [info.preferred, ...info.versions.filter((v) => v !== info.preferred)];
      for (const v of order) {
        for (const r of this.byGroupVersion.get(group ? `${group}/${v}` : v) ?? []) {
          const key = `${group}/${r.kind}`;
          if (!out.has(key) && r.verbs.includes('list') && r.verbs.includes('delete')) out.set(key, r);
        }
      }
    }
    return [...out.values()];
  }
}
