/**
 * Generated builds shared by the syncs of one process: every cluster of an environment at one revision with
 * the same variables gets the same objects (so the apply-body cache, keyed by object, builds each body once);
 * other variables are another entry. Bounded; owned by the runtime. Only for immutable revisions.
 */
import type { GeneratedBuild } from '../build/build-generated.ts';
import { variablesKey, type Variables } from '../build/variables.ts';
import { LRUCache } from 'lru-cache';

/** A built environment and the objects handed to the loader (normalised once, then shared). */
export interface CachedBuild {
  build: Extract<GeneratedBuild, { kind: 'built' }>;
  loaderObjects: Record<string, unknown>[];
  /** The files the build read. */
  files: ReadonlyMap<string, string>;
}

export class BuildCache {
  private readonly entries: LRUCache<string, CachedBuild>;

  constructor(maxEntries = 32) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  /** The key of a build: revision, environment path, config file and the variables. */
  static key(revision: string, envPath: string, configFile: string, variables: Variables | undefined): string {
    return `${revision}\0${envPath}\0${configFile}\0${variablesKey(variables ?? new Map())}`;
  }

  get(key: string): CachedBuild | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: CachedBuild): void {
    this.entries.set(key, value);
  }
}
