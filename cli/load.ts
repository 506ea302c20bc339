/** What the local commands share: the working-tree source and the configuration it selects. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { findEnvironment, type Environment, type GitopsConfig } from '../shared/config/index.ts';
import { openWorkingTree } from '../shared/app/laptop.ts';
import { defaultGitUrl } from '../shared/app/runtime.ts';
import { loadConfig } from '../shared/pipeline/load-config.ts';
import type { WorkingTreeSource } from '../shared/sources/working-tree.ts';
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';

export interface LocalRepo {
  source: WorkingTreeSource;
  revision: string;
  config: GitopsConfig;
}

/** Opens `--repo DIR` (default: the current directory) and loads `--config F`, its gitops.yaml, or the defaults. */
export async function openLocalRepo(ctx: CommandContext, repo: string | undefined, configFile: string | undefined): Promise<LocalRepo> {
  const dir = path.resolve(ctx.cwd, repo ?? '.');
  const { source, revision } = openWorkingTree(dir);
  try {
    await source.resolveBranch('');
  } catch {
    throw new UsageError(`--repo ${repo ?? '.'}: no such directory`);
  }
  let explicit: { text: string; file: string } | undefined;
  if (configFile !== undefined) {
    const file = path.resolve(ctx.cwd, configFile);
    try {
      explicit = { text: await readFile(file, 'utf8'), file: configFile };
    } catch (err) {
      throw new UsageError(`--config ${configFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  return { source, revision, config: await loadConfig(source, revision, explicit) };
}

/** The environment named by --env, or a UsageError listing the ones that exist. */
export function requireEnvironment(config: GitopsConfig, name: string): Environment {
  const env = findEnvironment(config, name);
  if (!env) {
    throw new UsageError(`--env ${name}: no such environment in ${config.source} (have: ${config.environments.map((e) => e.name).join(', ')})`);
  }
  return env;
}

/**
 * The repository URL the GC marks are computed from: --git-url, else GITOPS_GIT_URL (as the app reads it),
 * else https://github.com/<repository in gitops.yaml>, else the checkout's origin remote; undefined with none
 * (marks computed from a folder would name this checkout only: prune must refuse).
 */
export async function gitUrlFor(local: LocalRepo, flag: string | undefined, env: CommandContext['env']): Promise<string | undefined> {
  return flag ?? env.GITOPS_GIT_URL ?? (local.config.repository ? defaultGitUrl(local.config.repository) : await originUrl(local.source.dir));
}

/** The checkout's `origin` remote, or undefined (no git, no remote). */
async function originUrl(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', dir, 'remote', 'get-url', 'origin']);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
