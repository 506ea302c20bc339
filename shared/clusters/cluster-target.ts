/** Which clusters an environment deploys to, and what a connection to one gives. */
import type { Environment } from '../config/index.ts';
import type { ApiDiscovery } from './api-discovery.ts';
import type { KubeClient } from './kube-client.ts';

/** A cluster found by discovery: enough to connect to it later (no secrets in here). */
export type ClusterTarget =
  | { name: string; origin: 'azure'; subscription: string; resourceGroup: string }
  | { name: string; origin: 'kubeconfig'; path: string; context: string; server: string }
  | { name: string; origin: 'static'; server: string; certificateAuthorityData?: string; auth: 'azure' | 'none' };

/** A live connection to one cluster: its own client (its own credentials) and discovery cache. */
export interface ClusterConnection {
  target: ClusterTarget;
  server: string;
  client: KubeClient;
  discovery: ApiDiscovery;
}

/** Finds and reaches clusters. */
export interface ClusterConnector {
  /** The clusters an environment selects (Azure, kubeconfig contexts, static), by name. */
  discover(env: Environment): Promise<ClusterTarget[]>;
  /** A connection to a cluster (cached per cluster by the connector). */
  connect(target: ClusterTarget): Promise<ClusterConnection>;
}
