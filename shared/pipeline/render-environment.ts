/**
 * What an environment applies at a revision, following its mode (Flux v1's `.flux.yaml` lookup: the
 * environment folder, then each parent up to the repository root):
 * - no `.flux.yaml`, or `scanForFiles`: raw files, read as Flux v1 read them;
 * - `patchUpdated` / `commandUpdated`: built as Flux v1 and its generators built it (our kustomize, the patch
 *   file, the per-cluster variables), or refused as a whole with the reasons. Never rendered from raw files.
 */
import { pathInEnvironment, type Environment } from '../config/index.ts';
import {
  loadManifests, objectsOfDocument, planManifestReads, settleResources, sortForApply,
  type DeclaredObject, type ManifestError, type ManifestSet, type ParseCache, type Skipped,
} from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { buildGenerated, type BuildDeps, type GeneratorReport } from '../build/build-generated.ts';
import { parseFluxConfig, type FluxConfig } from '../build/flux-config.ts';
import { manifestId } from '../build/flux-patch-file.ts';
import type { JsonMap } from '../build/json-values.ts';
import type { Variables } from '../build/variables.ts';
import type { PatchEnvironment } from '../build/release-patch.ts';
import { BuildCache, type CachedBuild } from './build-cache.ts';
import { defaultBuildDeps } from '../build/default-deps.ts';
import { DEFAULT_STATE_NAMESPACE } from '../clusters/sync-state.ts';
import { DEFAULT_RENDER_LIMITS, limitContents, limitReads, refuseStateObjects, type RenderLimits } from './render-guards.ts';

/** How an environment is rendered. */
export type EnvironmentMode = 'raw' | 'patchUpdated' | 'commandUpdated';

export interface RenderedEnvironment extends ManifestSet {
  environment: Environment;
  revision: string;
  /** Text of every file read (raw mode: image updates edit these). */
  files: ReadonlyMap<string, string>;
  mode: EnvironmentMode;
  /** The `.flux.yaml` that governs the environment, if any. */
  fluxConfig?: string;
  /** Each generator and what became of it (generated modes). */
  generators: GeneratorReport[];
  /** Things a person should know that do not stop the environment (e.g. a generator's file counted as empty). */
  warnings: ManifestError[];
  /**
   * A generated environment that cannot be built exactly: `resources` is empty and `errors` say why. Nothing
   * of it may be applied or pruned.
   */
  refused: boolean;
  /** patchUpdated: what an image release needs to rewrite the patch file as Flux v1 did. */
  patch?: PatchEnvironment;
}

export interface RenderOptions {
  /** Cluster discovery's answer to "is this kind cluster-scoped?"; built-in tables and CRDs otherwise. */
  scopeOf?: (apiVersion: string, kind: string) => 'Namespaced' | 'Cluster' | undefined;
  /** Parsed files shared across renders (one per process). */
  parseCache?: ParseCache;
  /** Per-cluster variables for generated environments (the cluster's ConfigMap, or `--var`). */
  variables?: Variables;
  /** Where the variables come from, for messages (e.g. `ConfigMap default/radix-platform-config`). */
  variablesSource?: string;
  /** Kustomize and the merge functions (defaults: ours). */
  buildDeps?: BuildDeps;
  /** Generated builds shared across renders of immutable revisions (keyed by revision and variables). */
  buildCache?: BuildCache;
  /** The namespace of the engine's leases and sync state (default gitops-system): manifests may not write there. */
  stateNamespace?: string;
  /** Size limits (default 2 MiB per file, 32 MiB per environment). */
  limits?: RenderLimits;
}

/** Most rounds of "read these files too" a generated build may ask for. */
export const MAX_BUILD_ROUNDS = 12;
/** Most files a generated build may read. */
export const MAX_BUILD_FILES = 5000;

const base = (environment: Environment, revision: string) => ({ environment, revision, generators: [], warnings: [], refused: false });

