/**
 * What an environment's files may cost and touch, checked around the render (issue 10, items 3 and 4):
 * - size: a file over the per-file limit is not fetched (its size comes from the tree) and fails itself; an
 *   environment whose files add up to more than the total cap is refused as a whole. Nothing is read first.
 * - the engine's own objects: nothing in the state namespace, not the namespace itself, and no Lease or ConfigMap
 *   bearing the environment's state name anywhere. A manifest that could write the lease could lock the
 *   environment; one that could write the sync state could make prune delete what it likes.
 */
import { stateObjectName } from '../clusters/sync-state.ts';
import type { ManifestError, ManifestReadPlan, Resource } from '../manifests/index.ts';

export interface RenderLimits {
  /** Largest file read (bytes, by its size in the tree). */
  maxFileBytes: number;
  /** Largest total of the files one environment reads. */
  maxEnvironmentBytes: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = { maxFileBytes: 2 * 1024 * 1024, maxEnvironmentBytes: 32 * 1024 * 1024 };

const mib = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** The plan without files over the per-file limit, the errors naming them, and whether the total is over the cap. */
export function limitReads(plan: ManifestReadPlan, sizes: ReadonlyMap<string, number | undefined>, limits: RenderLimits, envPath: string): { plan: ManifestReadPlan; errors: ManifestError[]; refused?: ManifestError } {
  const errors: ManifestError[] = [];
  const fits = (file: string): boolean => {
    const size = sizes.get(file);
    if (size === undefined || size <= limits.maxFileBytes) return true;
    errors.push({ file, message: `not read: ${size} bytes (${mib(size)}), over the per-file limit of ${limits.maxFileBytes} bytes (GITOPS_MAX_FILE_BYTES)` });
    return false;
  };
  const kept = { ...plan, files: plan.files.filter(fits), fluxConfigs: plan.fluxConfigs.filter(fits) };
  const total = [...kept.files, ...kept.fluxConfigs].reduce((n, f) => n + (sizes.get(f) ?? 0), 0);
  if (total > limits.maxEnvironmentBytes) {
    return { plan: kept, errors, refused: overCap(envPath, total, limits) };
  }
  return { plan: kept, errors };
}

/** Contents that turned out larger than the tree said (or sources that know no sizes): the same rules, after the read. */
export function limitContents(contents: Map<string, string>, limits: RenderLimits, envPath: string): { errors: ManifestError[]; refused?: ManifestError } {
  const errors: ManifestError[] = [];
  let total = 0;
  for (const [file, text] of contents) {
    const size = Buffer.byteLength(text);
    if (size > limits.maxFileBytes) {
      contents.delete(file);
      errors.push({ file, message: `not used: ${size} bytes (${mib(size)}), over the per-file limit of ${limits.maxFileBytes} bytes (GITOPS_MAX_FILE_BYTES)` });
    } else {
      total += size;
    }
  }
  return total > limits.maxEnvironmentBytes ? { errors, refused: overCap(envPath, total, limits) } : { errors };
}

function overCap(envPath: string, total: number, limits: RenderLimits): ManifestError {
  return { file: envPath || '.', message: `environment refused as a whole: its files add up to ${total} bytes (${mib(total)}), over the cap of ${limits.maxEnvironmentBytes} bytes (GITOPS_MAX_ENVIRONMENT_BYTES); nothing is applied or pruned` };
}

/** Resources that would write the engine's own objects, refused with a reason naming the file and line. */
export function refuseStateObjects(resources: readonly Resource[], environment: string, stateNamespace: string): { kept: Resource[]; errors: ManifestError[] } {
  const stateName = stateObjectName(environment);
  const kept: Resource[] = [];
  const errors: ManifestError[] = [];
  for (const r of resources) {
    const reason =
      r.namespace === stateNamespace ? `${r.id} is in ${stateNamespace}, the namespace holding the engine's leases and sync state`
        : r.kind === 'Namespace' && r.namespace === undefined && r.name === stateNamespace ? `${r.id} is the namespace holding the engine's leases and sync state`
          : (r.kind === 'Lease' || r.kind === 'ConfigMap') && r.name === stateName ? `${r.id} bears the name of this environment's ${r.kind === 'Lease' ? 'lease' : 'sync state'} (${stateName})`
            : undefined;
    if (reason) errors.push({ file: r.file, line: r.line, message: `refused: ${reason}; manifests may not write the engine's own objects (GITOPS_STATE_NAMESPACE)` });
    else kept.push(r);
  }
  return { kept, errors };
}
