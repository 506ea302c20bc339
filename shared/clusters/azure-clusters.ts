/**
 * AKS clusters from Azure Resource Manager, behind a small interface ({@link AzureArm}) so tests inject a
 * fake listing. Discovery filters by name pattern (micromatch) and tags; the server and CA come from the
 * cluster's user credentials (the kubeconfig `listClusterUserCredentials` returns; its `users` entry is
 * ignored: we authenticate with our own token).
 */
import type { TokenCredential } from '@azure/identity';
import type { ContainerServiceClient } from '@azure/arm-containerservice';
import micromatch from 'micromatch';
import { parse as parseYaml } from 'yaml';
import type { AzureClusterSelection } from '../config/index.ts';
import type { ClusterTarget } from './cluster-target.ts';

export interface AzureCluster {
  name: string;
  resourceGroup: string;
  tags: Readonly<Record<string, string>>;
}

/** The ARM calls discovery needs. */
export interface AzureArm {
  /** AKS clusters in a subscription, or in the given resource groups (all when empty). */
  listClusters(subscription: string, resourceGroups: readonly string[]): Promise<AzureCluster[]>;
  /** The user kubeconfig (YAML text) of one cluster. */
  userKubeconfig(subscription: string, resourceGroup: string, name: string): Promise<string>;
}

/** The resource group named in an ARM resource id. */
export function resourceGroupOf(id: string | undefined): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id ?? '')?.[1] ?? '';
}

/**
 * The real ARM, through @azure/arm-containerservice with the given credential. The SDK is loaded on the first
 * call, not at import (hosts without Azure clusters never pay for it).
 */
export function createAzureArm(credential: TokenCredential): AzureArm {
  const clients = new Map<string, ContainerServiceClient>();
  const client = async (subscription: string): Promise<ContainerServiceClient> => {
    let c = clients.get(subscription);
    if (!c) {
      const { ContainerServiceClient: Client } = await import('@azure/arm-containerservice');
      c = clients.get(subscription) ?? new Client(credential, subscription);
      clients.set(subscription, c);
    }
    return c;
  };
  return {
    async listClusters(subscription, resourceGroups) {
      const out: AzureCluster[] = [];
      const mc = (await client(subscription)).managedClusters;
      const pages = resourceGroups.length ? resourceGroups.map((rg) => mc.listByResourceGroup(rg)) : [mc.list()];
      for (const page of pages) {
        for await (const c of page) if (c.name) out.push({ name: c.name, resourceGroup: resourceGroupOf(c.id), tags: c.tags ?? {} });
      }
      return out;
    },
    async userKubeconfig(subscription, resourceGroup, name) {
      const creds = await (await client(subscription)).managedClusters.listClusterUserCredentials(resourceGroup, name);
      const value = creds.kubeconfigs?.[0]?.value;
      if (!value) throw new Error(`ARM returned no user kubeconfig for ${resourceGroup}/${name}`);
      return Buffer.from(value).toString('utf8');
    },
  };
}

/** The clusters of a selection: name pattern and every tag must match. */
export function selectAzureClusters(selection: AzureClusterSelection, clusters: readonly AzureCluster[]): AzureCluster[] {
  const groups = new Set(selection.resourceGroups.map((g) => g.toLowerCase()));
  return clusters.filter((c) =>
    (groups.size === 0 || groups.has(c.resourceGroup.toLowerCase()))
    && (!selection.names || micromatch.isMatch(c.name, selection.names))
    && Object.entries(selection.tags).every(([k, v]) => c.tags[k] === v));
}

/** Discovers the AKS clusters of a selection. */
export async function discoverAzureClusters(selection: AzureClusterSelection, arm: AzureArm): Promise<ClusterTarget[]> {
  const all = await arm.listClusters(selection.subscription, selection.resourceGroups);
  return selectAzureClusters(selection, all)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => ({ name: c.name, origin: 'azure' as const, subscription: selection.subscription, resourceGroup: c.resourceGroup }));
}

/** Server and CA from a user kubeconfig (the first cluster entry). */
export function serverFromKubeconfig(text: string): { server: string; certificateAuthorityData: string | undefined } {
  const doc = parseYaml(text) as { clusters?: Array<{ cluster?: { server?: unknown; 'certificate-authority-data'?: unknown } }> } | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new Error('the user kubeconfig names no cluster server');
  const ca = cluster['certificate-authority-data'];
  return { server: cluster.server, certificateAuthorityData: typeof ca === 'string' ? ca : undefined };
}
