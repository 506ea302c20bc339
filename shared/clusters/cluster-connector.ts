/**
 * Finds an environment's clusters (Azure, kubeconfig contexts, a static list) and connects to them. Every
 * connection gets its own KubeConfig holding only that cluster and its own user, so one cluster's
 * credentials never reach another. Connections (and their discovery caches) are cached per cluster, bounded.
 */
import { LRUCache } from 'lru-cache';
import { readFile as fsReadFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import micromatch from 'micromatch';
import { inClusterScopes, tokenAllowedFor, type ClusterScope, type Environment, type KubeconfigClusterSelection } from '../config/index.ts';
import { AKS_AUTH_PROVIDER, bearerAuthenticator, type TokenSource } from './aks-token.ts';
import { ApiDiscovery } from './api-discovery.ts';
import { discoverAzureClusters, serverFromKubeconfig, type AzureArm } from './azure-clusters.ts';
import type { Clock } from './clock.ts';
import type { ClusterConnection, ClusterConnector, ClusterTarget } from './cluster-target.ts';
import { kubeClient, type RetryPolicy } from './kube-client.ts';
import { kubeConfigTransport } from './kube-transport.ts';

export interface ClusterConnectorOptions {
  clock: Clock;
  /** Azure Resource Manager (for `clusters.azure`). */
  arm?: AzureArm;
  /** AKS tokens (for Azure clusters and static clusters with `auth: azure`). */
  aksTokens?: TokenSource;
  /** Kubeconfig path when a selection names none (the CLI passes `$KUBECONFIG` or `~/.kube/config`). */
  defaultKubeconfig?: string;
  /** Reads a kubeconfig file (default: node:fs). */
  readFile?: (file: string) => Promise<string>;
  retry?: RetryPolicy;
  /** Time allowed for one request (default 30 s). */
  timeoutMs?: number;
  /** GITOPS_API_SERVERS: static API servers that may receive the AKS token (https only); none when omitted. */
  apiServers?: readonly string[];
  /** GITOPS_CLUSTER_SCOPES: where Azure clusters may be; anywhere when omitted. */
  clusterScopes?: readonly ClusterScope[];
  /** GITOPS_KUBECONFIG_EXEC: kubeconfig users with an exec plugin may run it (default false). */
  allowExec?: boolean;
}

/**
 * A new, empty KubeConfig. @kubernetes/client-node is loaded on the first connection, not at import: it takes
 * seconds of CPU to load, which every importer of the clusters module (and every cold start) would otherwise pay.
 */
async function newKubeConfig(): Promise<KubeConfig> {
  const { KubeConfig: Config } = await import('@kubernetes/client-node');
  return new Config();
}

async function loadKubeconfig(file: string, read: (file: string) => Promise<string>): Promise<KubeConfig> {
  let text: string;
  try {
    text = await read(file);
  } catch (err) {
    throw new Error(`failed to read kubeconfig ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const kc = await newKubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    // Never the parser's message or a cause: they quote the file, which may be any file holding secrets.
    const line = (err as { mark?: { line?: number }; linePos?: [{ line: number }] }).mark?.line ?? (err as { linePos?: [{ line: number }] }).linePos?.[0]?.line;
    throw new Error(`failed to read kubeconfig ${file}: not a valid kubeconfig${typeof line === 'number' ? ` (near line ${line + 1})` : ''}`);
  }
  kc.makePathsAbsolute(path.dirname(file));
  return kc;
}

/** A kubeconfig user we may use: exec plugins only with the operator's opt-in. */
function checkedUser(user: KubeConfig['users'][number], file: string, allowExec: boolean): KubeConfig['users'][number] {
  if (user.exec && !allowExec) {
    throw new Error(`kubeconfig ${file}: user ${user.name} runs an exec plugin, which is off (set GITOPS_KUBECONFIG_EXEC=true to allow it for the operator's kubeconfig)`);
  }
  return user;
}

/** A KubeConfig holding exactly one cluster, one user and one context. */
async function isolated(cluster: KubeConfig['clusters'][number], user: KubeConfig['users'][number], namespace?: string): Promise<KubeConfig> {
  const kc = await newKubeConfig();
  // Plain http (local fakes) is only accepted by the client with skipTLSVerify, which means nothing for http.
  const c = cluster.server.startsWith('http:') ? { ...cluster, skipTLSVerify: true } : cluster;
  kc.loadFromOptions({
    clusters: [c],
    users: [user],
    contexts: [{ name: 'target', cluster: c.name, user: user.name, ...(namespace ? { namespace } : {}) }],
    currentContext: 'target',
  });
  return kc;
}

/** Creates the connector. */
export function createClusterConnector(options: ClusterConnectorOptions): ClusterConnector {
  const read = options.readFile ?? ((f: string) => fsReadFile(f, 'utf8'));
  // The connections kept (each with its discovery cache): the 64 most recently used clusters.
  const connections = new LRUCache<string, ClusterConnection>({ max: 64 });

  const kubeconfigPath = (sel: KubeconfigClusterSelection): string => {
    const file = sel.path ?? options.defaultKubeconfig;
    if (!file) throw new Error('the environment selects kubeconfig contexts but no kubeconfig path is configured');
    return file;
  };

  async function discoverKubeconfig(sel: KubeconfigClusterSelection): Promise<ClusterTarget[]> {
    const file = kubeconfigPath(sel);
    const kc = await loadKubeconfig(file, read);
    return kc.getContexts()
      .filter((c) => micromatch.isMatch(c.name, sel.contexts))
      .map((c) => ({ name: c.name, origin: 'kubeconfig' as const, path: file, context: c.name, server: kc.getCluster(c.cluster)?.server ?? '' }));
  }

  function aksUser(): KubeConfig['users'][number] {
    if (!options.aksTokens) throw new Error('an AKS cluster needs Azure credentials, and none are configured');
    return { name: `aks-${AKS_AUTH_PROVIDER}`, authProvider: { name: AKS_AUTH_PROVIDER, config: {} } };
  }

  function withAks(kc: KubeConfig, needed: boolean): KubeConfig {
    if (needed && options.aksTokens) kc.addAuthenticator(bearerAuthenticator(options.aksTokens));
    return kc;
  }

  async function kubeConfigFor(target: ClusterTarget): Promise<KubeConfig> {
    switch (target.origin) {
      case 'kubeconfig': {
        const kc = await loadKubeconfig(target.path, read);
        const ctx = kc.getContextObject(target.context);
        if (!ctx) throw new Error(`kubeconfig ${target.path} has no context ${target.context}`);
        const cluster = kc.getCluster(ctx.cluster);
        const user = kc.getUser(ctx.user);
        if (!cluster) throw new Error(`kubeconfig context ${target.context} names a missing cluster ${ctx.cluster}`);
        return isolated(cluster, user ? checkedUser(user, target.path, options.allowExec ?? false) : { name: 'anonymous' }, ctx.namespace);
      }
      case 'azure': {
        if (!options.arm) throw new Error(`cluster ${target.name} comes from Azure, and no Azure Resource Manager client is configured`);
        if (!inClusterScopes(options.clusterScopes, target.subscription, target.resourceGroup)) {
          throw new Error(`cluster ${target.name} in ${target.subscription}/${target.resourceGroup} is outside GITOPS_CLUSTER_SCOPES: refusing to send it the managed identity's token`);
        }
        const { server, certificateAuthorityData } = serverFromKubeconfig(await options.arm.userKubeconfig(target.subscription, target.resourceGroup, target.name));
        if (!server.toLowerCase().startsWith('https://')) throw new Error(`cluster ${target.name}: Azure gave the API server ${server}; the managed identity's token never goes over http`);
        const user = aksUser();
        return withAks(await isolated({ name: target.name, server, skipTLSVerify: false, ...(certificateAuthorityData ? { caData: certificateAuthorityData } : {}) }, user), true);
      }
      case 'static': {
        if (target.auth === 'azure' && !tokenAllowedFor(target.server, options.apiServers)) {
          throw new Error(`cluster ${target.name}: refusing to send the managed identity's token to ${target.server} (only https servers in GITOPS_API_SERVERS, or clusters Azure discovery finds in GITOPS_CLUSTER_SCOPES, receive it)`);
        }
        const user = target.auth === 'azure' ? aksUser() : { name: 'anonymous' };
        const cluster = { name: target.name, server: target.server, skipTLSVerify: false, ...(target.certificateAuthorityData ? { caData: target.certificateAuthorityData } : {}) };
        return withAks(await isolated(cluster, user), target.auth === 'azure');
      }
    }
  }

  return {
    async discover(env: Environment): Promise<ClusterTarget[]> {
      const found: ClusterTarget[] = [];
      const sel = env.clusters;
      if (sel.azure) {
        if (!options.arm) throw new Error(`environment ${env.name} selects Azure clusters, and no Azure Resource Manager client is configured`);
        found.push(...(await discoverAzureClusters(sel.azure, options.arm)).filter((t) => t.origin !== 'azure' || inClusterScopes(options.clusterScopes, t.subscription, t.resourceGroup)));
      }
      if (sel.kubeconfig) found.push(...(await discoverKubeconfig(sel.kubeconfig)));
      for (const s of sel.static) {
        found.push({ name: s.name, origin: 'static', server: s.server, auth: s.auth, ...(s.certificateAuthorityData ? { certificateAuthorityData: s.certificateAuthorityData } : {}) });
      }
      const seen = new Set<string>();
      return found.filter((t) => !seen.has(t.name) && seen.add(t.name));
    },

    async connect(target: ClusterTarget): Promise<ClusterConnection> {
      const key = JSON.stringify(target);
      const cached = connections.get(key);
      if (cached) return cached;
      const kc = await kubeConfigFor(target);
      const client = kubeClient(target.name, kubeConfigTransport(kc, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), options.clock, options.retry);
      const connection: ClusterConnection = { target, server: kc.getCurrentCluster()!.server, client, discovery: new ApiDiscovery(client) };
      connections.set(key, connection);
      return connection;
    },
  };
}
