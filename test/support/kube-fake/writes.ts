/**
 * Writes: create (POST), update (PUT), server-side apply and the other patch types (PATCH).
 * Each one prunes or rejects unknown fields, keeps server-set fields, records field ownership,
 * validates against the schema, and stores with a new resourceVersion.
 */
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { recordUpdate, serverSideApply, timestamp } from './apply.ts';
import { Cluster, resourceKey, withNamespaceDefaults } from './cluster.ts';
import { stable, stableEqualExcept } from './managed-fields.ts';
import { groupVersion, type ResourceType } from './registry.ts';
import { findUnknown, isObject, pruneUnknown } from './shapes.ts';
import { alreadyExists, badRequest, invalid, KubeError, staleConflict } from './status.ts';
import { validateObject } from './validation.ts';

type Obj = Record<string, any>;

/** One write request, already routed. */
export interface WriteRequest {
  type: ResourceType;
  namespace: string;
  name?: string;
  body: string;
  contentType: string;
  query: URLSearchParams;
  userAgent: string;
}

/** The answer to a write: HTTP code, body and Warning headers. */
export interface WriteResult {
  code: number;
  body: Obj;
  warnings: string[];
}

/** How SSA treats unknown fields: `reject` as a real server (500 "field not declared in schema"), or `prune` per fieldValidation. */
export type SsaUnknownFields = 'reject' | 'prune';

const SERVER_META = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

function parseJson(body: string): Obj {
  let v: unknown;
  try { v = JSON.parse(body); } catch (e) { throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${(e as Error).message})`); }
  if (!isObject(v)) throw badRequest('the body of the request must be a JSON object');
  return v;
}

function directive(q: URLSearchParams): 'Ignore' | 'Warn' | 'Strict' {
  const v = q.get('fieldValidation') ?? 'Warn';
  if (v !== 'Ignore' && v !== 'Warn' && v !== 'Strict') throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
  return v;
}

function gvk(t: ResourceType): string {
  return `${t.group}/${t.version}, Kind=${t.kind}`;
}

/** Prunes unknown fields per fieldValidation: Ignore drops, Warn drops with a warning, Strict answers 400. */
function unknownFields(cluster: Cluster, t: ResourceType, obj: Obj, q: URLSearchParams, warnings: string[]): Obj {
  const found: string[] = [];
  const pruned = pruneUnknown(obj, cluster.shape(t), found) as Obj;
  if (!found.length) return pruned;
  const d = directive(q);
  const list = found.map((f) => `unknown field "${f}"`);
  if (d === 'Strict') {
    const prefix = t.crd ? '' : `${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: `;
    throw badRequest(`${prefix}strict decoding error: ${list.join(', ')}`);
  }
  if (d === 'Warn') warnings.push(...list);
  return pruned;
}

function checkTypeMeta(t: ResourceType, obj: Obj, apply: boolean): void {
  const gv = groupVersion(t.group, t.version);
  if (apply && obj.apiVersion !== gv) throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${obj.apiVersion ?? ''}, expected: ${gv}`);
  if (apply && obj.kind !== t.kind) throw badRequest(`Incorrect kind specified in apply patch. Specified patch kind: ${obj.kind ?? ''}, expected: ${t.kind}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
  if (obj.kind !== undefined && obj.kind !== t.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${t.kind})`);
}

