/**
 * Where the environments come from at run time: inline YAML (the GITOPS_CONFIG
 * setting), else gitops.yaml at the tip of the repository's default branch,
 * else the seed's defaults. Re-read at most every `ttlMs` (a warm instance
 * pays no GitHub call per event for it; a cold one pays one where the source
 * reads branch and file at once); an invalid file is a ConfigError.
 */
import { DEFAULT_CONFIG, parseConfig, type GitopsConfig } from '../config/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { CONFIG_FILE, loadConfig } from './load-config.ts';

export type ConfigProvider = () => Promise<GitopsConfig>;

export function createConfigProvider(source: SourceReader, options: { inlineYaml?: string | undefined; ttlMs?: number; now?: () => number } = {}): ConfigProvider {
  if (options.inlineYaml !== undefined) {
    const config = parseConfig(options.inlineYaml, 'GITOPS_CONFIG');
    return async () => config;
  }
  const ttl = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; value: Promise<GitopsConfig> } | undefined;
  return () => {
    if (cached && now() - cached.at < ttl) return cached.value;
    const value = (async () => {
      if (source.readDefaultBranchFile) {
        const { text } = await source.readDefaultBranchFile(CONFIG_FILE);
        return text === undefined ? DEFAULT_CONFIG : parseConfig(text, CONFIG_FILE);
      }
      const branch = await source.defaultBranch();
      return loadConfig(source, await source.resolveBranch(branch));
    })();
    cached = { at: now(), value };
    value.catch(() => {
      if (cached?.value === value) cached = undefined; // never cache a failure
    });
    return value;
  };
}
