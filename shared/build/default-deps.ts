/** The build dependencies the pipeline uses: our kustomize and merge functions. */
import type { BuildDeps } from './build-generated.ts';
import { kustomizeBuild } from './kustomize/index.ts';
import { isKnownKind, jsonMergePatch } from './merge/index.ts';

const DEPS: BuildDeps = Object.freeze({ kustomizeBuild, isKnownKind, jsonMergePatch });

/** Kustomize (v5.5.0 semantics) and the merge functions, as the pipeline builds environments with them. */
export function defaultBuildDeps(): BuildDeps {
  return DEPS;
}
