/**
 * Discovery documents (`/version`, `/api`, `/apis`, `/apis/<group>`, APIResourceList) and the
 * meta.k8s.io Table that kubectl asks for when it prints `get` output.
 */
import { groupVersion, type Registry, type ResourceType } from './registry.ts';

/** `/version`: the Kubernetes version the fake claims to be. */
export function versionInfo(gitVersion: string): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1', minor: m?.[2] ?? '34', gitVersion, gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.24.0', compiler: 'gc', platform: 'linux/amd64',
  };
}

/** `/api`: the core group's versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groups(registry: Registry): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const gv of registry.groupVersions()) {
    const i = gv.indexOf('/');
    if (i < 0) continue;
    const g = gv.slice(0, i);
    out.set(g, [...(out.get(g) ?? []), gv.slice(i + 1)]);
  }
  return out;
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const vs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** `/apis`: every served group (built-in and from Established CRDs). */
export function apiGroupList(registry: Registry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups(registry)].map(([g, vs]) => apiGroup(g, vs)) };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroupDoc(registry: Registry, group: string): Record<string, unknown> | undefined {
  const vs = groups(registry).get(group);
  return vs ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, vs) } : undefined;
}

function apiResource(t: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
  if (t.shortNames) r.shortNames = t.shortNames;
  if (t.categories) r.categories = t.categories;
  return r;
}

/** `/api/v1` or `/apis/<group>/<version>`: the APIResourceList, or undefined when not served. */
export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const gv = groupVersion(group, version);
  const types = registry.resources(gv);
  if (!types.length) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: types.map(apiResource) };
}

function age(created: string | undefined, now: number): string {
  const s = created ? Math.max(0, Math.floor((now - Date.parse(created)) / 1000)) : 0;
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** A Table with Name and Age columns; rows carry PartialObjectMetadata (kubectl uses it for the namespace column). */
export function toTable(items: Array<Record<string, any>>, resourceVersion: string, continueToken?: string): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Time since the object was created.', priority: 0 },
    ],
    rows: items.map((o) => ({
      cells: [o.metadata?.name, age(o.metadata?.creationTimestamp, now)],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
