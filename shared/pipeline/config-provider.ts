/**
 * Where the environments come from at run time (README "Security"):
 * - `GITOPS_CONFIG` (inline YAML, the operator's): every environment, read once and checked against the bounds;
 * - `GITOPS_ENVIRONMENTS` (environment=branch pairs): each environment's definition from gitops.yaml at the tip
 *   of its own branch and nowhere else, so a push to a branch can change only the environments deploying from
 *   it, and a broken file stops only those;
 * - on a laptop only (`defaultBranchFallback`): gitops.yaml at the default branch, else the seed's defaults.
 * Branch tips are re-read at most every `ttlMs`; a hint ("branch B is now at revision R", from a push or a sync
 * job) reads B's definitions at R at once, so a push that edits gitops.yaml is planned with the new file.
 */
import { boundsProblems, ConfigError, DEFAULT_CONFIG, parseConfig, type Environment, type GitopsConfig, type OperatorBounds, type UnavailableEnvironment } from '../config/index.ts';
import type { FileAt, SourceReader } from '../sources/port.ts';
import { CONFIG_FILE, loadConfig } from './load-config.ts';

/** A branch known to be at (at least) a revision. */
export interface ConfigHint {
  branch: string;
  revision: string;
  /**
   * Where the branch was before it moved to `revision` (a push's `before`). When the cached tip is at `before`,
   * `revision` is the newer tip for certain and replaces it, read once; otherwise (no tip cached, or a late or
   * reordered delivery) the tip is read again on its next use.
   */
  before?: string;
}

export type ConfigProvider = (hint?: ConfigHint) => Promise<GitopsConfig>;

export interface ConfigProviderOptions {
  /** GITOPS_CONFIG. */
  inlineYaml?: string | undefined;
  /** GITOPS_ENVIRONMENTS. */
  environmentBranches?: ReadonlyMap<string, string> | undefined;
  /** Read gitops.yaml at the default branch when neither is set: the laptop's default, never the Function App's. */
  defaultBranchFallback?: boolean;
  bounds?: OperatorBounds;
  ttlMs?: number;
  now?: () => number;
}

export const NO_SAFE_SOURCE =
  'no safe configuration source: set GITOPS_CONFIG (Bicep parameter gitopsConfig) to the environments as YAML, '
  + 'or GITOPS_ENVIRONMENTS (Bicep parameter environmentBranches) to environment=branch pairs so each environment is read from gitops.yaml on its own branch '
  + '(gitops.yaml on the default branch is never read implicitly: anyone who can push there could redefine every environment)';

/** Builds the provider; throws ConfigError when the operator's inline config is invalid or beyond the bounds, or no source is safe. */
export function createConfigProvider(source: SourceReader, options: ConfigProviderOptions = {}): ConfigProvider {
  const bounds = options.bounds ?? {};
  if (options.inlineYaml !== undefined) {
    const config = parseConfig(options.inlineYaml, 'GITOPS_CONFIG', { operator: true });
    const problems = config.environments.flatMap((e) => boundsProblems(e, bounds)).map((p) => `GITOPS_CONFIG: ${p}`);
    if (problems.length > 0) throw new ConfigError(problems);
    return async () => config;
  }
  const ttl = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  if (options.environmentBranches) return perBranchProvider(source, options.environmentBranches, bounds, ttl, now);
  if (!options.defaultBranchFallback) throw new ConfigError([NO_SAFE_SOURCE]);
  return defaultBranchProvider(source, bounds, ttl, now);
}

/** One branch's share of the environments, read at one revision. */
interface BranchPart {
  revision: string | undefined;
  repository?: string;
  environments: Environment[];
  unavailable: UnavailableEnvironment[];
}

function readFileAt(source: SourceReader, at: { branch: string } | { revision: string }): Promise<FileAt> {
  if (source.readFileAt) return source.readFileAt(at, CONFIG_FILE);
  return (async () => {
    const revision = 'revision' in at ? at.revision : await source.resolveBranch(at.branch);
    return { revision, text: (await source.readFiles(revision, [CONFIG_FILE])).get(CONFIG_FILE) };
  })();
}

