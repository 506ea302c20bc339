/**
 * Maps a request path to what it addresses: a discovery document or a resource
 * (group-version, plural, namespace, name, subresource), as the real API paths are laid out.
 */
import type { Registry } from './registry.ts';

/** What a path addresses. */
export type Route =
  | { kind: 'version' | 'api' | 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'resource'; group: string; version: string; plural: string; namespace?: string; name?: string; subresource?: string }
  | { kind: 'unknown' };

/** Routes a path (without query) against the types the registry serves. */
export function route(path: string, registry: Registry): Route {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segs.length === 1 && segs[0] === 'version') return { kind: 'version' };
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'api' };
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { kind: 'apis' };
    group = segs[1]!;
    if (segs.length === 2) return { kind: 'group', group };
    version = segs[2];
    rest = segs.slice(3);
  } else return { kind: 'unknown' };
  if (!version) return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'resourceList', group, version };
  const gv = group ? `${group}/${version}` : version;
  if (rest[0] === 'namespaces' && rest.length >= 3 && registry.byResource(gv, rest[2]!)?.namespaced) {
    if (rest.length > 5) return { kind: 'unknown' };
    return { kind: 'resource', group, version, namespace: rest[1], plural: rest[2]!, name: rest[3], subresource: rest[4] };
  }
  if (rest.length > 3) return { kind: 'unknown' };
  return { kind: 'resource', group, version, plural: rest[0]!, name: rest[1], subresource: rest[2] };
}

/** The Kubernetes verb of a request (for counts): get, list, watch, create, update, patch, apply, delete, deletecollection. */
export function verbOf(method: string, r: Route, contentType: string, watch: boolean): string {
  if (r.kind !== 'resource') return 'discovery';
  const named = r.name !== undefined;
  switch (method) {
    case 'GET': return watch ? 'watch' : named ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return contentType.startsWith('application/apply-patch') ? 'apply' : 'patch';
    case 'DELETE': return named ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}
