/**
 * What an environment applies at a revision: list the tree, read only the
 * files Flux's rules select, load them into resources (in apply order).
 */
import { pathInEnvironment, type Environment } from '../config/index.ts';
import { loadManifests, planManifestReads, sortForApply, type ManifestSet, type ParseCache } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';

export interface RenderedEnvironment extends ManifestSet {
  environment: Environment;
  revision: string;
  /** Text of every file a resource came from (image updates edit these). */
  files: ReadonlyMap<string, string>;
}

export interface RenderOptions {
  /** Cluster discovery's answer to "is this kind cluster-scoped?"; built-in tables and CRDs otherwise. */
  scopeOf?: (apiVersion: string, kind: string) => 'Namespaced' | 'Cluster' | undefined;
  /** Parsed files shared across renders (one per process). */
  parseCache?: ParseCache;
}

/** Renders one environment at a revision; resources come back in apply order. */
export async function renderEnvironment(
  source: SourceReader,
  environment: Environment,
  revision: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const tree = await source.listFiles(revision);
  const plan = planManifestReads(
    tree.map((f) => f.path),
    environment.path,
  );
  const contents = await source.readFiles(revision, [...plan.files, ...plan.fluxConfigs]);
  const set = loadManifests({
    plan,
    contents,
    defaultNamespace: environment.namespace,
    ...(options.scopeOf ? { scopeOf: options.scopeOf } : {}),
    ...(options.parseCache ? { parseCache: options.parseCache } : {}),
  });
  const errors = [...set.errors];
  if (environment.path !== '' && !tree.some((f) => pathInEnvironment(environment, f.path))) {
    // Flux v1 failed the whole sync here ("unable to read root path"); an empty desired
    // state must never look like "delete everything", so it is an error, not an empty set.
    errors.unshift({ file: environment.path, message: `environment directory ${environment.path}/ does not exist at ${revision}` });
  }
  return { ...set, errors, resources: sortForApply(set.resources), environment, revision, files: contents };
}
