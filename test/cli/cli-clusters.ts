/** Kubernetes fakes behind one kubeconfig (one context per fake), for the CLI tests. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createClusterConnector, systemClock, type ClusterConnector } from '../../shared/clusters/index.ts';
import type { Environment } from '../../shared/config/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';

export interface CliClusters {
  fakes: Map<string, KubeFake>;
  kubeconfig: string;
  /** `env` selecting the contexts matching `pattern` in the kubeconfig. */
  environment(env: Environment, pattern: string): Environment;
  connector: ClusterConnector;
  close(): Promise<void>;
}

export async function startCliClusters(dir: string, contexts: readonly string[]): Promise<CliClusters> {
  const fakes = new Map<string, KubeFake>();
  for (const name of contexts) fakes.set(name, await startKubeFake({ name }));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(kubeconfig, [
    'apiVersion: v1', 'kind: Config',
    `clusters: [${[...fakes].map(([n, f]) => `{ name: ${n}, cluster: { server: "${f.url}" } }`).join(', ')}]`,
    'users: [{ name: me, user: { token: t } }]',
    `contexts: [${contexts.map((n) => `{ name: ${n}, context: { cluster: ${n}, user: me } }`).join(', ')}]`,
    `current-context: ${contexts[0]}`,
  ].join('\n'));
  return {
    fakes, kubeconfig,
    environment: (env, pattern) => ({ ...env, clusters: { kubeconfig: { path: kubeconfig, contexts: pattern }, static: [] } }),
    connector: createClusterConnector({ clock: systemClock }),
    close: async () => { for (const f of fakes.values()) await f.close(); },
  };
}