/** Renders one environment at a revision; resources come back in apply order. */
export async function renderEnvironment(
  source: SourceReader,
  environment: Environment,
  revision: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const tree = await source.listFiles(revision);
  const paths = tree.map((f) => f.path);
  const plan = planManifestReads(paths, environment.path);
  const missingDir = environment.path !== '' && !tree.some((f) => pathInEnvironment(environment, f.path));
  const fluxConfig = plan.fluxConfigs[0];
  if (fluxConfig !== undefined && !missingDir) {
    const configText = (await source.readFiles(revision, [fluxConfig])).get(fluxConfig);
    const parsed = configText === undefined
      ? { ok: false as const, errors: [{ file: fluxConfig, message: 'the .flux.yaml could not be read' }] }
      : parseFluxConfig(fluxConfig, configText, plan.envPath);
    if (!parsed.ok) return refusedRender(environment, revision, 'raw', fluxConfig, parsed.errors, []);
    if (parsed.config.mode !== 'scanForFiles') {
      return renderGenerated(source, environment, revision, options, new Map(tree.map((f) => [f.path, f.size])), plan.envPath, parsed.config);
    }
  }
  // Sizes from the tree: what is too large is never fetched.
  const limits = options.limits ?? DEFAULT_RENDER_LIMITS;
  const checked = limitReads({ ...plan, fluxConfigs: [] }, new Map(tree.map((f) => [f.path, f.size])), limits, environment.path);
  if (checked.refused) return refusedRender(environment, revision, 'raw', fluxConfig, [checked.refused, ...checked.errors], []);
  const contents = await source.readFiles(revision, checked.plan.files);
  const after = limitContents(contents, limits, environment.path);
  if (after.refused) return refusedRender(environment, revision, 'raw', fluxConfig, [after.refused, ...checked.errors, ...after.errors], []);
  const set = loadManifests({
    plan: { ...checked.plan, fluxConfigs: plan.fluxConfigs },
    contents,
    defaultNamespace: environment.namespace,
    ...(options.scopeOf ? { scopeOf: options.scopeOf } : {}),
    ...(options.parseCache ? { parseCache: options.parseCache } : {}),
  });
  const guarded = refuseStateObjects(set.resources, environment.name, options.stateNamespace ?? DEFAULT_STATE_NAMESPACE);
  const errors = [...checked.errors, ...after.errors, ...set.errors, ...guarded.errors];
  if (missingDir) {
    // Flux v1 failed the whole sync here ("unable to read root path"); an empty desired
    // state must never look like "delete everything", so it is an error, not an empty set.
    errors.unshift({ file: environment.path, message: `environment directory ${environment.path}/ does not exist at ${revision}` });
  }
  return {
    ...set, ...base(environment, revision), errors, resources: sortForApply(guarded.kept), files: contents, mode: 'raw',
    ...(fluxConfig !== undefined ? { fluxConfig } : {}),
  };
}

function refusedRender(environment: Environment, revision: string, mode: EnvironmentMode, fluxConfig: string | undefined, errors: ManifestError[], generators: GeneratorReport[]): RenderedEnvironment {
  return { ...base(environment, revision), resources: [], skipped: [], errors, files: new Map(), mode, ...(fluxConfig !== undefined ? { fluxConfig } : {}), generators, refused: true };
}

