/**
 * Rollout health in the cluster: the record a sync leaves beside its state (`health.json` in the
 * environment's state ConfigMap, written by its own field manager so a sync's state write never
 * removes it), and one check of the objects it waits for, costing one list per kind and namespace.
 */
import { healthRule, objectHealth, type Health } from '../health/object-health.ts';
import { APPLY_PATCH } from './apply.ts';
import { resourcePath } from './api-discovery.ts';
import type { ClusterConnection } from './cluster-target.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';
import { healthRecordSchema, type HealthRecord, type WatchedObject } from './health-record.ts';
import { stateObjectName } from './sync-state.ts';

export const HEALTH_FIELD_MANAGER = 'serverless-gitops-health';

export type { HealthRecord, WatchedObject } from './health-record.ts';

function path(namespace: string, environment: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${stateObjectName(environment)}`;
}

/** The environment's health record and the state ConfigMap's resourceVersion; undefined when there is no record (or it is unreadable). */
export async function readHealth(client: KubeClient, namespace: string, environment: string): Promise<{ health: HealthRecord; resourceVersion: string } | undefined> {
  let res;
  try {
    res = await client.request({ method: 'GET', path: path(namespace, environment) });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
  const text = (res.body?.data as Record<string, string> | undefined)?.['health.json'];
  if (text === undefined) return undefined;
  try {
    return { health: healthRecordSchema.parse(JSON.parse(text)), resourceVersion: String(res.body?.metadata?.resourceVersion ?? '') };
  } catch {
    return undefined;
  }
}

/**
 * Writes the record into the state ConfigMap (server-side apply of that one key, by its own field manager).
 * With `resourceVersion`, only if the ConfigMap has not changed since it was read (else 409 Conflict).
 */
export async function writeHealth(client: KubeClient, namespace: string, environment: string, health: HealthRecord, resourceVersion?: string): Promise<void> {
  await client.request({
    method: 'PATCH',
    path: path(namespace, environment),
    query: { fieldManager: HEALTH_FIELD_MANAGER, force: 'true' },
    contentType: APPLY_PATCH,
    body: {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: stateObjectName(environment), namespace, ...(resourceVersion ? { resourceVersion } : {}) },
      data: { 'health.json': JSON.stringify(health) },
    },
  });
}

/** Objects a sync should wait for: the kinds with a health rule (custom resources are kept until a check finds no Ready condition). */
export function watchable(objects: readonly WatchedObject[]): WatchedObject[] {
  return objects.filter((o) => healthRule(o.apiVersion, o.kind) !== undefined);
}

export interface HealthCheck {
  healthy: WatchedObject[];
  pending: { object: WatchedObject; health: Health }[];
  failed: { object: WatchedObject; reason: string }[];
  /** Custom resources without a Ready condition: no rule, not waited for. */
  untracked: WatchedObject[];
  /** List requests made. */
  lists: number;
}

/** Checks every object: one list per kind and namespace. A missing object has failed. */
export async function checkHealth(conn: ClusterConnection, objects: readonly WatchedObject[]): Promise<HealthCheck> {
  const groups = new Map<string, WatchedObject[]>();
  for (const o of objects) {
    const key = `${o.apiVersion}\0${o.kind}\0${o.namespace ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const out: HealthCheck = { healthy: [], pending: [], failed: [], untracked: [], lists: 0 };
  await Promise.all([...groups.values()].map(async (list) => {
    const { apiVersion, kind, namespace } = list[0]!;
    const resource = await conn.discovery.resolve(apiVersion, kind);
    if (!resource) {
      for (const object of list) out.failed.push({ object, reason: `${apiVersion} ${kind} is not served by the cluster` });
      return;
    }
    out.lists++;
    const res = await conn.client.request({ method: 'GET', path: resourcePath(resource, namespace) });
    const byName = new Map<string, Record<string, unknown>>();
    for (const item of (res.body?.items ?? []) as Record<string, any>[]) byName.set(item.metadata?.name, { ...item, apiVersion, kind });
    for (const object of list) {
      const live = byName.get(object.name);
      if (!live) {
        out.failed.push({ object, reason: 'not found in the cluster' });
        continue;
      }
      const health = objectHealth(live);
      if (!health) out.untracked.push(object);
      else if (health.status === 'current') out.healthy.push(object);
      else if (health.status === 'failed') out.failed.push({ object, reason: health.message });
      else out.pending.push({ object, health });
    }
  }));
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  out.failed.sort((a, b) => byId(a.object, b.object));
  out.pending.sort((a, b) => byId(a.object, b.object));
  return out;
}
