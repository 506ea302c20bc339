/**
 * kustomize in TypeScript (pure): builds a kustomization tree as `kubectl kustomize` (kustomize v5.5.0) prints it,
 * or refuses it with messages naming the file and the field. See README "kustomize support" for the fields.
 */
import { BuildRefusal, NeedFile } from './build-message.ts';
import type { BuildMessage } from './build-message.ts';
import { buildTree } from './build.ts';
import { DEFAULT_BUILD_LIMITS, FileLoader } from './file-loader.ts';
import type { BuildLimits, KustomizeFileView } from './file-loader.ts';

export type { BuildMessage } from './build-message.ts';
export type { KustomizeFileView, BuildLimits } from './file-loader.ts';
export { DEFAULT_BUILD_LIMITS } from './file-loader.ts';

export interface BuiltObject {
  /** The object exactly as `kubectl kustomize` (kustomize v5.5.0) would print it. */
  object: Record<string, unknown>;
  /** The repository file the object originally came from (for messages and image edits). */
  file: string;
}

export type KustomizeResult =
  | { kind: 'built'; objects: BuiltObject[]; warnings: BuildMessage[] }
  | { kind: 'needFiles'; paths: string[] }
  | { kind: 'refused'; errors: BuildMessage[] };

/** Builds the kustomization in `dir` (repo-relative directory) as `kustomize build dir` would. */
export function kustomizeBuild(dir: string, view: KustomizeFileView, limits: Partial<BuildLimits> = {}): KustomizeResult {
  const normalized = dir.replace(/^\.\/?/, '').replace(/\/+$/, '');
  const loader = new FileLoader(view, { ...DEFAULT_BUILD_LIMITS, ...limits });
  try {
    const resources = buildTree(normalized === '.' ? '' : normalized, loader);
    return { kind: 'built', objects: resources.map((r) => ({ object: r.obj, file: r.file })), warnings: loader.warnings };
  } catch (error) {
    if (error instanceof NeedFile || loader.missing.size > 0) {
      if (loader.missing.size > 0) return { kind: 'needFiles', paths: [...loader.missing].sort() };
    }
    if (error instanceof BuildRefusal) return { kind: 'refused', errors: error.errors };
    throw error;
  }
}