async function renderGenerated(
  source: SourceReader, environment: Environment, revision: string, options: RenderOptions,
  sizes: ReadonlyMap<string, number | undefined>, envPath: string, config: Exclude<FluxConfig, { mode: 'scanForFiles' }>,
): Promise<RenderedEnvironment> {
  const tree = new Set(sizes.keys());
  const limits = options.limits ?? DEFAULT_RENDER_LIMITS;
  let bytes = 0;
  const deps = options.buildDeps ?? defaultBuildDeps();
  const cacheKey = options.buildCache ? BuildCache.key(revision, envPath, config.file, options.variables) : undefined;
  let cached = cacheKey !== undefined ? options.buildCache!.get(cacheKey) : undefined;
  const files = new Map<string, string>();
  for (let round = 0; !cached; round++) {
    const r = buildGenerated({
      config, envPath, tree, files,
      ...(options.variables ? { variables: options.variables } : {}),
      ...(options.variablesSource ? { variablesSource: options.variablesSource } : {}),
    }, deps);
    if (r.kind === 'refused') return refusedRender(environment, revision, config.mode, config.file, r.errors, r.generators);
    if (r.kind === 'needFiles') {
      const wanted = r.paths.filter((p) => tree.has(p) && !files.has(p));
      if (round >= MAX_BUILD_ROUNDS || wanted.length === 0 || files.size + wanted.length > MAX_BUILD_FILES) {
        const why = wanted.length === 0 ? `it asked again for files already read or not in the repository (${r.paths.slice(0, 3).join(', ')})`
          : `it needs more than ${MAX_BUILD_ROUNDS} rounds of reads or ${MAX_BUILD_FILES} files`;
        return refusedRender(environment, revision, config.mode, config.file, [{ file: config.file, message: `the build was stopped: ${why}` }], []);
      }
      // A build needs every file it asks for: one over the limits refuses the build before it is fetched.
      const tooLarge = wanted.filter((p) => (sizes.get(p) ?? 0) > limits.maxFileBytes);
      bytes += wanted.reduce((n, p) => n + (sizes.get(p) ?? 0), 0);
      if (tooLarge.length > 0 || bytes > limits.maxEnvironmentBytes) {
        const errors = tooLarge.length > 0
          ? tooLarge.map((p) => ({ file: p, message: `not read: ${sizes.get(p)} bytes, over the per-file limit of ${limits.maxFileBytes} bytes (GITOPS_MAX_FILE_BYTES); the build needs it` }))
          : [{ file: config.file, message: `the build was stopped: its files add up to more than ${limits.maxEnvironmentBytes} bytes (GITOPS_MAX_ENVIRONMENT_BYTES)` }];
        return refusedRender(environment, revision, config.mode, config.file, errors, []);
      }
      const read = await source.readFiles(revision, wanted);
      for (const p of wanted) {
        const text = read.get(p);
        if (text === undefined) return refusedRender(environment, revision, config.mode, config.file, [{ file: p, message: 'could not be read' }], []);
        files.set(p, text);
      }
      continue;
    }
    cached = { build: r, loaderObjects: r.objects.map((o) => structuredClone(o.object)), files };
    if (cacheKey !== undefined) options.buildCache!.set(cacheKey, cached);
  }
  return settleGenerated(environment, revision, options, config, deps, cached);
}

function settleGenerated(
  environment: Environment, revision: string, options: RenderOptions, config: Exclude<FluxConfig, { mode: 'scanForFiles' }>,
  deps: BuildDeps, cached: CachedBuild,
): RenderedEnvironment {
  const r = cached.build;
  const skipped: Skipped[] = [];
  const errors: ManifestError[] = [];
  const objects: DeclaredObject[] = [];
  r.objects.forEach((o, i) => {
    objectsOfDocument({ value: cached.loaderObjects[i], index: i, line: 0 }, o.file, { objects, skipped, errors });
  });
  const set = settleResources(objects, { defaultNamespace: environment.namespace, ...(options.scopeOf ? { scopeOf: options.scopeOf } : {}) }, skipped, errors);
  const warnings = r.warnings.map((w) => ({ ...w }));
  if (set.errors.length > 0) return refusedRender(environment, revision, config.mode, config.file, set.errors, r.generators);
  const guarded = refuseStateObjects(set.resources, environment.name, options.stateNamespace ?? DEFAULT_STATE_NAMESPACE);
  if (guarded.errors.length > 0) return refusedRender(environment, revision, config.mode, config.file, guarded.errors, r.generators);
  const patched = new Map<string, JsonMap>();
  for (const o of r.objects) patched.set(manifestId(o.object), o.object);
  return {
    ...base(environment, revision),
    resources: sortForApply(set.resources), skipped: set.skipped, errors: [], files: cached.files, mode: config.mode, fluxConfig: config.file,
    generators: r.generators, warnings,
    ...(config.mode === 'patchUpdated' ? { patch: { file: config.patchFile, generated: r.generated.map((o) => o.object), patched, isKnownKind: deps.isKnownKind } } : {}),
  };
}
