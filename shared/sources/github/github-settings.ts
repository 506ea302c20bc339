/**
 * Settings of the GitHub adapter, validated: which repository, which API (github.com or a GitHub Enterprise
 * Server), how to authenticate (a token, or a GitHub App installation), who commits, and how long to wait out
 * rate limits. Values come from the edges (app settings, CLI flags); this module never reads `process.env`.
 * Validation messages name the setting and never echo its value (tokens and keys are secrets).
 */
import { DEFAULT_COMMITTER } from '../../config/settings.ts';
import { z } from 'zod';
import { ConfigError } from '../../config/config-error.ts';
import { issuePath, REPOSITORY_NAME } from '../../config/validation.ts';

const PUBLIC_API = 'https://api.github.com';

const person = z.object({ name: z.string().min(1), email: z.string().min(3) });

const tokenAuth = z.object({ token: z.string().min(1, 'must not be empty') }).strict();

const appAuth = z
  .object({
    appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a number')]),
    privateKey: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }),
    installationId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a number')]),
  })
  .strict();

export const gitHubSettingsSchema = z
  .object({
    /** `owner/name` of the config repository. */
    repository: z.string().regex(REPOSITORY_NAME, 'must be owner/name'),
    /** REST API root: `https://api.github.com` (default) or `https://HOST/api/v3` for GitHub Enterprise Server. */
    baseUrl: z.url({ protocol: /^https?$/ }).default(PUBLIC_API),
    /** GraphQL endpoint; derived from `baseUrl` when absent (see {@link graphqlUrlFor}). */
    graphqlUrl: z.url({ protocol: /^https?$/ }).optional(),
    auth: z.union([tokenAuth, appAuth], { error: 'must be { token } or { appId, privateKey, installationId }' }),
    /** Author and committer of the adapter's commits. */
    committer: person.default({ ...DEFAULT_COMMITTER }),
    userAgent: z.string().min(1).default('serverless-gitops'),
    /** Longest wait for a primary or secondary rate limit before failing (seconds). */
    maxRateLimitWaitSeconds: z.number().int().min(0).default(120),
    /** How many times one request may be retried after rate limits or server errors. */
    maxRetries: z.number().int().min(0).max(10).default(3),
    /**
     * Pacing of content-creating requests (GitHub asks for 1 s between writes, and at most 80 a minute): once
     * `writeBurst` have started together, one per `writeIntervalMs`; reads and GraphQL queries are not paced.
     */
    writeIntervalMs: z.number().int().min(0).default(1000),
    /** Content-creating requests that may start at once before `writeIntervalMs` paces them (20 + 60 a minute = 80). */
    writeBurst: z.number().int().min(1).max(80).default(20),
    /** Size of the blob-text cache (bytes of text, UTF-16 code units × 2). */
    cacheMaxBytes: z.number().int().min(0).default(64 * 1024 * 1024),
    /** Largest commit tarball (uncompressed bytes) read in one call instead of a tree and file batches; 0: never. */
    archiveMaxBytes: z.number().int().min(0).default(128 * 1024 * 1024),
  })
  .strict();

export type GitHubSettingsInput = z.input<typeof gitHubSettingsSchema>;
export type GitHubSettings = z.output<typeof gitHubSettingsSchema>;
export type AppAuth = z.output<typeof appAuth>;

/** Validates settings; throws a ConfigError naming each bad setting (`github.auth.privateKey: must be ...`). */
export function parseGitHubSettings(input: unknown): GitHubSettings {
  const result = gitHubSettingsSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      return `invalid setting ${issuePath(issue, ['github'])}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const settings = result.data;
  settings.baseUrl = settings.baseUrl.replace(/\/+$/, '');
  if (/^https?:\/\/(www\.)?github\.com$/i.test(settings.baseUrl)) {
    throw new ConfigError([`invalid setting github.baseUrl: use ${PUBLIC_API} (the API host), not github.com`]);
  }
  return settings;
}

/**
 * The GraphQL endpoint for a REST base URL: `https://api.github.com` → `https://api.github.com/graphql`;
 * GitHub Enterprise Server `https://HOST/api/v3` → `https://HOST/api/graphql`; any other root → `<root>/graphql`.
 */
export function graphqlUrlFor(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (/\/api\/v3$/.test(base)) return base.replace(/\/api\/v3$/, '/api/graphql');
  return `${base}/graphql`;
}

/** Whether the settings authenticate as a GitHub App installation. */
export function isAppAuth(auth: GitHubSettings['auth']): auth is AppAuth {
  return 'appId' in auth;
}
