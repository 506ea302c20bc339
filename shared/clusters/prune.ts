/**
 * Prune against a cluster: list the objects carrying a GC mark (label selector, every listable kind),
 * plan with {@link planPrune}, delete in reverse apply order (or only report, in a dry run).
 */
import { rankOfKind } from '../manifests/index.ts';
import { resourcePath, type ApiResource } from './api-discovery.ts';
import type { ClusterApi, ObjectOutcome } from './apply.ts';
import { GC_MARK_LABEL } from './gc-mark.ts';
import { KubeApiError } from './kube-client.ts';
import type { MarkedObject, PruneCandidate } from './plan-prune.ts';
import { mapBounded, runRanked } from './rank-scheduler.ts';

/** Kinds never listed for prune (Flux v1 skipped these too), keyed `<group>/<Kind>`. */
const NEVER_LISTED = new Set(['/ComponentStatus', '/Endpoints', '/Event', 'events.k8s.io/Event', 'discovery.k8s.io/EndpointSlice', 'coordination.k8s.io/Lease', 'metrics.k8s.io/PodMetrics', 'metrics.k8s.io/NodeMetrics']);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/**
 * The metadata of every object of one kind that carries a GC mark label, page by page. A kind we may not list
 * (RBAC) or that went away gives none, as Flux v1 skipped it: never a partial list.
 */
export async function listMarkedMetadata(api: ClusterApi, r: ApiResource): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    let res;
    try {
      res = await api.client.request({ method: 'GET', path: resourcePath(r, undefined), query: { labelSelector: GC_MARK_LABEL, limit: '500', continue: token } });
    } catch (err) {
      if (err instanceof KubeApiError && [403, 404, 405].includes(err.status)) return [];
      throw err;
    }
    for (const item of (res.body?.items ?? []) as Array<{ metadata?: Record<string, unknown> }>) out.push(item.metadata ?? {});
    token = typeof res.body?.metadata?.continue === 'string' && res.body.metadata.continue ? res.body.metadata.continue : undefined;
  } while (token);
  return out;
}

/** The marked objects of one kind that prune may consider (objects another object owns are left to it). */
async function listMarkedOf(api: ClusterApi, r: ApiResource): Promise<MarkedObject[]> {
  const out: MarkedObject[] = [];
  for (const meta of await listMarkedMetadata(api, r)) {
    if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) continue;
    const mark = stringMap(meta.labels)[GC_MARK_LABEL];
    if (!mark || typeof meta.name !== 'string') continue;
    out.push({
      apiVersion: r.apiVersion, kind: r.kind, name: meta.name,
      namespace: r.namespaced && typeof meta.namespace === 'string' ? meta.namespace : undefined,
      mark, annotations: stringMap(meta.annotations),
    });
  }
  return out;
}

/** Every object in the cluster that carries a GC mark label (any sync set's). */
export async function listMarkedObjects(api: ClusterApi, concurrency = 8): Promise<MarkedObject[]> {
  await api.discovery.load();
  const kinds = api.discovery.listable().filter((r) => !NEVER_LISTED.has(`${r.group}/${r.kind}`));
  return (await mapBounded(kinds, concurrency, (r) => listMarkedOf(api, r))).flat();
}

export interface DeleteOptions {
  dryRun?: boolean;
  concurrency?: number;
}

/** Deletes candidates in reverse apply order (highest rank first); a missing object counts as pruned. */
export async function deleteObjects(api: ClusterApi, candidates: readonly PruneCandidate[], options: DeleteOptions = {}): Promise<ObjectOutcome[]> {
  return runRanked(candidates, {
    rankOf: (c) => rankOfKind(c.kind),
    descending: true,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    run: async (c): Promise<ObjectOutcome> => {
      if (options.dryRun) return { id: c.id, action: 'pruned', step: 'prune', message: 'dry run: would be deleted' };
      try {
        const r = await api.discovery.resolve(c.apiVersion, c.kind);
        if (!r) return { id: c.id, action: 'failed', step: 'prune', message: `the cluster no longer serves ${c.kind} in ${c.apiVersion}` };
        await api.client.request({ method: 'DELETE', path: resourcePath(r, c.namespace, c.name), query: { propagationPolicy: 'Background' } });
        return { id: c.id, action: 'pruned', step: 'prune' };
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) return { id: c.id, action: 'pruned', step: 'prune', message: 'already gone' };
        return { id: c.id, action: 'failed', step: 'prune', message: err instanceof Error ? err.message : String(err), ...(err instanceof KubeApiError ? { status: err.status } : {}) };
      }
    },
  });
}
