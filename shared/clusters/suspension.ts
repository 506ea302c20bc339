/**
 * Suspension of an environment on a cluster (`gitops suspend` / `resume`, like `flux suspend`): keys in the
 * environment's sync state ConfigMap, written by server-side apply under their own field manager. The sync's
 * state writes (another manager) never remove them, and the sync reads them with the state: no extra request.
 * The app and the CLI both see it, and a person can read it with kubectl.
 */
import { z } from 'zod';
import { APPLY_PATCH } from './apply.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';
import { ensureNamespace, stateObjectName } from './state-object.ts';

/** The field manager of suspension keys (distinct from the sync's, so a state write keeps them). */
export const SUSPEND_FIELD_MANAGER = 'serverless-gitops-suspend';

export interface Suspension {
  reason: string;
  /** Who suspended (free text: user@host). */
  by: string;
  /** ISO time. */
  at: string;
}

const KEYS = { reason: 'suspended.reason', by: 'suspended.by', at: 'suspended.at' } as const;
/** Built once: building a zod object schema costs about 0.25 ms, and every sync reads its state. */
const suspensionData = z.object({ [KEYS.reason]: z.string(), [KEYS.by]: z.string().optional(), [KEYS.at]: z.string().optional() });
const MAX_REASON = 500;

/** The suspension recorded in a state ConfigMap's data; undefined when not suspended. */
export function suspensionFromData(data: Record<string, unknown>): Suspension | undefined {
  const parsed = suspensionData.safeParse(data);
  if (!parsed.success) return undefined;
  const d = parsed.data as Record<string, string | undefined>;
  return { reason: d[KEYS.reason]!, by: d[KEYS.by] ?? '', at: d[KEYS.at] ?? '' };
}

function path(namespace: string, environment: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${stateObjectName(environment)}`;
}

function body(namespace: string, environment: string, data: Record<string, string> | undefined): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: stateObjectName(environment), namespace, labels: { 'app.kubernetes.io/managed-by': 'serverless-gitops' } },
    ...(data ? { data } : {}),
  };
}

/** Suspends an environment on a cluster (creating the state namespace and ConfigMap when missing). */
export async function writeSuspension(client: KubeClient, namespace: string, environment: string, s: Suspension): Promise<void> {
  if (!s.reason.trim()) throw new Error('a suspension needs a reason');
  const data = { [KEYS.reason]: s.reason.slice(0, MAX_REASON), [KEYS.by]: s.by.slice(0, 200), [KEYS.at]: s.at };
  const apply = () => client.request({ method: 'PATCH', path: path(namespace, environment), query: { fieldManager: SUSPEND_FIELD_MANAGER, force: 'true' }, contentType: APPLY_PATCH, body: body(namespace, environment, data) });
  try {
    await apply();
  } catch (err) {
    if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    await ensureNamespace(client, namespace);
    await apply();
  }
}

/**
 * Resumes: the suspend manager applies the ConfigMap without its keys, so server-side apply removes them
 * (the sync's keys are another manager's and stay). Returns false (and writes nothing) when it was not suspended.
 */
export async function clearSuspension(client: KubeClient, namespace: string, environment: string): Promise<boolean> {
  let data: Record<string, unknown>;
  try {
    data = ((await client.request({ method: 'GET', path: path(namespace, environment) })).body?.data ?? {}) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return false;
    throw err;
  }
  if (!suspensionFromData(data)) return false;
  await client.request({ method: 'PATCH', path: path(namespace, environment), query: { fieldManager: SUSPEND_FIELD_MANAGER, force: 'true' }, contentType: APPLY_PATCH, body: body(namespace, environment, undefined) });
  return true;
}
