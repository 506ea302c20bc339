/**
 * Builds a manifest-generation environment (`.flux.yaml` `patchUpdated` or `commandUpdated`) the way Flux v1
 * and its generators did, or refuses it as a whole with the reasons. Pure: the caller reads the files asked
 * for (`needFiles`) and calls again.
 *
 * 1. Each generator is planned ({@link planGenerator}): `kustomize build DIR` is built natively; any other
 *    command is not run, and the files it would write that git does not hold count as empty.
 * 2. A not-run generator must be accounted for: at least one file it writes is read (as empty) by a native
 *    kustomize build. Otherwise its output is unknown and the environment is refused.
 * 3. The generated objects (kustomize's order, generators in order) get the per-cluster variables substituted,
 *    then, for `patchUpdated`, the patch file applied (a missing patch file is tolerated when its folder
 *    exists, as in Flux).
 */
import { dirOf, isUnder } from '../manifests/repo-paths.ts';
import type { FluxConfig } from './flux-config.ts';
import { applyPatchDocuments, manifestId, parsePatchFile, type MergeFunctions, type PatchDocument } from './flux-patch-file.ts';
import { planGenerator, type GeneratorPlan } from './generators.ts';
import type { JsonMap } from './json-values.ts';
import { substituteValue, type Variables } from './variables.ts';

/** The kustomize contract (`shared/build/kustomize/index.ts`), structurally. */
export interface KustomizeFileView {
  tree: ReadonlySet<string>;
  files: ReadonlyMap<string, string>;
  emptyFiles?: ReadonlySet<string>;
}
export interface BuildMessage { file: string; line?: number; message: string }
export interface BuiltObject { object: Record<string, unknown>; file: string }
export type KustomizeResult =
  | { kind: 'built'; objects: BuiltObject[]; warnings: BuildMessage[] }
  | { kind: 'needFiles'; paths: string[] }
  | { kind: 'refused'; errors: BuildMessage[] };

/** What building needs besides the files: kustomize and the merge functions. */
export interface BuildDeps extends MergeFunctions {
  kustomizeBuild(dir: string, view: KustomizeFileView): KustomizeResult;
}

/** How one generator was handled, for render/build/sync output. */
export interface GeneratorReport {
  command: string;
  file: string;
  line: number;
  /** `native`: done by our kustomize; `not-run`: never run, with what replaces it. */
  status: 'native' | 'not-run';
  detail: string;
}

export interface GeneratedInput {
  config: Exclude<FluxConfig, { mode: 'scanForFiles' }>;
  /** The environment path: the generators' working directory. */
  envPath: string;
  tree: ReadonlySet<string>;
  files: ReadonlyMap<string, string>;
  /** Per-cluster variables (none for a build without a cluster). */
  variables?: Variables;
  /** Names of the variables the environment declares a source for (for the not-run message). */
  variablesSource?: string;
}

export type GeneratedBuild =
  | {
      kind: 'built';
      /** Generated objects before variables and the patch file (what Flux's patch is computed against). */
      generated: BuiltObject[];
      /** What is applied: generated, variables substituted, patch file applied. */
      objects: BuiltObject[];
      generators: GeneratorReport[];
      warnings: BuildMessage[];
      /** The patch file's documents (patchUpdated), or [] when it is absent or empty. */
      patchDocuments: PatchDocument[];
    }
  | { kind: 'needFiles'; paths: string[] }
  | { kind: 'refused'; errors: BuildMessage[]; generators: GeneratorReport[] };

function report(plan: GeneratorPlan, file: string, variablesSource: string | undefined): GeneratorReport {
  if (plan.kind === 'kustomize') return { command: plan.command, file, line: plan.line, status: 'native', detail: `kustomize build ${plan.dir || '.'}, done natively` };
  const replaced = plan.writes.length > 0
    ? `${plan.writes.join(', ')} count${plan.writes.length === 1 ? 's' : ''} as empty; ${variablesSource ? `variables from ${variablesSource} replace its templating` : 'no per-cluster variables are configured for this environment'}`
    : (plan.reason ?? 'nothing replaces it');
  return { command: plan.command, file, line: plan.line, status: 'not-run', detail: `not run: \`${plan.command}\` (${replaced})` };
}