function checkMeta(t: ResourceType, obj: Obj, req: WriteRequest): void {
  obj.metadata = isObject(obj.metadata) ? { ...obj.metadata } : {};
  const meta = obj.metadata;
  if (t.namespaced) {
    if (meta.namespace && meta.namespace !== req.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    meta.namespace = req.namespace;
  } else delete meta.namespace;
  if (req.name !== undefined && meta.name !== undefined && meta.name !== req.name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${req.name})`);
  }
  if (req.name !== undefined) meta.name = req.name;
}

/** Whether `a` and `b` differ outside metadata and status (what bumps generation). */
function specChanged(a: Obj, b: Obj): boolean {
  return !stableEqualExcept(a, b, ['metadata', 'status']);
}

/** Whether `a` and `b` are the same object but for metadata.resourceVersion (key order aside). */
function sameExceptVersion(a: Obj, b: Obj): boolean {
  if (!isObject(a.metadata) || !isObject(b.metadata)) {
    const strip = (o: Obj) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
    return stable(strip(a)) === stable(strip(b));
  }
  return stableEqualExcept(a, b, ['metadata']) && stableEqualExcept(a.metadata, b.metadata, ['resourceVersion']);
}

/** Keeps server-set fields of `existing` (or sets them on create), status of status-subresource kinds, and bumps generation. */
function serverFields(t: ResourceType, next: Obj, existing: Obj | undefined): Obj {
  const out: Obj = { ...next, metadata: { ...next.metadata } };
  const meta = out.metadata;
  for (const k of SERVER_META) if (k !== 'managedFields') delete meta[k];
  if (existing) {
    for (const k of SERVER_META) if (k !== 'managedFields' && existing.metadata[k] !== undefined) meta[k] = existing.metadata[k];
    if (t.statusSubresource) { if (existing.status === undefined) delete out.status; else out.status = existing.status; }
    if (t.generation && specChanged(out, existing)) meta.generation = (existing.metadata.generation ?? 0) + 1;
  } else {
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    if (t.generation) meta.generation = 1;
    if (t.statusSubresource) delete out.status;
    if (t.kind === 'Namespace' && !t.group) return withNamespaceDefaults(out);
  }
  return out;
}

/**
 * `dryRun` as the API server validates it (`ValidateDryRun`): only `All` is supported; anything else is a 422
 * on the request's options kind, before the body is looked at.
 */
export function checkDryRun(q: URLSearchParams, optionsKind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions' | 'DeleteOptions'): boolean {
  const values = q.getAll('dryRun');
  if (values.length === 0) return false;
  if (values.some((v) => v !== 'All')) {
    throw invalid(optionsKind, 'meta.k8s.io', '', [{ reason: 'FieldValueNotSupported', message: `Unsupported value: []string{${values.map((v) => JSON.stringify(v)).join(', ')}}: supported values: "All"`, field: 'dryRun' }]);
  }
  return true;
}

function manager(req: WriteRequest): string {
  return req.query.get('fieldManager') || req.userAgent.split('/')[0] || 'unknown';
}

function finish(cluster: Cluster, req: WriteRequest, next: Obj, existing: Obj | undefined, warnings: string[]): WriteResult {
  const t = req.type;
  validateObject(t, next);
  const dryRun = req.query.get('dryRun') === 'All';
  if (existing && sameExceptVersion(next, existing)) return { code: 200, body: existing, warnings };
  if (existing?.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
    if (!dryRun) cluster.remove(t, existing);
    return { code: 200, body: next, warnings };
  }
  const body = dryRun ? next : cluster.save(t, next);
  return { code: existing ? 200 : 201, body, warnings };
}

/** POST: creates; 409 AlreadyExists when the name is taken. */
export function create(cluster: Cluster, req: WriteRequest): WriteResult {
  const t = req.type;
  checkDryRun(req.query, 'CreateOptions');
  const warnings: string[] = [];
  let obj = parseJson(req.body);
  checkTypeMeta(t, obj, false);
  obj = { ...obj, apiVersion: groupVersion(t.group, t.version), kind: t.kind };
  checkMeta(t, obj, req);
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomUUID().replace(/-/g, '').slice(0, 5);
  cluster.requireNamespace(t, req.namespace);
  obj = unknownFields(cluster, t, obj, req.query, warnings);
  if (cluster.store.get(resourceKey(t), t.namespaced ? req.namespace : '', obj.metadata.name ?? '')) throw alreadyExists(t.plural, t.group, obj.metadata.name);
  delete obj.metadata.managedFields;
  const next = serverFields(t, obj, undefined);
  const { object } = recordUpdate(undefined, next, cluster.shape(t), { manager: manager(req), apiVersion: obj.apiVersion, omitStatus: t.statusSubresource, now: timestamp() });
  return finish(cluster, req, object, undefined, warnings);
}

function checkVersion(t: ResourceType, obj: Obj, existing: Obj): void {
  const rv = obj.metadata?.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== existing.metadata.resourceVersion) throw staleConflict(t.plural, t.group, existing.metadata.name);
}

/** PUT: replaces; 409 Conflict when metadata.resourceVersion is stale (no resourceVersion: unconditional). */
export function update(cluster: Cluster, req: WriteRequest, parsed?: Obj): WriteResult {
  const t = req.type;
  checkDryRun(req.query, parsed ? 'PatchOptions' : 'UpdateOptions');
  const warnings: string[] = [];
  let obj = parsed ?? parseJson(req.body);
  checkTypeMeta(t, obj, false);
  obj = { ...obj, apiVersion: groupVersion(t.group, t.version), kind: t.kind };
  checkMeta(t, obj, req);
  cluster.requireNamespace(t, req.namespace);
  const existing = cluster.read(t, req.namespace, req.name!);
  checkVersion(t, obj, existing);
  obj = unknownFields(cluster, t, obj, req.query, warnings);
  obj.metadata.managedFields = existing.metadata.managedFields;
  const next = serverFields(t, obj, existing);
  const { object } = recordUpdate(existing, next, cluster.shape(t), { manager: manager(req), apiVersion: obj.apiVersion, omitStatus: t.statusSubresource, now: timestamp() });
  return finish(cluster, req, object, existing, warnings);
}

/** PATCH with `application/apply-patch+yaml`: server-side apply (create or merge) by `fieldManager`. */
export function apply(cluster: Cluster, req: WriteRequest, ssaUnknown: SsaUnknownFields): WriteResult {
  const t = req.type;
  const warnings: string[] = [];
  checkDryRun(req.query, 'PatchOptions');
  const fm = req.query.get('fieldManager');
  if (!fm) throw invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }]);
  let config: unknown;
  // A JSON body (what clients send: JSON is YAML) is read with JSON.parse, which gives the same object far
  // faster than the YAML parser; anything else is YAML 1.1, as the API server reads it.
  config = jsonObject(req.body);
  if (config === undefined) {
    try { config = parseYaml(req.body, { version: '1.1' }); } catch (e) { throw badRequest(`error decoding YAML: ${(e as Error).message}`); }
  }
  if (!isObject(config)) throw badRequest('error decoding YAML: the apply patch must be an object');
  let obj: Obj = { ...config };
  checkTypeMeta(t, obj, true);
  checkMeta(t, obj, req);
  cluster.requireNamespace(t, req.namespace);
  if (ssaUnknown === 'reject') {
    const found: string[] = [];
    findUnknown(obj, cluster.shape(t), found);
    if (found.length) {
      const where = `${t.namespaced ? req.namespace : ''}/${req.name}; ${gvk(t)}`;
      throw new KubeError(500, undefined, `failed to create typed patch object (${where}): ${found.map((f) => `.${f}: field not declared in schema`).join('\n')}`);
    }
  } else obj = unknownFields(cluster, t, obj, req.query, warnings);
  const key = resourceKey(t);
  const existing = cluster.store.get(key, t.namespaced ? req.namespace : '', req.name!);
  if (existing) checkVersion(t, obj, existing);
  for (const k of SERVER_META) delete obj.metadata[k];
  if (t.statusSubresource) delete obj.status;
  const force = req.query.get('force') === 'true';
  const { object } = serverSideApply(existing, obj, cluster.shape(t), { manager: fm, force, apiVersion: obj.apiVersion, omitStatus: t.statusSubresource, now: timestamp() });
  return finish(cluster, req, serverFields(t, object, existing), existing, warnings);
}

/** The body as a JSON object, or undefined when it is not one (then it is read as YAML). */
function jsonObject(body: string): Obj | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Obj = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function jsonPatch(doc: Obj, ops: unknown): Obj {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  const out = structuredClone(doc);
  for (const op of ops as Obj[]) {
    const segs = String(op.path ?? '').split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = segs.pop()!;
    let parent: any = out;
    for (const s of segs) parent = parent?.[s];
    if (parent === undefined || parent === null) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: missing path ${op.path}`);
    const arrayIndex = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : undefined;
    if (op.op === 'test') { if (stable(parent[last]) !== stable(op.value)) throw new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: test failed at ${op.path}`); }
    else if (op.op === 'remove') { if (arrayIndex !== undefined) parent.splice(arrayIndex, 1); else delete parent[last]; }
    else if (op.op === 'add' && arrayIndex !== undefined) parent.splice(arrayIndex, 0, op.value);
    else if (op.op === 'add' || op.op === 'replace') parent[last] = op.value;
    else throw badRequest(`json patch op ${String(op.op)} is not supported by kube-fake`);
  }
  return out;
}

/** PATCH with merge-patch, strategic-merge-patch (treated as merge patch) or json-patch. */
export function patch(cluster: Cluster, req: WriteRequest): WriteResult {
  const t = req.type;
  checkDryRun(req.query, 'PatchOptions');
  if (req.query.get('force') !== null) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }]);
  }
  if (req.contentType.startsWith('application/strategic-merge-patch+json') && t.crd) {
    throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
  cluster.requireNamespace(t, req.namespace);
  const existing = cluster.read(t, req.namespace, req.name!);
  let body: unknown;
  try { body = JSON.parse(req.body); } catch { throw badRequest('error decoding patch: invalid JSON'); }
  const next = req.contentType.startsWith('application/json-patch+json') ? jsonPatch(existing, body) : (mergePatch(existing, body) as Obj);
  if (!isObject(next.metadata)) throw badRequest('the patch removed metadata');
  if (next.metadata.resourceVersion === existing.metadata.resourceVersion) delete next.metadata.resourceVersion;
  return update(cluster, req, next);
}

