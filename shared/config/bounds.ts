/**
 * The operator's bounds (app settings, Bicep): what any environment may do, whoever wrote its definition.
 * A definition may narrow them, never widen them. Pure: checks an environment, returns the problems.
 */
import type { Environment } from './environment.ts';

/** Where Azure discovery may look: a whole subscription, or one resource group of it. */
export interface ClusterScope {
  subscription: string;
  /** Omitted: the whole subscription. */
  resourceGroup?: string;
}

/** What the operator allows; an omitted bound does not constrain (a laptop, where the person is the operator). */
export interface OperatorBounds {
  /** GITOPS_CLUSTER_SCOPES. */
  clusterScopes?: readonly ClusterScope[];
  /** GITOPS_API_SERVERS: the only static API servers the managed identity's token may go to. */
  apiServers?: readonly string[];
  /** GITOPS_REGISTRIES (lower-case hosts). */
  registries?: readonly string[];
  /** GITOPS_PRUNE_ALLOWED. */
  pruneAllowed?: boolean;
  /** GITOPS_PREVIEW_DRY_RUN_ALLOWED: pull-request previews may send a head's objects to live clusters (dry run). */
  previewDryRunAllowed?: boolean;
}

/** An API server URL as compared against the allow-list: lower-case scheme and host, no default port, no trailing slash. */
export function normalizeServer(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port && !(u.protocol === 'https:' && u.port === '443') ? `:${u.port}` : '';
    return `${u.protocol}//${u.hostname.toLowerCase()}${port}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

/** Whether the managed identity's token may be sent to this server: https, and on the operator's allow-list. */
export function tokenAllowedFor(server: string, apiServers: readonly string[] | undefined): boolean {
  if (!server.toLowerCase().startsWith('https://')) return false;
  const allowed = new Set((apiServers ?? []).map(normalizeServer));
  return allowed.has(normalizeServer(server));
}

/** Whether a cluster (subscription, resource group) lies inside the scopes; undefined scopes allow everything. */
export function inClusterScopes(scopes: readonly ClusterScope[] | undefined, subscription: string, resourceGroup: string): boolean {
  if (!scopes) return true;
  return scopes.some((s) => s.subscription.toLowerCase() === subscription.toLowerCase()
    && (s.resourceGroup === undefined || s.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()));
}

/** Every way an environment's definition goes beyond the bounds, each naming the key and the setting. */
export function boundsProblems(env: Environment, bounds: OperatorBounds): string[] {
  const problems: string[] = [];
  const at = `environments.${env.name}`;
  const azure = env.clusters.azure;
  if (azure && bounds.clusterScopes) {
    const scopes = bounds.clusterScopes.filter((s) => s.subscription.toLowerCase() === azure.subscription.toLowerCase());
    const whole = scopes.some((s) => s.resourceGroup === undefined);
    if (scopes.length === 0) {
      problems.push(`${at}.clusters.azure.subscription: ${azure.subscription} is not in GITOPS_CLUSTER_SCOPES`);
    } else if (!whole) {
      const groups = new Set(scopes.map((s) => s.resourceGroup!.toLowerCase()));
      if (azure.resourceGroups.length === 0) problems.push(`${at}.clusters.azure.resourceGroups: GITOPS_CLUSTER_SCOPES allows only resource groups ${[...groups].join(', ')} of ${azure.subscription}; name them`);
      for (const g of azure.resourceGroups) {
        if (!groups.has(g.toLowerCase())) problems.push(`${at}.clusters.azure.resourceGroups: ${g} is not in GITOPS_CLUSTER_SCOPES`);
      }
    }
  }
  for (const s of env.clusters.static) {
    if (s.auth === 'azure' && !tokenAllowedFor(s.server, bounds.apiServers)) {
      problems.push(`${at}.clusters.static.${s.name}: ${s.server} may not receive the managed identity's token (not an https server listed in GITOPS_API_SERVERS)`);
    }
  }
  if (bounds.registries) {
    const allowed = new Set(bounds.registries.map((r) => r.toLowerCase()));
    for (const r of env.registries) if (!allowed.has(r)) problems.push(`${at}.registries: ${r} is not in GITOPS_REGISTRIES`);
  }
  if (env.prune && bounds.pruneAllowed === false) problems.push(`${at}.prune: prune is not allowed (GITOPS_PRUNE_ALLOWED is false)`);
  if (env.previews && env.previews.dryRun !== 'none' && bounds.previewDryRunAllowed === false) {
    problems.push(`${at}.previews.dryRun: pull-request dry runs on live clusters are not allowed (GITOPS_PREVIEW_DRY_RUN_ALLOWED is false)`);
  }
  return problems;
}
