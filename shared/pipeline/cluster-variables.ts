/**
 * Reads an environment's per-cluster variables from the ConfigMap its gitops.yaml names, in one cluster, with
 * that cluster's credentials. A missing ConfigMap or key, or a value that does not parse, is an outcome that
 * fails that cluster's sync with a status naming it; transient API failures throw (the job is retried).
 * Values never appear in messages.
 */
import type { VariablesSource } from '../config/index.ts';
import { KubeApiError, type KubeClient } from '../clusters/kube-client.ts';
import { isVariableName, parseVariableLines } from '../build/variables.ts';

/** Most variables one ConfigMap may define. */
export const MAX_VARIABLES = 1000;

export type ClusterVariables =
  | { ok: true; variables: Map<string, string>; source: string }
  | { ok: false; source: string; message: string };

/** `ConfigMap <namespace>/<name>[ key <key>]`, for messages. */
export function describeVariablesSource(source: VariablesSource): string {
  const { namespace, name, key } = source.configMap;
  return `ConfigMap ${namespace}/${name}${key ? ` key ${key}` : ''}`;
}

/** Reads and parses the variables of one cluster. */
export async function readClusterVariables(client: KubeClient, source: VariablesSource): Promise<ClusterVariables> {
  const { namespace, name, key } = source.configMap;
  const where = describeVariablesSource(source);
  let data: unknown;
  try {
    const res = await client.request({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}` });
    data = (res.body as { data?: unknown } | undefined)?.data ?? {};
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 404 || err.status === 403)) {
      const why = err.status === 404 ? 'does not exist' : 'cannot be read with this cluster\'s credentials (403)';
      return { ok: false, source: where, message: `variables: ${where} ${why} in cluster ${client.cluster}` };
    }
    throw new Error(`failed to read the variables (${where}) in cluster ${client.cluster}`, { cause: err });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, source: where, message: `variables: ${where}: data is not a mapping` };
  const entries = data as Record<string, unknown>;
  if (key !== undefined) {
    const value = entries[key];
    if (typeof value !== 'string') return { ok: false, source: where, message: `variables: ${where}: the ConfigMap has no key ${key} in cluster ${client.cluster}` };
    const parsed = parseVariableLines(value);
    if (!parsed.ok) return { ok: false, source: where, message: `variables: ${where} does not parse as "name: value" lines: ${parsed.message}` };
    if (parsed.variables.size > MAX_VARIABLES) return { ok: false, source: where, message: `variables: ${where} defines more than ${MAX_VARIABLES} variables` };
    return { ok: true, variables: parsed.variables, source: where };
  }
  const variables = new Map<string, string>();
  for (const [k, v] of Object.entries(entries)) {
    if (!isVariableName(k) || typeof v !== 'string') return { ok: false, source: where, message: `variables: ${where}: data key ${JSON.stringify(k).slice(0, 80)} is not a variable name (letters, digits and _)` };
    variables.set(k, v);
  }
  if (variables.size > MAX_VARIABLES) return { ok: false, source: where, message: `variables: ${where} defines more than ${MAX_VARIABLES} variables` };
  return { ok: true, variables, source: where };
}
