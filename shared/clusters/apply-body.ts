/**
 * The body we send for one object: the object as written in git, minus server-set fields, with the effective
 * namespace, the GC mark label and a checksum annotation. Built from plain JSON (no typed model), so
 * unknown fields are sent as written.
 */
import { createHash } from 'node:crypto';
import type { KubeObject, Resource } from '../manifests/index.ts';
import { CHECKSUM_ANNOTATION, GC_MARK_LABEL, gcMark } from './gc-mark.ts';

/** Metadata the API server sets; never sent. */
export const SERVER_SET_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;

export interface ApplyItem {
  id: string;
  resource: Resource;
  /** The apply-patch body (JSON, which is YAML). */
  body: KubeObject;
  /** Checksum of the applied content (stable over key order); also in the body's annotation. */
  checksum: string;
  /** `fluxcd.io/sync-gc-mark` value. */
  mark: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code units), so equal content gives equal text. Built by string
 * concatenation: every sync computes it for every object of the environment, on every cluster.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${value[i] === undefined ? 'null' : stableJson(value[i])}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stableJson(v)}`;
  }
  return `${out}}`;
}

/**
 * The object exactly as a sync applies it, before the ownership label (GC mark) and the checksum annotation
 * are added: server-set metadata and status removed, the effective namespace set (`gitops build`).
 */
export function appliedObject(resource: Resource): KubeObject {
  const object = structuredClone(resource.object) as KubeObject;
  const { status: _status, ...rest } = object;
  const metadata: Record<string, unknown> = { ...(object.metadata ?? {}) };
  for (const key of SERVER_SET_METADATA) delete metadata[key];
  if (resource.namespace) metadata.namespace = resource.namespace;
  else delete metadata.namespace;
  const annotations = metadata.annotations as Record<string, unknown> | undefined;
  if (annotations && Object.hasOwn(annotations, CHECKSUM_ANNOTATION)) {
    const { [CHECKSUM_ANNOTATION]: _checksum, ...others } = annotations;
    metadata.annotations = others;
  }
  return { ...rest, apiVersion: resource.apiVersion, kind: resource.kind, metadata: metadata as KubeObject['metadata'] };
}

/** Builds what is applied for a resource of a sync set. */
export function buildApplyItem(resource: Resource, setName: string): ApplyItem {
  const applied = appliedObject(resource);
  const mark = gcMark(setName, resource.id);
  const metadata = { ...applied.metadata, labels: { ...(applied.metadata?.labels as Record<string, unknown> | undefined), [GC_MARK_LABEL]: mark } } as Record<string, unknown>;
  const annotations = { ...(metadata.annotations as Record<string, unknown> | undefined) };
  const unsummed: KubeObject = { ...applied, metadata: { ...metadata, annotations } };
  const checksum = createHash('sha1').update(stableJson(unsummed)).digest('hex');
  const body: KubeObject = { ...unsummed, metadata: { ...metadata, annotations: { ...annotations, [CHECKSUM_ANNOTATION]: checksum } } };
  return { id: resource.id, resource, body, checksum, mark };
}

/**
 * Apply items by parsed object: with a ParseCache, every cluster job of one commit in a process sees the same
 * parsed objects, so each object's body and checksum are built once, not once per cluster. Owned by the
 * runtime; entries go when their parsed objects do (a WeakMap). Items are shared: never mutate a body.
 */
export class ApplyItemCache {
  private readonly byObject = new WeakMap<object, Map<string, Omit<ApplyItem, 'resource'>>>();
  /** The items of one rendered list under one sync set (the clusters of an environment share a render). */
  private readonly byList = new WeakMap<readonly Resource[], Map<string, readonly ApplyItem[]>>();

  /** The items of `resources` (one render's list, unchanged after rendering) under `setName`, built once per list. */
  items(resources: readonly Resource[], setName: string): readonly ApplyItem[] {
    let perList = this.byList.get(resources);
    const hit = perList?.get(setName);
    if (hit) return hit;
    const items = Object.freeze(resources.map((r) => this.build(r, setName)));
    if (!perList) this.byList.set(resources, (perList = new Map()));
    perList.set(setName, items);
    return items;
  }

  build(resource: Resource, setName: string): ApplyItem {
    const key = `${setName}\0${resource.id}\0${resource.apiVersion}`;
    let perObject = this.byObject.get(resource.object);
    const hit = perObject?.get(key);
    if (hit) return { ...hit, resource };
    const item = buildApplyItem(resource, setName);
    if (!perObject) this.byObject.set(resource.object, (perObject = new Map()));
    const { resource: _resource, ...shared } = item;
    perObject.set(key, shared);
    return item;
  }
}
