/**
 * Step one of loading an environment: from the repository's file list alone, decide which files to read
 * (Flux v1 `resource/load.go` `Load` + `looksLikeChart`, `manifests/configaware.go` `findConfigFilePaths`).
 */
import type { ManifestReadPlan, Skipped } from './manifest-set.ts';
import { baseOf, cleanRelative, compareWalkOrder, dirOf, isUnder, selfAndParents } from './repo-paths.ts';

/** The name of Flux v1's manifest-generation config file. */
export const FLUX_CONFIG_FILENAME = '.flux.yaml';
/** Kustomize configuration files: never Kubernetes resources. */
export const KUSTOMIZATION_FILENAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml'];

/** Whether Flux v1 reads a file as YAML: its extension is exactly `.yaml` or `.yml` (case-sensitive). */
export function isYamlPath(path: string): boolean {
  return path.endsWith('.yaml') || path.endsWith('.yml');
}

/**
 * Normalises an environment path ('' or '.' = repository root; './a/', 'a/' = 'a'), or returns undefined when
 * it is absolute or leaves the repository (Flux v1 rejects `--git-path` values with a leading '/').
 */
export function normaliseEnvPath(envPath: string): string | undefined {
  return cleanRelative(envPath);
}

/** Helm chart folders (both `Chart.yaml` and `values.yaml`), keeping only the outermost ones. */
function outermostChartDirs(paths: Iterable<string>): Set<string> {
  const charts = new Set<string>();
  const values = new Set<string>();
  for (const p of paths) {
    const base = baseOf(p);
    if (base === 'Chart.yaml') charts.add(dirOf(p));
    else if (base === 'values.yaml') values.add(dirOf(p));
  }
  const both = [...charts].filter((d) => values.has(d));
  const all = new Set(both);
  return new Set(both.filter((d) => d === '' || !selfAndParents(dirOf(d)).some((p) => all.has(p))));
}

/** The outermost chart folder holding `dir` (or being it), if any. */
function chartHolding(dir: string, chartDirs: ReadonlySet<string>): string | undefined {
  if (chartDirs.size === 0) return undefined;
  let found: string | undefined;
  for (const d of selfAndParents(dir)) if (chartDirs.has(d)) found = d;
  return found;
}

const chartReason = (count: number): string =>
  `Helm chart folder (has Chart.yaml and values.yaml): skipped with everything under it (${count} file${count === 1 ? '' : 's'})`;

/**
 * Plans which files to read for one environment.
 *
 * @param allPaths every file path in the repository at the commit (repository-relative, '/'-separated).
 * @param envPath the environment directory ('' for the repository root, e.g. 'development-configs').
 * @returns the YAML files that may hold resources (Flux v1 walk order), the governing `.flux.yaml` to read,
 *   every file or folder skipped by name with its reason, and planning errors (an unknown or invalid path).
 */
export function planManifestReads(allPaths: readonly string[], envPath: string): ManifestReadPlan {
  const env = normaliseEnvPath(envPath);
  if (env === undefined) {
    return {
      envPath, files: [], fluxConfigs: [], skipped: [],
      errors: [{ file: envPath, message: 'the environment path must be relative to the repository root and stay inside it' }],
    };
  }
  const pathSet = new Set(allPaths);
  const plan: ManifestReadPlan = { envPath: env, files: [], fluxConfigs: [], skipped: [], errors: [] };
  const envIsFile = env !== '' && pathSet.has(env);
  const under = envIsFile ? [env] : [...pathSet].filter((p) => isUnder(p, env));
  if (under.length === 0) {
    plan.errors.push({ file: env, message: `the environment path "${env}" is not in the repository (no file under it)` });
    return plan;
  }
  const envDir = envIsFile ? dirOf(env) : env;
  if (!envIsFile) {
    for (const dir of selfAndParents(envDir)) {
      const candidate = dir === '' ? FLUX_CONFIG_FILENAME : `${dir}/${FLUX_CONFIG_FILENAME}`;
      if (pathSet.has(candidate)) {
        plan.fluxConfigs.push(candidate);
        break;
      }
    }
  }

  const chartDirs = outermostChartDirs(pathSet);
  const envChart = chartHolding(envDir, chartDirs);
  if (envChart !== undefined) {
    plan.skipped.push({
      file: envChart,
      reason: `${chartReason(under.length)}; the environment path is this chart folder or inside it, so nothing is loaded`,
    });
    return plan;
  }

  under.sort(compareWalkOrder);
  const chartEntries = new Map<string, Skipped & { count: number }>();
  for (const path of under) {
    const chart = chartHolding(dirOf(path), chartDirs);
    if (chart !== undefined) {
      const entry = chartEntries.get(chart);
      if (entry) entry.count++;
      else {
        const created = { file: chart, reason: '', count: 1 };
        chartEntries.set(chart, created);
        plan.skipped.push(created);
      }
      continue;
    }
    const base = baseOf(path);
    if (!isYamlPath(path)) plan.skipped.push({ file: path, reason: 'not a .yaml or .yml file' });
    else if (KUSTOMIZATION_FILENAMES.includes(base)) {
      plan.skipped.push({ file: path, reason: 'kustomize configuration (kustomization.yaml) is not a resource' });
    } else if (base === FLUX_CONFIG_FILENAME) {
      plan.skipped.push({ file: path, reason: 'Flux manifest-generation config (.flux.yaml) is not a resource' });
    } else plan.files.push(path);
  }
  plan.skipped = plan.skipped.map((s) => {
    const entry = chartEntries.get(s.file);
    return entry === s ? { file: entry.file, reason: chartReason(entry.count) } : s;
  });
  return plan;
}
