/**
 * A GitHub fake with one repository and the real adapter pointed at it, plus helpers to count API calls.
 */
import { startGitHubFake } from '../../support/github-fake/index.ts';
import { createGitHubSource, type GitHubSource } from '../../../shared/sources/github/index.ts';
import type { GitHubClientOptions, GitHubLog } from '../../../shared/sources/github/index.ts';

export const REPO = 'acme/config';
export const TOKEN = 'ghs_test-token-0123456789';

export type Fake = Awaited<ReturnType<typeof startGitHubFake>>;

export interface Fixture {
  fake: Fake;
  source: GitHubSource;
  logged: string[];
  /** Calls made since the last reset, by route template (`GET /repos/{owner}/{repo}/git/trees/{tree_sha}`). */
  calls(): Record<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

/** A log that keeps every line (to check that no secret is ever logged). */
export function memoryLog(lines: string[]): GitHubLog {
  const keep = (m: string) => { lines.push(m); };
  return { debug: keep, info: keep, warn: keep, error: keep };
}

export async function startFixture(
  files: Record<string, string>,
  options: { settings?: Record<string, unknown>; client?: GitHubClientOptions; branches?: string[] } = {},
): Promise<Fixture> {
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files, branches: options.branches ?? ['main'] }], token: TOKEN });
  const logged: string[] = [];
  const source = createGitHubSource(
    { repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0, ...options.settings },
    { log: memoryLog(logged), ...options.client },
  );
  const calls = () => fake.requests().counts;
  return {
    fake,
    source,
    logged,
    calls,
    total: () => fake.requests().total,
    reset: () => fake.resetRequests(),
    close: () => fake.close(),
  };
}

/** `count` manifests spread over folders, each about 1.5 KB like the corpus's. */
export function manifests(count: number, tag = '1.0.0'): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    files[`development-configs/team-${i % 20}/${name}.yaml`] = deployment(name, tag, i);
  }
  return files;
}

export function deployment(name: string, tag: string, seed = 0): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata:\n  name: ${name}\n  namespace: team-${seed % 20}\n  annotations:\n    fluxcd.io/automated: "true"`,
    'spec:',
    `  replicas: ${1 + (seed % 3)}`,
    `  selector:\n    matchLabels:\n      app: ${name}`,
    '  template:',
    `    metadata:\n      labels:\n        app: ${name}`,
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: radixdev.azurecr.io/${name}:${tag}`,
    '          resources:\n            requests:\n              cpu: 10m\n              memory: 32Mi',
    `# ${'padding '.repeat(100)}`,
    '',
  ].join('\n');
}
