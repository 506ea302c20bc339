/**
 * What the manifest loader takes and gives back: a read plan (which files an adapter must fetch), and the
 * resulting set of resources, with everything skipped and every error said out loud.
 */
import type { Resource } from './resource.ts';

/** Something deliberately not applied: a file, a folder, a document, or a resource with `ignore: "true"`. */
export interface Skipped {
  /** Repository-relative path (a folder path for a Helm chart folder). */
  file: string;
  /** 1-based line of the document or List item, when the skip concerns one. */
  line?: number;
  /** Resource id, when the skipped thing is a resource (ignore policy). */
  id?: string;
  /** Why, in words. */
  reason: string;
}

/** Input that could not be used: it is left out, the rest of the environment still loads. */
export interface ManifestError {
  /** Repository-relative path. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** What is wrong. */
  message: string;
}

/** Which files an environment needs read, decided from the repository's file list alone. */
export interface ManifestReadPlan {
  /** The environment path as normalised: '' for the repository root, otherwise without leading/trailing '/'. */
  envPath: string;
  /** `.yaml`/`.yml` files that may hold resources, in Flux v1's walk order (lexical, directory by directory). */
  files: string[];
  /**
   * The `.flux.yaml` that governs the environment (the nearest one in the environment directory or a parent,
   * as Flux v1 looks for it): at most one path. Its `patchUpdated.patchFile` is never a resource.
   */
  fluxConfigs: string[];
  /** Files and folders skipped by name (non-YAML files, Helm chart folders, kustomization.yaml, .flux.yaml). */
  skipped: Skipped[];
  /** Problems found while planning (e.g. the environment path is not in the repository). */
  errors: ManifestError[];
}

/** The resources an environment deploys, and everything that is not deployed, with why. */
export interface ManifestSet {
  /** Resources to apply, in walk order (file, then document, then List item). Ids are unique. */
  resources: Resource[];
  /** Everything skipped on purpose, with its reason. */
  skipped: Skipped[];
  /** Everything left out because it is wrong, with where and why. */
  errors: ManifestError[];
}
