/**
 * Which configuration applies: an explicit file, else `gitops.yaml` at the
 * repository root at the revision, else the seed's embedded defaults.
 */
import { DEFAULT_CONFIG, parseConfig, type GitopsConfig } from '../config/index.ts';
import type { SourceReader } from '../sources/port.ts';

export const CONFIG_FILE = 'gitops.yaml';

/** Loads the configuration; throws ConfigError for an invalid file. */
export async function loadConfig(
  source: SourceReader,
  revision: string,
  explicit?: { text: string; file: string },
): Promise<GitopsConfig> {
  if (explicit) return parseConfig(explicit.text, explicit.file);
  const text = (await source.readFiles(revision, [CONFIG_FILE])).get(CONFIG_FILE);
  return text === undefined ? DEFAULT_CONFIG : parseConfig(text, CONFIG_FILE);
}
