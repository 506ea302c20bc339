/**
 * Where an environment's state lives in a cluster: the name of its ConfigMap and Lease, and the namespace
 * created on a first sync. Apart from sync-state.ts so that the suspension (which writes into the same object)
 * and the sync state do not import each other.
 */
import { createHash } from 'node:crypto';
import { APPLY_PATCH, FIELD_MANAGER } from './apply.ts';
import type { KubeClient } from './kube-client.ts';

/** A Kubernetes-safe name for an environment's state ConfigMap and Lease. */
export function stateObjectName(environment: string): string {
  const clean = environment.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const exact = clean === environment;
  return `gitops-${clean || 'env'}${exact ? '' : `-${createHash('sha256').update(environment).digest('hex').slice(0, 8)}`}`;
}

/** Creates the state namespace when it is missing (server-side apply: a no-op when it exists). */
export async function ensureNamespace(client: KubeClient, namespace: string): Promise<void> {
  await client.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
    query: { fieldManager: FIELD_MANAGER, force: 'true' },
    contentType: APPLY_PATCH,
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  });
}
