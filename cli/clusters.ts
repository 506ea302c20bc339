/**
 * Which clusters a CLI command talks to: the contexts of `--kubeconfig F` the environment selects, or those
 * matching an explicit `--context PATTERN` (never the current context by default), or without --kubeconfig the
 * environment's own selection as the app makes it (Azure discovery with the developer's Azure credentials,
 * static servers, kubeconfig contexts). Exec plugins run only with GITOPS_KUBECONFIG_EXEC=true.
 */
import path from 'node:path';
import { azureConnector, kubeconfigConnector } from '../shared/app/laptop.ts';
import type { ClusterConnector, ClusterTarget } from '../shared/clusters/index.ts';
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

/** The clusters of `env` a command works on (a UsageError when none match). */
export async function selectClusters(ctx: CommandContext, env: Environment, flags: ClusterFlags): Promise<SelectedClusters> {
  if (flags.context && !flags.kubeconfig) throw new UsageError('--context needs --kubeconfig');
  let target = env;
  let connector: ClusterConnector;
  if (flags.kubeconfig) {
    const file = path.resolve(ctx.cwd, flags.kubeconfig);
    // The environment's own selection, or the person's explicit choice: never whatever context is current.
    const pattern = flags.context ?? env.clusters.kubeconfig?.contexts;
    if (!pattern) throw new UsageError(`environment ${env.name} selects no kubeconfig contexts; give --context PATTERN to choose them explicitly (the current context is never used by default)`);
    target = { ...env, clusters: { kubeconfig: { path: file, contexts: pattern }, static: [] } };
    connector = kubeconfigConnector(ctx.env);
  } else {
    // As the app does, with the developer's credentials (az login, environment, managed identity).
    connector = await azureConnector(ctx.env);
  }
  let clusters = await connector.discover(target);
  if (flags.cluster) clusters = clusters.filter((c) => c.name === flags.cluster);
  if (clusters.length === 0) {
    const where = flags.kubeconfig ? `no context in ${flags.kubeconfig} matches ${target.clusters.kubeconfig!.contexts}${flags.context ? '' : ` (what environment ${env.name} selects; give --context PATTERN to choose others)`}` : `environment ${env.name} selects no cluster`;
    throw new UsageError(flags.cluster ? `--cluster ${flags.cluster}: not among the clusters (${where})` : where);
  }
  return { env: target, connector, clusters };
}
