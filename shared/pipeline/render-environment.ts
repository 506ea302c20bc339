/**
 * What an environment applies at a revision: list the tree, read only the
 * files Flux's rules select, load them into resources (in apply order).
 */
import { pathInEnvironment, type Environment } from '../config/index.ts';
import { loadManifests, planManifestReads, sortForApply, type ManifestSet, type ParseCache } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { DEFAULT_STATE_NAMESPACE } from '../clusters/sync-state.ts';
import { DEFAULT_RENDER_LIMITS, limitContents, limitReads, refuseStateObjects, type RenderLimits } from './render-guards.ts';

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
  /** The namespace of the engine's leases and sync state (default gitops-system): manifests may not write there. */
  stateNamespace?: string;
  /** Size limits (default 2 MiB per file, 32 MiB per environment). */
  limits?: RenderLimits;
}

/** Renders one environment at a revision; resources come back in apply order. */
export async function renderEnvironment(
  source: SourceReader,
  environment: Environment,
  revision: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const tree = await source.listFiles(revision);
  const limits = options.limits ?? DEFAULT_RENDER_LIMITS;
  const planned = planManifestReads(
    tree.map((f) => f.path),
    environment.path,
  );
  // Sizes from the tree: what is too large is never fetched.
  const checked = limitReads(planned, new Map(tree.map((f) => [f.path, f.size])), limits, environment.path);
  const refusedWhole = (refusal: { file: string; message: string }, errors: readonly { file: string; message: string }[]): RenderedEnvironment =>
    ({ resources: [], skipped: planned.skipped, errors: [refusal, ...errors], environment, revision, files: new Map() });
  if (checked.refused) return refusedWhole(checked.refused, checked.errors);
  const plan = checked.plan;
  const contents = await source.readFiles(revision, [...plan.files, ...plan.fluxConfigs]);
  const after = limitContents(contents, limits, environment.path);
  if (after.refused) return refusedWhole(after.refused, [...checked.errors, ...after.errors]);
  const set = loadManifests({
    plan,
    contents,
    defaultNamespace: environment.namespace,
    ...(options.scopeOf ? { scopeOf: options.scopeOf } : {}),
    ...(options.parseCache ? { parseCache: options.parseCache } : {}),
  });
  const guarded = refuseStateObjects(set.resources, environment.name, options.stateNamespace ?? DEFAULT_STATE_NAMESPACE);
  const errors = [...checked.errors, ...after.errors, ...set.errors, ...guarded.errors];
  if (environment.path !== '' && !tree.some((f) => pathInEnvironment(environment, f.path))) {
    // Flux v1 failed the whole sync here ("unable to read root path"); an empty desired
    // state must never look like "delete everything", so it is an error, not an empty set.
    errors.unshift({ file: environment.path, message: `environment directory ${environment.path}/ does not exist at ${revision}` });
  }
  return { ...set, errors, resources: sortForApply(guarded.kept), environment, revision, files: contents };
}
