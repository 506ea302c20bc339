/**
 * Reads what the loader needs from a `.flux.yaml` (Flux v1 `manifests/configfile.go`): its mode and, for
 * `patchUpdated`, the patch file, which is a patch and never a resource.
 */
import type { ManifestError } from './manifest-set.ts';
import { joinRelative } from './repo-paths.ts';
import { parseYamlDocuments } from './yaml.ts';
import { isMapping } from './is-mapping.ts';

/** The mode a `.flux.yaml` sets (`files`/`scanForFiles` = read raw YAML files). */
export type FluxConfigMode = 'commandUpdated' | 'patchUpdated' | 'scanForFiles' | 'unknown';

/** What a `.flux.yaml` means for loading. */
export interface FluxConfigInfo {
  /** The config file's path. */
  file: string;
  mode: FluxConfigMode;
  /**
   * `patchUpdated.patchFile` resolved against the working directory, which in Flux v1 is the environment
   * path (`findConfigFilePaths` returns the target path as working dir), not the `.flux.yaml`'s folder.
   */
  patchFile?: string;
  /** Problems with the config: it does not parse, or does not follow Flux v1's schema. */
  errors: ManifestError[];
}


/**
 * Interprets a `.flux.yaml`.
 *
 * @param file the config's repository path.
 * @param text its content.
 * @param envPath the environment path it governs (the working directory `patchFile` is relative to).
 */
export function readFluxConfig(file: string, text: string, envPath: string): FluxConfigInfo {
  const info: FluxConfigInfo = { file, mode: 'unknown', errors: [] };
  const parsed = parseYamlDocuments(text, file);
  if (!parsed.ok) {
    info.errors.push(parsed.error);
    return info;
  }
  const doc = parsed.documents[0];
  const config = doc?.value;
  const line = doc?.line;
  const fail = (message: string): FluxConfigInfo => {
    info.errors.push({ file, ...(line !== undefined ? { line } : {}), message });
    return info;
  };
  if (!isMapping(config)) return fail('a .flux.yaml must be a mapping');
  if (config.version !== 1) fail('a .flux.yaml must have "version: 1"');
  const modes = (['commandUpdated', 'patchUpdated', 'files', 'scanForFiles'] as const).filter((k) => k in config);
  if (modes.length !== 1) {
    return fail('a .flux.yaml must have exactly one of commandUpdated, patchUpdated, files or scanForFiles');
  }
  const mode = modes[0] as string;
  info.mode = mode === 'files' ? 'scanForFiles' : (mode as FluxConfigMode);
  if (info.mode !== 'patchUpdated') return info;
  const patchUpdated = config.patchUpdated;
  if (!isMapping(patchUpdated) || typeof patchUpdated.patchFile !== 'string' || patchUpdated.patchFile === '') {
    return fail('patchUpdated.patchFile must be a non-empty string');
  }
  const patchFile = joinRelative(envPath, patchUpdated.patchFile);
  if (patchFile === undefined || patchFile === '') {
    return fail(`patchUpdated.patchFile "${patchUpdated.patchFile}" leaves the repository`);
  }
  info.patchFile = patchFile;
  return info;
}
