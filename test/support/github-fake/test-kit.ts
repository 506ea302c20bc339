/**
 * Shared setup for the fake's own tests: a fake with one repository and an Octokit pointed at it.
 */
import { Octokit } from '@octokit/rest';
import { startGitHubFake, type GitHubFake, type GitHubFakeOptions } from './index.ts';

export const REPO = { owner: 'acme', repo: 'config' } as const;
export const FULL = 'acme/config';
export const TOKEN = 'ghp_fake-token';

/** An Octokit logger that drops its output (failed calls are expected in these tests). */
export const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Files of the default test repository. */
export const FILES: Record<string, string> = {
  'README.md': '# config\n',
  'apps/web/deployment.yaml': 'image: registry.example/web:1.0.0\n',
  'apps/api/deployment.yaml': 'image: registry.example/api:1.0.0\n',
  'base/kustomization.yaml': 'resources: []\n',
};

/** Starts a fake serving acme/config with {@link FILES}, plus an Octokit using {@link TOKEN}. */
export async function setup(options: Partial<GitHubFakeOptions> = {}): Promise<{ fake: GitHubFake; octokit: Octokit }> {
  const fake = await startGitHubFake({ repos: [{ fullName: FULL, files: FILES }], token: TOKEN, ...options });
  return { fake, octokit: new Octokit({ baseUrl: fake.url, auth: TOKEN, log: QUIET }) };
}

/** The HTTP status of a rejected Octokit call (throws if it did not fail). */
export async function statusOf(call: Promise<unknown>): Promise<{ status: number; message: string; data: unknown }> {
  try {
    await call;
  } catch (error) {
    const e = error as { status: number; message: string; response?: { data: unknown } };
    return { status: e.status, message: e.message, data: e.response?.data };
  }
  throw new Error('expected the call to fail');
}
