/**
 * What one cluster of an environment gets at a revision: its per-cluster variables read from the ConfigMap
 * gitops.yaml names (with that cluster's credentials), then the environment rendered in its mode with them.
 * A generated environment whose not-run generators templated something is refused when no variables source
 * replaces them: otherwise placeholders like `${clusterName}` would be deployed as they are.
 */
import type { Environment } from '../config/index.ts';
import type { ClusterConnection } from '../clusters/index.ts';
import type { ParseCache } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import type { BuildCache } from './build-cache.ts';
import { RenderCache } from './render-cache.ts';
import { readClusterVariables } from './cluster-variables.ts';
import { renderEnvironment, type RenderOptions, type RenderedEnvironment } from './render-environment.ts';

export interface RenderForClusterDeps {
  source: SourceReader;
  parseCache?: ParseCache;
  buildCache?: BuildCache;
  /** Renders shared by this instance's syncs: one per environment × revision × variables (render-cache.ts). */
  renderCache?: RenderCache;
}

export type ClusterRender = { ok: true; rendered: RenderedEnvironment } | { ok: false; message: string };

/** Reads the cluster's variables (when the environment names a source) and renders the environment with them. */
export async function renderForCluster(
  env: Environment, revision: string, conn: Pick<ClusterConnection, 'client' | 'discovery'>, deps: RenderForClusterDeps,
  options: Pick<RenderOptions, 'stateNamespace' | 'limits'> = {},
): Promise<ClusterRender> {
  let variables: Map<string, string> | undefined;
  let variablesSource: string | undefined;
  if (env.variables) {
    const read = await readClusterVariables(conn.client, env.variables);
    if (!read.ok) return { ok: false, message: read.message };
    variables = read.variables;
    variablesSource = read.source;
  }
  const render = (scopeOf: RenderOptions['scopeOf']) => renderEnvironment(deps.source, env, revision, {
    ...options,
    ...(scopeOf ? { scopeOf } : {}),
    ...(deps.parseCache ? { parseCache: deps.parseCache } : {}),
    ...(deps.buildCache ? { buildCache: deps.buildCache } : {}),
    ...(variables ? { variables } : {}),
    ...(variablesSource ? { variablesSource } : {}),
  });
  const rendered = deps.renderCache
    ? await deps.renderCache.get(RenderCache.key({ revision, environment: env, variables, options: { ...options, variablesSource } }), conn.discovery.scopeOf, render)
    : await render(conn.discovery.scopeOf);
  const notRun = rendered.generators.filter((g) => g.status === 'not-run');
  if (!rendered.refused && notRun.length > 0 && !env.variables) {
    const g = notRun[0]!;
    return {
      ok: true,
      rendered: {
        ...rendered, resources: [], refused: true,
        errors: [{ file: g.file, line: g.line, message: `${g.detail}: no variables source replaces its templating; name the ConfigMap it read in gitops.yaml (environments.${env.name}.variables.configMap)` }],
      },
    };
  }
  return { ok: true, rendered };
}
