/**
 * Plans a promotion (pure): the target environment's files become the source environment's files with the
 * registries and tag filters rewritten; an automated container keeps the target's current tag where the
 * target's filter rejects the source's; files only in the target stay; files removed in the source are listed
 * (removed only when asked); patch files (patchUpdated) are never copied. Refusals say why, with file and line.
 * Whether the result builds is checked by the caller (it needs the build), see `shared/pipeline/promote.ts`.
 */
import micromatch from 'micromatch';
import type { Environment, Promotion } from '../config/index.ts';
import { loadManifests, type Resource } from '../manifests/index.ts';
import {
  applyScalarEdits, filterAccepts, findContainers, formatImageRef, parseTagFilter, tagEdit, TagFilterError,
  type ScalarEdit, type WorkloadContainer,
} from '../images/index.ts';
import { rewriteText, type TextRewrite } from './rewrite-text.ts';

export interface PromotionInput {
  from: Environment;
  to: Environment;
  promotion: Promotion;
  /** Every file of the source environment at its branch HEAD: path relative to its directory → text. */
  sourceFiles: ReadonlyMap<string, string>;
  /** Every file of the target environment at its branch HEAD, relative to its directory. */
  targetFiles: ReadonlyMap<string, string>;
  /** patchUpdated: the patch files (relative to each directory), never copied. */
  sourcePatchFile?: string;
  targetPatchFile?: string;
  /** Relative paths the source branch once had in its directory and has deleted since. */
  removedInSource: ReadonlySet<string>;
  /** `--path` globs (relative to the directory); they narrow `promotion.paths`. */
  select?: readonly string[];
  /** Delete target files whose source file was removed. */
  remove: boolean;
  /** Registries any environment lists: an image from one of them must be one the target lists. */
  knownRegistries: ReadonlySet<string>;
}

export type ChangeAction = 'add' | 'update' | 'remove';

export interface FileChange {
  /** Repository path in the target. */
  file: string;
  action: ChangeAction;
  rewrites: TextRewrite[];
}

export interface ImageDecision {
  file: string;
  workload: string;
  container: string;
  /** The image in the source file (after the registry rewrite). */
  source: string;
  /** The image written into the target file. */
  written: string;
  decision: 'promoted' | 'kept-target-tag';
  reason: string;
}

export interface Refusal {
  file: string;
  line?: number;
  message: string;
}

export interface PromotionPlan {
  from: string;
  to: string;
  changes: FileChange[];
  images: ImageDecision[];
  /** Target files whose source file was removed, left in place (no `--remove`). */
  removedInSource: string[];
  refused: Refusal[];
  /** What to write (repository paths; null deletes). Nothing may be written when anything is refused. */
  files: Map<string, string | null>;
}

const join = (dir: string, rel: string) => (dir === '' ? rel : `${dir}/${rel}`);
const isYaml = (p: string) => /\.ya?ml$/i.test(p);

/** Every resource of a set of files (one environment), parsed as the loader parses them. */
function resourcesOf(files: ReadonlyMap<string, string>, dir: string, namespace: string, exclude: ReadonlySet<string>): Resource[] {
  const yaml = [...files.keys()].filter((p) => isYaml(p) && !exclude.has(p) && !/(^|\/)(kustomization\.ya?ml|\.flux\.ya?ml)$/.test(p));
  const contents = new Map(yaml.map((p) => [join(dir, p), files.get(p)!]));
  const plan = { envPath: dir, files: [...contents.keys()], fluxConfigs: [], skipped: [], errors: [] };
  return loadManifests({ plan, contents, defaultNamespace: namespace }).resources;
}

function containersOf(resources: readonly Resource[]): Map<string, WorkloadContainer> {
  const out = new Map<string, WorkloadContainer>();
  for (const r of resources) for (const c of findContainers(r).containers) out.set(`${r.id}\0${c.container}`, c);
  return out;
}

/** Plans the promotion; never throws on bad input. */
export function planPromotion(input: PromotionInput): PromotionPlan {
  const { from, to, promotion } = input;
  const plan: PromotionPlan = { from: from.name, to: to.name, changes: [], images: [], removedInSource: [], refused: [], files: new Map() };
  const patchFiles = new Set([input.sourcePatchFile, input.targetPatchFile].filter((p): p is string => p !== undefined));
  // micromatch over a list, so `!` patterns exclude (isMatch with several patterns would accept any one of them).
  const matches = (rel: string, globs: readonly string[]) => micromatch([rel], [...globs], { dot: true }).length > 0;
  const selected = (rel: string) =>
    !patchFiles.has(rel)
    && (promotion.paths === undefined || matches(rel, promotion.paths))
    && (input.select === undefined || input.select.length === 0 || matches(rel, input.select));
  const targetContainers = containersOf(resourcesOf(input.targetFiles, to.path, to.namespace, patchFiles));

  for (const [rel, sourceText] of [...input.sourceFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!selected(rel)) continue;
    const file = join(to.path, rel);
    const sourceFile = join(from.path, rel);
    let text = sourceText;
    let rewrites: TextRewrite[] = [];
    let decisions: ImageDecision[] = [];
    if (isYaml(rel)) {
      const rewritten = rewriteText(sourceText, promotion.rewrite);
      if (!rewritten.ok) {
        plan.refused.push({ file: sourceFile, ...(rewritten.line ? { line: rewritten.line } : {}), message: rewritten.message });
        continue;
      }
      text = rewritten.text;
      rewrites = rewritten.rewrites;
      const decided = decideImages(text, file, rel, input, targetContainers, plan);
      if (decided === undefined) continue;
      text = decided.text;
      decisions = decided.decisions;
    }
    const current = input.targetFiles.get(rel);
    if (current === text) continue;
    plan.images.push(...decisions);
    plan.changes.push({ file, action: current === undefined ? 'add' : 'update', rewrites });
    plan.files.set(file, text);
  }

  for (const rel of [...input.removedInSource].sort()) {
    if (input.sourceFiles.has(rel) || !input.targetFiles.has(rel) || !selected(rel)) continue;
    const file = join(to.path, rel);
    if (input.remove) {
      plan.changes.push({ file, action: 'remove', rewrites: [] });
      plan.files.set(file, null);
    } else plan.removedInSource.push(file);
  }
  return plan;
}

