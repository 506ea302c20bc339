/**
 * Promotion between environments (the seed's steps 2 and 3): reads the source environment at its branch HEAD
 * and the target at its branch HEAD, plans the promoted files (`shared/promote`), and refuses a result that
 * does not build. Writes nothing: the caller commits `plan.files` (a branch, a pull request).
 */
import { structuredPatch } from 'diff';
import { findEnvironment, pathInEnvironment, type Environment, type GitopsConfig } from '../config/index.ts';
import { planManifestReads } from '../manifests/index.ts';
import { parseFluxConfig } from '../build/flux-config.ts';
import { planPromotion, type PromotionPlan } from '../promote/plan-promotion.ts';
import type { SourceReader, TreeFile } from '../sources/port.ts';
import { renderEnvironment } from './render-environment.ts';

export class PromotionError extends Error {
  override readonly name = 'PromotionError';
}

export interface PromoteRequest {
  source: SourceReader;
  config: GitopsConfig;
  /** The target environment's name. */
  to: string;
  /** `--path` globs relative to the environment directory. */
  select?: readonly string[];
  remove?: boolean;
  /** Files the source branch deleted from a directory at some point (repository paths); omitted: none known. */
  deletedPaths?: (branch: string, dir: string) => Promise<ReadonlySet<string>>;
}

export interface PromotionResult {
  plan: PromotionPlan;
  from: Environment;
  to: Environment;
  sourceRevision: string;
  targetRevision: string;
  /** Unified diff of every changed file, target before → after. */
  diff: string;
}

/** Plans the promotion into `request.to`; throws PromotionError when the target has no promotion. */
export async function promote(request: PromoteRequest): Promise<PromotionResult> {
  const { source, config } = request;
  const to = findEnvironment(config, request.to);
  if (!to) throw new PromotionError(`no environment ${request.to} in ${config.source} (have: ${config.environments.map((e) => e.name).join(', ')})`);
  if (!to.promotion) throw new PromotionError(`${to.name} has no promotion in ${config.source} (add environments.${to.name}.promotion.from)`);
  const from = findEnvironment(config, to.promotion.from)!;
  const [sourceRevision, targetRevision] = await Promise.all([source.resolveBranch(from.branch), source.resolveBranch(to.branch)]);
  const [sourceTree, targetTree] = await Promise.all([source.listFiles(sourceRevision), source.listFiles(targetRevision)]);
  const [sourceFiles, targetFiles] = await Promise.all([envFiles(source, sourceRevision, sourceTree, from), envFiles(source, targetRevision, targetTree, to)]);
  const [sourcePatchFile, targetPatchFile] = await Promise.all([patchFileOf(source, sourceRevision, sourceTree, from), patchFileOf(source, targetRevision, targetTree, to)]);
  const deleted = request.deletedPaths ? await request.deletedPaths(from.branch, from.path) : new Set<string>();
  const removedInSource = new Set([...deleted].filter((p) => pathInEnvironment(from, p)).map((p) => relative(from, p)));
  const plan = planPromotion({
    from, to, promotion: to.promotion, sourceFiles, targetFiles, removedInSource,
    ...(sourcePatchFile !== undefined ? { sourcePatchFile } : {}),
    ...(targetPatchFile !== undefined ? { targetPatchFile } : {}),
    ...(request.select ? { select: request.select } : {}),
    remove: request.remove ?? false,
    knownRegistries: new Set(config.environments.flatMap((e) => e.registries)),
  });
  if (plan.refused.length === 0 && plan.files.size > 0) {
    const built = await renderEnvironment(overlay(source, targetRevision, targetTree, plan.files), to, targetRevision);
    if (built.errors.length > 0) {
      for (const e of built.errors) plan.refused.push({ file: e.file, ...(e.line ? { line: e.line } : {}), message: `the promoted ${to.name} does not build: ${e.message}` });
    }
  }
  const diff = fileDiffs(plan, targetFiles, to);
  // Refused as a whole: nothing of it may be written.
  if (plan.refused.length > 0) plan.files.clear();
  return { plan, from, to, sourceRevision, targetRevision, diff };
}

function relative(env: Environment, file: string): string {
  return env.path === '' ? file : file.slice(env.path.length + 1);
}

async function envFiles(source: SourceReader, revision: string, tree: readonly TreeFile[], env: Environment): Promise<Map<string, string>> {
  const paths = tree.map((f) => f.path).filter((p) => pathInEnvironment(env, p) && p !== env.path);
  const read = await source.readFiles(revision, paths);
  return new Map([...read].map(([p, t]) => [relative(env, p), t]));
}

/** The patchUpdated patch file of an environment, relative to its directory. */
async function patchFileOf(source: SourceReader, revision: string, tree: readonly TreeFile[], env: Environment): Promise<string | undefined> {
  const fluxConfig = planManifestReads(tree.map((f) => f.path), env.path).fluxConfigs[0];
  if (fluxConfig === undefined) return undefined;
  const text = (await source.readFiles(revision, [fluxConfig])).get(fluxConfig);
  if (text === undefined) return undefined;
  const parsed = parseFluxConfig(fluxConfig, text, env.path);
  if (!parsed.ok || parsed.config.mode !== 'patchUpdated') return undefined;
  return pathInEnvironment(env, parsed.config.patchFile) ? relative(env, parsed.config.patchFile) : undefined;
}

/** The repository at a revision with the planned files written over it. */
function overlay(source: SourceReader, revision: string, tree: readonly TreeFile[], files: ReadonlyMap<string, string | null>): SourceReader {
  return {
    description: `${source.description} (promoted)`,
    defaultBranch: () => source.defaultBranch(),
    resolveBranch: async () => revision,
    listFiles: async () => [
      ...tree.filter((f) => !files.has(f.path)),
      ...[...files].filter(([, t]) => t !== null).map(([path]) => ({ path })),
    ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    readFiles: async (_rev, paths) => {
      const read = await source.readFiles(revision, paths.filter((p) => !files.has(p)));
      for (const p of paths) {
        const t = files.get(p);
        if (typeof t === 'string') read.set(p, t);
      }
      return read;
    },
  };
}

function fileDiffs(plan: PromotionPlan, targetFiles: ReadonlyMap<string, string>, to: Environment): string {
  const out: string[] = [];
  for (const c of plan.changes) {
    const before = targetFiles.get(relative(to, c.file)) ?? '';
    const after = plan.files.get(c.file) ?? '';
    const patch = structuredPatch(c.action === 'add' ? '/dev/null' : `a/${c.file}`, c.action === 'remove' ? '/dev/null' : `b/${c.file}`, before, after, undefined, undefined, { context: 3 });
    out.push(`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`);
    for (const h of patch.hunks) {
      out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
      for (const l of h.lines) if (!l.startsWith('\\')) out.push(l);
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
