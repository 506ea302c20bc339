/**
 * Answers one routed request: discovery documents, reads, lists (as Table for kubectl), and
 * the writes. Pure over the cluster state; HTTP, auth and faults are the server's business.
 */
import type { Cluster } from './cluster.ts';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, toTable, versionInfo } from './discovery.ts';
import { goType, negotiate, presentList, presentObject } from './media.ts';
import { groupVersion } from './registry.ts';
import type { Route } from './routing.ts';
import { KubeError, methodNotAllowed, success } from './status.ts';
import { apply, checkDryRun, create, patch, update, type SsaUnknownFields, type WriteRequest } from './writes.ts';

/** A request as the dispatcher needs it. */
export interface Request {
  method: string;
  route: Route;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  host: string;
}

/** A response: code, JSON body, extra headers. */
export interface Response {
  code: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}

/** Settings that shape answers. */
export interface DispatchSettings {
  gitVersion: string;
  ssaUnknownFields: SsaUnknownFields;
}

const NOT_FOUND = () => new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});

function header(req: Request, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Answers one request (throws KubeError for Status answers). */
export function dispatch(cluster: Cluster, req: Request, settings: DispatchSettings): Response {
  const r = req.route;
  const get = (body: unknown): Response => {
    if (req.method !== 'GET') throw methodNotAllowed();
    if (body === undefined) throw NOT_FOUND();
    return { code: 200, body };
  };
  switch (r.kind) {
    case 'version': return get(versionInfo(settings.gitVersion));
    case 'api': return get(apiVersions(req.host));
    case 'apis': return get(apiGroupList(cluster.registry));
    case 'group': return get(apiGroupDoc(cluster.registry, r.group));
    case 'resourceList': return get(apiResourceList(cluster.registry, r.group, r.version));
    case 'unknown': throw NOT_FOUND();
    case 'resource': break;
  }
  const t = cluster.registry.byResource(groupVersion(r.group, r.version), r.plural);
  if (!t || r.subresource !== undefined) throw NOT_FOUND();
  const namespace = r.namespace ?? '';
  if (t.namespaced && r.namespace === undefined && (req.method !== 'GET' || r.name !== undefined)) throw NOT_FOUND();
  const contentType = header(req, 'content-type');
  const write: WriteRequest = { type: t, namespace, name: r.name, body: req.body, contentType, query: req.query, userAgent: header(req, 'user-agent') };
  // Every answer that carries objects takes the form Accept negotiates (JSON, Table, PartialObjectMetadata).
  const form = negotiate(header(req, 'accept'));
  const apiVersion = groupVersion(t.group, t.version);
  const one = (body: unknown): unknown => {
    const obj = body as Record<string, any>;
    if (obj?.kind === 'Status') return body;
    return presentObject(obj, form, goType(t.kind, apiVersion, !t.crd, false), (items) => toTable(items, obj.metadata?.resourceVersion ?? ''));
  };
  const withWarnings = (w: { code: number; body: unknown; warnings: string[] }): Response => ({
    code: w.code, body: one(w.body),
    headers: w.warnings.length ? { Warning: w.warnings.map((m) => `299 - ${JSON.stringify(m)}`) } : {},
  });
  switch (req.method) {
    case 'GET': {
      if (req.query.get('watch') === 'true' || req.query.get('watch') === '1') throw methodNotAllowed('watch is not supported by kube-fake');
      if (r.name !== undefined) return { code: 200, body: one(cluster.read(t, namespace, r.name)) };
      const limit = Number(req.query.get('limit') ?? 0) || undefined;
      const list = cluster.list(t, r.namespace, { labelSelector: req.query.get('labelSelector'), fieldSelector: req.query.get('fieldSelector'), limit, continue: req.query.get('continue') });
      return { code: 200, body: presentList(list, form, goType(t.kind, apiVersion, !t.crd, true), (items) => toTable(items, list.metadata.resourceVersion, list.metadata.continue)) };
    }
    case 'POST':
      if (r.name !== undefined) throw methodNotAllowed();
      return withWarnings(create(cluster, write));
    case 'PUT':
      if (r.name === undefined) throw methodNotAllowed();
      return withWarnings(update(cluster, write));
    case 'PATCH':
      if (r.name === undefined) throw methodNotAllowed();
      if (contentType.startsWith('application/apply-patch+yaml') || contentType.startsWith('application/apply-patch+cbor')) {
        return withWarnings(apply(cluster, write, settings.ssaUnknownFields));
      }
      if (/^application\/(merge-patch|strategic-merge-patch|json-patch)\+json/.test(contentType)) return withWarnings(patch(cluster, write));
      throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    case 'DELETE': {
      let body: Record<string, any> | undefined;
      if (req.body.trim()) { try { body = JSON.parse(req.body); } catch { body = undefined; } }
      const dryRun = checkDryRun(req.query, 'DeleteOptions') || (Array.isArray(body?.dryRun) && body.dryRun.includes('All'));
      if (r.name !== undefined) {
        const deleted = cluster.delete(t, namespace, r.name, body, dryRun);
        return { ...deleted, body: one(deleted.body) };
      }
      const list = cluster.list(t, r.namespace, { labelSelector: req.query.get('labelSelector'), fieldSelector: req.query.get('fieldSelector') });
      for (const o of list.items) cluster.delete(t, o.metadata.namespace ?? '', o.metadata.name, body, dryRun);
      return { code: 200, body: success({ group: t.group || undefined, kind: t.plural }) };
    }
    default:
      throw methodNotAllowed();
  }
}
