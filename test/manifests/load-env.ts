/** Plans and loads a small in-memory repository for the manifest tests. */
import { loadManifests, planManifestReads } from '../../shared/manifests/index.ts';
import type { ManifestSet, ScopeOf } from '../../shared/manifests/index.ts';

/** Which environment to load, and how. */
export interface LoadOptions {
  env?: string;
  paths?: string[];
  defaultNamespace?: string;
  scopeOf?: ScopeOf;
}

/** Plans `files` (or `paths`, when some are to be missing) and loads environment `env` (default 'env'). */
export function load(files: Record<string, string>, opts: LoadOptions = {}): ManifestSet {
  const plan = planManifestReads(opts.paths ?? Object.keys(files), opts.env ?? 'env');
  return loadManifests({
    plan, contents: new Map(Object.entries(files)), defaultNamespace: opts.defaultNamespace ?? 'default',
    ...(opts.scopeOf ? { scopeOf: opts.scopeOf } : {}),
  });
}
/** The ids of a set's resources, in order. */
export const ids = (set: ManifestSet): string[] => set.resources.map((r) => r.id);
/** A minimal ConfigMap document; `extra` is appended under metadata. */
export const cm = (name: string, extra = ''): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