/** Builds a generated environment, or asks for files, or refuses. */
export function buildGenerated(input: GeneratedInput, deps: BuildDeps): GeneratedBuild {
  const { config, envPath, tree, files } = input;
  const plans = config.generators.map((g) => planGenerator(g.command, g.line, envPath, tree));
  const generators = plans.map((p) => report(p, config.file, input.variablesSource));
  const errors: BuildMessage[] = [];
  const refuse = (): GeneratedBuild => ({ kind: 'refused', errors, generators });
  if (plans.length === 0) errors.push({ file: config.file, message: `${config.mode}.generators is empty: the environment would deploy nothing` });
  for (const p of plans) {
    if (p.kind === 'not-run' && p.reason) errors.push({ file: config.file, line: p.line, message: `generator \`${p.command}\` is not supported: ${p.reason}` });
  }
  if (errors.length > 0) return refuse();

  const emptyFiles = new Set(plans.flatMap((p) => (p.kind === 'not-run' ? p.writes : [])));
  const view: KustomizeFileView = { tree, files, emptyFiles };
  const generated: BuiltObject[] = [];
  const warnings: BuildMessage[] = [];
  const need = new Set<string>();
  for (const p of plans) {
    if (p.kind !== 'kustomize') continue;
    const r = deps.kustomizeBuild(p.dir, view);
    if (r.kind === 'needFiles') r.paths.forEach((x) => need.add(x));
    else if (r.kind === 'refused') errors.push(...r.errors);
    else {
      generated.push(...r.objects);
      warnings.push(...r.warnings);
    }
  }
  let patchDocuments: PatchDocument[] = [];
  if (config.mode === 'patchUpdated') {
    const patchFile = config.patchFile;
    if (tree.has(patchFile)) {
      const text = files.get(patchFile);
      if (text === undefined) need.add(patchFile);
      else {
        const parsed = parsePatchFile(patchFile, text);
        if (parsed.ok) patchDocuments = parsed.documents;
        else errors.push(...parsed.errors);
      }
    } else {
      const folder = dirOf(patchFile);
      if (!(folder === '' || [...tree].some((p) => isUnder(p, folder)))) {
        errors.push({ file: config.file, line: config.patchFileLine, message: `base directory (${folder}) of patchFile (${config.patchFileAsWritten}) does not exist` });
      }
    }
  }
  if (errors.length > 0) return refuse();
  if (need.size > 0) return { kind: 'needFiles', paths: [...need].sort() };

  for (const p of plans) {
    if (p.kind !== 'not-run') continue;
    const consumed = p.writes.filter((w) => warnings.some((x) => x.file === w || x.message.includes(w)));
    if (consumed.length === 0) {
      errors.push({
        file: config.file, line: p.line,
        message: `generator \`${p.command}\` is not run (commands from the repository never are) and its output cannot be reproduced: it writes no file that a kustomization here reads`,
      });
    }
  }
  const seen = new Map<string, string>();
  for (const o of generated) {
    const id = manifestId(o.object);
    const other = seen.get(id);
    if (other !== undefined) errors.push({ file: o.file, message: `duplicate definition of '${id}' (generated from ${other} and ${o.file})` });
    else seen.set(id, o.file);
  }
  if (errors.length > 0) return refuse();

  const variables = input.variables ?? new Map<string, string>();
  const substituted = generated.map((o) => ({ object: substituteValue(o.object, variables), file: o.file }));
  let objects = substituted;
  if (config.mode === 'patchUpdated' && patchDocuments.length > 0) {
    const applied = applyPatchDocuments(substituted.map((o) => o.object as JsonMap), patchDocuments, config.patchFile, deps);
    if (!applied.ok) {
      errors.push(...applied.errors);
      return refuse();
    }
    objects = applied.objects.map((object, i) => ({ object, file: substituted[i]!.file }));
  }
  return { kind: 'built', generated, objects, generators, warnings, patchDocuments };
}