/**
 * Checks and decides every container of a promoted file: its registry must be the target's, its tag must pass
 * the target's filter, or (automated) the target's current tag is kept. Returns the final text, or undefined
 * when the file is refused (the reasons are in `plan.refused`).
 */
function decideImages(
  text: string, file: string, rel: string, input: PromotionInput, targetContainers: Map<string, WorkloadContainer>, plan: PromotionPlan,
): { text: string; decisions: ImageDecision[] } | undefined {
  const contents = new Map([[file, text]]);
  const set = loadManifests({ plan: { envPath: input.to.path, files: [file], fluxConfigs: [], skipped: [], errors: [] }, contents, defaultNamespace: input.to.namespace });
  const refusedBefore = plan.refused.length;
  const edits: ScalarEdit[] = [];
  const decisions: ImageDecision[] = [];
  const sourceFile = join(input.from.path, rel);
  for (const resource of set.resources) {
    for (const c of findContainers(resource).containers) {
      const image = formatImageRef(c.image);
      const where = { file: sourceFile, line: resource.line };
      const host = c.image.domain?.toLowerCase();
      if (host !== undefined && input.knownRegistries.has(host) && !input.to.registries.includes(host)) {
        plan.refused.push({ ...where, message: `${resource.id} ${c.container}: ${image} is from ${host}, a registry ${input.to.name} does not list (add a rewrite under promotion.rewrite.registries)` });
        continue;
      }
      const explicit = Object.hasOwn(resource.policies.tagFilters, c.container);
      const automated = resource.policies.automated;
      if (c.image.tag === undefined || (!automated && !explicit)) {
        decisions.push({ file, workload: resource.id, container: c.container, source: image, written: image, decision: 'promoted', reason: automated || explicit ? 'no tag' : 'not automated, no tag filter' });
        continue;
      }
      let accepted: boolean;
      try {
        accepted = filterAccepts(parseTagFilter(c.filter), c.image.tag);
      } catch (err) {
        if (!(err instanceof TagFilterError)) throw err;
        plan.refused.push({ ...where, message: `${resource.id} ${c.container}: ${err.message}` });
        continue;
      }
      if (accepted) {
        decisions.push({ file, workload: resource.id, container: c.container, source: image, written: image, decision: 'promoted', reason: `${c.filter} accepts ${c.image.tag}` });
        continue;
      }
      const current = targetContainers.get(`${resource.id}\0${c.container}`);
      if (!automated || current?.image.tag === undefined) {
        const why = automated ? `and ${input.to.name} has no current tag for it to keep` : '(the workload is not automated, so no target tag is kept)';
        plan.refused.push({ ...where, message: `${resource.id} ${c.container}: ${input.to.name}'s filter ${c.filter} rejects ${image} ${why}` });
        continue;
      }
      const edit = tagEdit(c.location, current.image.tag);
      edits.push({ docIndex: resource.docIndex, itemIndex: resource.itemIndex, kind: resource.kind, name: resource.name, path: edit.path, from: edit.from, to: edit.to });
      const written = formatImageRef({ ...c.image, tag: current.image.tag });
      decisions.push({ file, workload: resource.id, container: c.container, source: image, written, decision: 'kept-target-tag', reason: `${c.filter} rejects ${c.image.tag}${filterAcceptsSafe(c.filter, current.image.tag) ? '' : `; the kept tag ${current.image.tag} is ${input.to.name}'s own, though its filter rejects it too`}` });
    }
  }
  if (plan.refused.length > refusedBefore) return undefined;
  const outcome = applyScalarEdits(text, edits);
  const failed = outcome.results.flatMap((r, i) => (r.ok ? [] : [`${edits[i]!.kind} ${edits[i]!.name}: ${r.message}`]));
  if (failed.length > 0) {
    for (const f of failed) plan.refused.push({ file: sourceFile, message: `cannot keep the target's tag: ${f}` });
    return undefined;
  }
  return { text: outcome.text, decisions };
}

function filterAcceptsSafe(filter: string, tag: string): boolean {
  try {
    return filterAccepts(parseTagFilter(filter), tag);
  } catch {
    return false;
  }
}
