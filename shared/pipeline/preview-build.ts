/**
 * The build seam of a preview: what an environment deploys at a revision, with one cluster variable set.
 *
 * It is the environment's own build (`renderEnvironment`: raw files, or a `.flux.yaml` environment generated
 * natively with the variables, or refused as a whole with the reasons), so a preview shows what a sync of that
 * revision would apply and never a generated environment's raw files. A refused build is a build error.
 */
import type { Environment } from '../config/index.ts';
import type { ParseCache } from '../manifests/index.ts';
import type { BuildMessage, EnvironmentBuild } from '../preview/index.ts';
import type { SourceReader } from '../sources/port.ts';
import type { BuildCache } from './build-cache.ts';
import { renderEnvironment } from './render-environment.ts';

/** Variables of one cluster (its ConfigMap), by name. */
export type VariableSet = ReadonlyMap<string, string>;

export interface PreviewBuilder {
  build(source: SourceReader, env: Environment, revision: string, variables: VariableSet): Promise<EnvironmentBuild>;
}

const message = (m: { file: string; line?: number | undefined; message: string }): BuildMessage => ({ file: m.file, ...(m.line ? { line: m.line } : {}), message: m.message });

/** The environment's build in its mode, with the given variables (as `gitops build --var` does). */
export function renderBuilder(options: { parseCache?: ParseCache; buildCache?: BuildCache } = {}): PreviewBuilder {
  return {
    async build(source, env, revision, variables) {
      const r = await renderEnvironment(source, env, revision, {
        ...(options.parseCache ? { parseCache: options.parseCache } : {}),
        ...(options.buildCache ? { buildCache: options.buildCache } : {}),
        ...(variables.size > 0 || env.variables ? { variables: new Map(variables), variablesSource: 'the cluster group\'s variables' } : {}),
      });
      const errors = r.errors.map(message);
      const warnings: BuildMessage[] = [
        ...r.warnings.map(message),
        ...r.generators.filter((g) => g.status === 'not-run').map((g) => ({ file: g.file, line: g.line, message: `generator not run (${g.command}): ${g.detail}` })),
        ...r.skipped.filter((s) => s.line !== undefined && s.id === undefined).map((s) => ({ file: s.file, line: s.line!, message: `skipped: ${s.reason}` })),
      ];
      // As a sync does (render-for-cluster.ts): a not-run generator's templating needs a variables source.
      const notRun = r.generators.find((g) => g.status === 'not-run');
      if (!r.refused && notRun && !env.variables) {
        errors.push({ file: notRun.file, line: notRun.line, message: `${notRun.detail}: no variables source replaces its templating; name the ConfigMap it read in gitops.yaml (environments.${env.name}.variables.configMap)` });
        return { resources: [], errors, warnings };
      }
      return { resources: r.refused ? [] : r.resources, errors, warnings };
    },
  };
}
