/**
 * The build seam of a preview: what an environment deploys at a revision, with one cluster variable set.
 *
 * Until the manifest-generation build (`shared/build`, `gitops build`) lands, this is the raw render with Flux
 * v1's file rules. A `.flux.yaml` environment in a generating mode (`commandUpdated`, `patchUpdated`) is then
 * refused with a build error naming the file: its raw files are not what it deploys, and a preview must never
 * show them as if they were. The new build replaces {@link renderBuilder} behind {@link PreviewBuilder}.
 */
import type { Environment } from '../config/index.ts';
import { readFluxConfig, type ParseCache } from '../manifests/index.ts';
import type { BuildMessage, EnvironmentBuild } from '../preview/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { renderEnvironment } from './render-environment.ts';

/** Variables of one cluster (its ConfigMap), by name. */
export type VariableSet = ReadonlyMap<string, string>;

export interface PreviewBuilder {
  build(source: SourceReader, env: Environment, revision: string, variables: VariableSet): Promise<EnvironmentBuild>;
}

/** The raw render (Flux v1 file rules), refusing generated environments. Ignores variables (raw mode has none). */
export function renderBuilder(options: { parseCache?: ParseCache } = {}): PreviewBuilder {
  return {
    async build(source, env, revision) {
      const r = await renderEnvironment(source, env, revision, options.parseCache ? { parseCache: options.parseCache } : {});
      for (const [file, text] of r.files) {
        if (!file.endsWith('.flux.yaml')) continue;
        const info = readFluxConfig(file, text, env.path);
        if (info.mode === 'commandUpdated' || info.mode === 'patchUpdated') {
          return {
            resources: [],
            errors: [{ file, line: 1, message: `${file} generates this environment (${info.mode}): previews of generated environments need the manifest-generation build, which this deployment does not have yet; refusing to show the raw files as what it deploys` }],
            warnings: [],
          };
        }
      }
      const warnings: BuildMessage[] = r.skipped
        .filter((s) => s.line !== undefined && s.id === undefined)
        .map((s) => ({ file: s.file, line: s.line!, message: `skipped: ${s.reason}` }));
      return { resources: r.resources, errors: r.errors.map((e) => ({ file: e.file, ...(e.line ? { line: e.line } : {}), message: e.message })), warnings };
    },
  };
}