function perBranchProvider(source: SourceReader, pins: ReadonlyMap<string, string>, bounds: OperatorBounds, ttl: number, now: () => number): ConfigProvider {
  const branches = [...new Set(pins.values())];
  const tips = new Map<string, { at: number; part: Promise<BranchPart> }>();
  const atRevision = new Map<string, Promise<BranchPart>>();

  const read = async (branch: string, at: { branch: string } | { revision: string }): Promise<BranchPart> => {
    const names = [...pins].filter(([, b]) => b === branch).map(([n]) => n);
    const unavailable = (reason: string, transient = false): BranchPart => ({ revision: undefined, environments: [], unavailable: names.map((name) => ({ name, branch, reason, ...(transient ? { transient } : {}) })) });
    let file: FileAt;
    try {
      file = await readFileAt(source, at);
    } catch (err) {
      return unavailable(`failed to read ${CONFIG_FILE} on branch ${branch}: ${(err as Error).message}`, true);
    }
    const where = `${CONFIG_FILE} on branch ${branch} at ${file.revision.slice(0, 12)}`;
    if (file.text === undefined) return { ...unavailable(`${where} does not exist (GITOPS_ENVIRONMENTS pins the environment to this branch)`), revision: file.revision };
    let config: GitopsConfig;
    try {
      config = parseConfig(file.text, `${CONFIG_FILE}@${branch}`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { ...unavailable(`${where} is invalid: ${err.message}`), revision: file.revision };
    }
    const part: BranchPart = { revision: file.revision, ...(config.repository ? { repository: config.repository } : {}), environments: [], unavailable: [] };
    for (const name of names) {
      const env = config.environments.find((e) => e.name === name);
      const problems = !env
        ? [`does not define environment ${name}`]
        : env.branch !== branch
          ? [`environments.${name}.branch: ${env.branch}, but GITOPS_ENVIRONMENTS pins ${name} to ${branch} (a branch defines only the environments deploying from it)`]
          : boundsProblems(env, bounds);
      if (problems.length === 0) part.environments.push(env!);
      else part.unavailable.push({ name, branch, reason: `${where}: ${problems.join('; ')}` });
    }
    return part;
  };

  const tip = (branch: string): Promise<BranchPart> => {
    const hit = tips.get(branch);
    if (hit && now() - hit.at < ttl) return hit.part;
    return setTip(branch, read(branch, { branch }));
  };
  const setTip = (branch: string, part: Promise<BranchPart>): Promise<BranchPart> => {
    tips.set(branch, { at: now(), part });
    void part.then((p) => { if (p.unavailable.some((u) => u.transient) && tips.get(branch)?.part === part) tips.delete(branch); }, () => { if (tips.get(branch)?.part === part) tips.delete(branch); });
    return part;
  };

  const at = (branch: string, revision: string): Promise<BranchPart> => {
    const key = `${branch}@${revision}`;
    let part = atRevision.get(key);
    if (!part) {
      atRevision.set(key, (part = read(branch, { revision })));
      void part.then((p) => { if (p.unavailable.some((u) => u.transient)) atRevision.delete(key); }, () => atRevision.delete(key));
      while (atRevision.size > 64) atRevision.delete(atRevision.keys().next().value!);
    }
    return part;
  };

  return async (hint) => {
    const hinted = hint && branches.includes(hint.branch) ? hint : undefined;
    // The branch moved. A tip cached at the hint's `before` (the push moved it from there) is replaced by the
    // hint's revision; any other is read again next time (whatever order deliveries arrive in). A hint for the
    // revision the cache already holds (every sync job of a push after the first) keeps it.
    if (hinted) {
      const cached = tips.get(hinted.branch);
      const cachedAt = cached ? await cached.part.then((p) => p.revision, () => undefined) : undefined;
      if (cachedAt !== hinted.revision && tips.get(hinted.branch) === cached) {
        if (cachedAt !== undefined && cachedAt === hinted.before) setTip(hinted.branch, at(hinted.branch, hinted.revision));
        else tips.delete(hinted.branch);
      }
    }
    const parts = await Promise.all(branches.map((b) => (hinted?.branch === b ? at(b, hinted.revision) : tip(b))));
    const byName = new Map(parts.flatMap((p) => p.environments).map((e) => [e.name, e]));
    const repository = parts.find((p) => p.repository)?.repository;
    return {
      ...(repository ? { repository } : {}),
      environments: [...pins.keys()].flatMap((n) => (byName.has(n) ? [byName.get(n)!] : [])),
      unavailable: parts.flatMap((p) => p.unavailable),
      source: `${CONFIG_FILE} on ${branches.join(', ')} (GITOPS_ENVIRONMENTS)`,
    };
  };
}

function withinBounds(config: GitopsConfig, bounds: OperatorBounds, branchOf: string): GitopsConfig {
  const unavailable: UnavailableEnvironment[] = [];
  const environments = config.environments.filter((e) => {
    const problems = boundsProblems(e, bounds);
    if (problems.length > 0) unavailable.push({ name: e.name, branch: branchOf, reason: `${config.source}: ${problems.join('; ')}` });
    return problems.length === 0;
  });
  return unavailable.length > 0 ? { ...config, environments, unavailable } : config;
}

/** The laptop's source: gitops.yaml at the default branch (the person running it is the operator). */
function defaultBranchProvider(source: SourceReader, bounds: OperatorBounds, ttl: number, now: () => number): ConfigProvider {
  let cached: { at: number; value: Promise<GitopsConfig>; revision: Promise<string | undefined> } | undefined;
  let defaultBranch: string | undefined;
  const load = async (at: (revision: string) => void): Promise<GitopsConfig> => {
    if (source.readDefaultBranchFile) {
      const { text, branch, revision } = await source.readDefaultBranchFile(CONFIG_FILE);
      defaultBranch = branch;
      at(revision);
      return withinBounds(text === undefined ? DEFAULT_CONFIG : parseConfig(text, CONFIG_FILE), bounds, branch);
    }
    const branch = (defaultBranch = await source.defaultBranch());
    const revision = await source.resolveBranch(branch);
    at(revision);
    return withinBounds(await loadConfig(source, revision), bounds, branch);
  };
  // A commit's gitops.yaml never changes: read once per revision (the webhook's read serves the jobs of its push).
  const atRevision = new Map<string, Promise<GitopsConfig>>();
  const remember = (entry: { at: number; value: Promise<GitopsConfig>; revision: Promise<string | undefined> }) => {
    cached = entry;
    entry.value.catch(() => {
      if (cached === entry) cached = undefined; // never cache a failure
    });
  };
  return async (hint) => {
    if (hint && defaultBranch !== undefined && hint.branch === defaultBranch) {
      const key = hint.revision;
      let value = atRevision.get(key);
      if (!value) {
        value = readFileAt(source, { revision: hint.revision }).then(({ text }) => withinBounds(text === undefined ? DEFAULT_CONFIG : parseConfig(text, CONFIG_FILE), bounds, hint.branch));
        atRevision.set(key, value);
        value.catch(() => atRevision.delete(key)); // never cache a failure
        while (atRevision.size > 64) atRevision.delete(atRevision.keys().next().value!);
      }
      // The branch moved: a tip cached at the hint's `before` is replaced by the hint's revision; any other is read again.
      const tip = cached;
      const tipAt = tip ? await tip.revision : undefined;
      if (cached === tip && tipAt !== hint.revision) {
        if (tip && tipAt !== undefined && tipAt === hint.before) remember({ at: now(), value, revision: Promise.resolve(hint.revision) });
        else cached = undefined;
      }
      return value;
    }
    if (cached && now() - cached.at < ttl) return cached.value;
    let revision: string | undefined;
    const value = load((r) => { revision = r; });
    remember({ at: now(), value, revision: value.then(() => revision, () => undefined) });
    return value;
  };
}
