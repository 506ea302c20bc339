/**
 * Which clusters a CLI command talks to: the contexts of `--kubeconfig F` matching `--context PATTERN`
 * (default: the current context), or without --kubeconfig the environment's own selection as the app makes
 * it (Azure discovery with the developer's Azure credentials, static servers, kubeconfig contexts).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { cachedTokenSource, createAzureArm, createClusterConnector, systemClock, type ClusterConnector, type ClusterTarget } from '../shared/clusters/index.ts';
import type { Environment } from '../shared/config/index.ts';
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';

export interface SelectedClusters {
  /** The environment with its cluster selection replaced by the kubeconfig's (when given). */
  env: Environment;
  connector: ClusterConnector;
  clusters: ClusterTarget[];
}

export interface ClusterFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Only this cluster (by name). */
  cluster?: string | undefined;
}

async function currentContext(file: string, given: string): Promise<string> {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--kubeconfig ${given}: ${(err as Error).message}`);
  }
  const current = kc.getCurrentContext();
  if (!current) throw new UsageError(`--kubeconfig ${given} has no current context; give --context PATTERN`);
  return current;
}

/** The clusters of `env` a command works on (a UsageError when none match). */
export async function selectClusters(ctx: CommandContext, env: Environment, flags: ClusterFlags): Promise<SelectedClusters> {
  if (flags.context && !flags.kubeconfig) throw new UsageError('--context needs --kubeconfig');
  let target = env;
  let connector: ClusterConnector;
  if (flags.kubeconfig) {
    const file = path.resolve(ctx.cwd, flags.kubeconfig);
    const pattern = flags.context ?? (await currentContext(file, flags.kubeconfig));
    target = { ...env, clusters: { kubeconfig: { path: file, contexts: pattern }, static: [] } };
    connector = createClusterConnector({ clock: systemClock });
  } else {
    // As the app does, with the developer's credentials (az login, environment, managed identity).
    const { DefaultAzureCredential } = await import('@azure/identity');
    const credential = new DefaultAzureCredential();
    connector = createClusterConnector({
      clock: systemClock, arm: createAzureArm(credential), aksTokens: cachedTokenSource(credential, systemClock),
      defaultKubeconfig: ctx.env.KUBECONFIG ?? path.join(os.homedir(), '.kube', 'config'),
    });
  }
  let clusters = await connector.discover(target);
  if (flags.cluster) clusters = clusters.filter((c) => c.name === flags.cluster);
  if (clusters.length === 0) {
    const where = flags.kubeconfig ? `no context in ${flags.kubeconfig} matches ${flags.context ?? 'the current context'}` : `environment ${env.name} selects no cluster`;
    throw new UsageError(flags.cluster ? `--cluster ${flags.cluster}: not among the clusters (${where})` : where);
  }
  return { env: target, connector, clusters };
}
