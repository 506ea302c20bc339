/**
 * Shared setup of the reliability scenarios: the git-backed GitHub fake serving a config repository with a
 * gitops.yaml, and "instances" of the real runtime pieces (a cold GitHubSource, its config provider and
 * branch locks), as separate Functions instances would hold them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KeyedMutex } from '../../shared/pipeline/keyed-mutex.ts';
import { createConfigProvider, type ConfigProvider } from '../../shared/pipeline/config-provider.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import type { OnImagePushedDeps } from '../../shared/pipeline/on-image-pushed.ts';
import type { ImagePushed } from '../../shared/pipeline/registry-event.ts';
import { createGitHubSource, type GitHubSource } from '../../shared/sources/github/index.ts';
import { startGitHubFake, type GitHubFake } from '../support/github-fake/index.ts';

const run = promisify(execFile);

export const REPO = 'acme/config';
export const TOKEN = 'ghs_reliability-token';
export const REGISTRY = 'radixdev.azurecr.io';
export const GITOPS_YAML = `environments:
  development:
    branch: main
    path: development-configs
    registries: [${REGISTRY}]
`;

/** A Deployment following `host/name` with `filter` (glob:master-* unless given), running `tag`; one file, one container. */
export function workloadAt(host: string, name: string, tag: string, filter = 'glob:master-*'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: apps
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.${name}: ${filter}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: ${name}
          image: ${host}/${name}:${tag}
`;
}

/** {@link workloadAt} in this harness's registry. */
export function workload(name: string, tag: string, filter = 'glob:master-*'): string {
  return workloadAt(REGISTRY, name, tag, filter);
}

export const workloadPath = (name: string): string => `development-configs/${name}.yaml`;

/** Starts the fake with gitops.yaml and `files` on `main`. */
export function startConfigRepo(files: Record<string, string>, latencyMs = 0): Promise<GitHubFake> {
  return startGitHubFake({ repos: [{ fullName: REPO, files: { 'gitops.yaml': GITOPS_YAML, ...files }, branches: ['main'] }], token: TOKEN, latencyMs });
}

/** A cold adapter, as a new Functions instance builds it (no spacing of writes, short rate-limit waits). */
export function coldSource(fake: GitHubFake, options: { fetch?: typeof fetch; maxRetries?: number } = {}): GitHubSource {
  return createGitHubSource(
    { repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0, maxRateLimitWaitSeconds: 5, ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}) },
    { retryAfterBaseMs: 5, log: { debug() {}, info() {}, warn() {}, error() {} }, ...(options.fetch ? { fetch: options.fetch } : {}) },
  );
}

/** One Functions instance's share of the runtime for image events. */
export interface Instance {
  source: GitHubSource;
  config: ConfigProvider;
  deps: OnImagePushedDeps;
}

export function instance(fake: GitHubFake, options: { fetch?: typeof fetch; maxAttempts?: number } = {}): Instance {
  const source = coldSource(fake, options);
  const config = createConfigProvider(source, { ttlMs: 600_000, defaultBranchFallback: true });
  return { source, config, deps: { config, source, proposer: source, branchLocks: new KeyedMutex(), log: silentLogger, maxAttempts: options.maxAttempts ?? 8 } };
}

let n = 0;
/** An ImagePushed event as the registry parsers produce it. */
export function imageEvent(repository: string, tag: string, id = `evt-${++n}`): ImagePushed {
  return { id, registry: REGISTRY, repository, tag, digest: `sha256:${'c'.repeat(64)}`, pushedAt: undefined };
}

/** git in the fake's repository. */
export async function git(fake: GitHubFake, ...args: string[]): Promise<string> {
  return (await run('git', ['-C', fake.gitDir(REPO), ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
}

/** The commits on main after `base`, oldest first, each with its parents and the paths it changed. */
export async function commitsSince(fake: GitHubFake, base: string): Promise<{ sha: string; parents: string[]; message: string; paths: string[] }[]> {
  const out = await git(fake, 'log', '--reverse', '--format=%x1e%H %P%x1f%s', '--name-only', `${base}..main`);
  return out.split('\x1e').filter((s) => s.trim()).map((block) => {
    const [head, ...rest] = block.split('\n');
    const [ids, message] = head!.split('\x1f') as [string, string];
    const [sha, ...parents] = ids.trim().split(' ');
    return { sha: sha!, parents, message, paths: rest.map((l) => l.trim()).filter(Boolean) };
  });
}

/** The file's text on main. */
export async function fileOnMain(fake: GitHubFake, path: string): Promise<string | undefined> {
  return fake.readFile(REPO, 'main', path);
}

/** The tag `name`'s image has in `text`, if any. */
export function tagIn(text: string | undefined, name: string): string | undefined {
  return text?.match(new RegExp(`${REGISTRY.replace(/\./g, '\\.')}/${name}:([^\\s"']+)`))?.[1];
}
