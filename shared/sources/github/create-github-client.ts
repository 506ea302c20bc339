/**
 * The one place an Octokit is built: retry (5xx, network) and throttling (primary and secondary rate limits,
 * bounded waits) plugins, writes paced by `writeIntervalMs` and `writeBurst` (reads, GraphQL queries included, are not), token or GitHub App authentication (installation tokens are created
 * and refreshed by `@octokit/auth-app`), and a base URL for GitHub Enterprise Server.
 */
import { Octokit } from '@octokit/rest';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { createAppAuth } from '@octokit/auth-app';
import { finalClientStatuses } from '../../retry/transient.ts';
import { graphqlUrlFor, isAppAuth, parseGitHubSettings, type GitHubSettings } from './github-settings.ts';
import { RetryLimiter, concurrencyGroup, passThroughGroup, timerFreeRetry, type RetryOptions } from './octokit-limiters.ts';

const GitOpsOctokit = Octokit.plugin(timerFreeRetry, throttling);
export type GitOpsOctokit = InstanceType<typeof GitOpsOctokit>;

/** Where log lines go. Never given secrets: the adapter logs methods, paths and waits only. */
export interface GitHubLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface GitHubClientOptions {
  /** The fetch to use (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  log?: GitHubLog;
  /** Milliseconds per second of `retry-after` / rate-limit reset (default 1000; tests may shrink it). */
  retryAfterBaseMs?: number;
  /** The clock and the wait that space writes (default Date.now and a timer; tests pass their own). */
  clock?: { now(): number; sleep(ms: number): Promise<void> };
}

/** An authenticated client bound to one repository. */
export interface GitHubClient {
  readonly octokit: GitOpsOctokit;
  readonly owner: string;
  readonly repo: string;
  readonly graphqlUrl: string;
  readonly settings: Readonly<Omit<GitHubSettings, 'auth'>>;
  readonly log: GitHubLog;
}

const quietLog: GitHubLog = {
  debug: () => {},
  info: () => {},
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** Validates `input` (see github-settings.ts) and builds the client; throws a ConfigError naming bad settings. */
export function createGitHubClient(input: unknown, options: GitHubClientOptions = {}): GitHubClient {
  const settings = parseGitHubSettings(input);
  const log = options.log ?? quietLog;
  const [owner, repo] = settings.repository.split('/') as [string, string];
  const { auth, ...visible } = settings;
  const limitHandler = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
    const retrying = retryCount < settings.maxRetries && retryAfter <= settings.maxRateLimitWaitSeconds;
    log.warn(`GitHub ${kind} on ${request.method} ${request.url}: ${retrying ? `retrying in ${retryAfter}s` : `giving up (wait ${retryAfter}s, attempt ${retryCount + 1})`}`);
    return retrying;
  };
  const throttle: ThrottlingOptions = {
    id: `${settings.repository}@${settings.baseUrl}`,
    onRateLimit: limitHandler('rate limit'),
    onSecondaryRateLimit: limitHandler('secondary rate limit'),
    retryAfterBaseValue: options.retryAfterBaseMs ?? 1000,
    // The plugin spaces GraphQL queries like writes and cannot tell them apart (its limiter sees no request):
    // its write group is a pass-through and `paceWrites` below paces the content-creating requests only. Its
    // global group and retry limiter keep their rules without Bottleneck's timer hops (octokit-limiters.ts).
    ...({ write: passThroughGroup(), global: concurrencyGroup(10), retryLimiter: new RetryLimiter((options.clock ?? timerClock).sleep) } as object),
  };
  const retry: RetryOptions = { retries: settings.maxRetries, doNotRetry: finalClientStatuses(), retryAfterBaseValue: options.retryAfterBaseMs ?? 1000, sleep: (options.clock ?? timerClock).sleep };
  const octokit = new GitOpsOctokit({
    baseUrl: settings.baseUrl,
    userAgent: settings.userAgent,
    ...(isAppAuth(auth)
      ? { authStrategy: createAppAuth, auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId } }
      : { auth: auth.token }),
    request: options.fetch ? { fetch: options.fetch } : {},
    log,
    throttle,
    // The one retry rule (shared/retry): final 4xx answers are not retried, 429 is the throttling plugin's.
    retry,
  });
  paceWrites(octokit, settings.writeIntervalMs, settings.writeBurst, options.clock ?? timerClock);
  return { octokit, owner, repo, graphqlUrl: settings.graphqlUrl ?? graphqlUrlFor(settings.baseUrl), settings: visible, log };
}

const timerClock: NonNullable<GitHubClientOptions['clock']> = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Paces content-creating requests by GitHub's published budget for them (no more than 80 a minute): up to `burst`
 * start at once, then one every `intervalMs` (GitHub's "a second between writes"), the allowance refilling at that
 * rate up to `burst`. With the defaults (20, 1 s), at most 80 start in any minute. A push's commit statuses (one per
 * cluster) go out together instead of one a second, which kept each sync job of an instance waiting for its own.
 * GraphQL queries, reads and token exchanges start at once; GraphQL mutations are writes.
 */
function paceWrites(octokit: GitOpsOctokit, intervalMs: number, burst: number, clock: NonNullable<GitHubClientOptions['clock']>): void {
  const take = writeAllowance(intervalMs, burst, clock);
  octokit.hook.wrap('request', async (request, options) => {
    if (isContentWrite(options.method, String(options.url), options['query'])) await take();
    return request(options);
  });
}

/**
 * A token bucket on start times: each caller takes one token at once (the allowance may go below zero: callers
 * queue) and waits until the refill has paid for it. `intervalMs` 0 never waits.
 */
export function writeAllowance(intervalMs: number, burst: number, clock: NonNullable<GitHubClientOptions['clock']>): () => Promise<void> {
  let tokens = burst;
  let at = clock.now();
  return async () => {
    if (intervalMs <= 0) return;
    const now = clock.now();
    tokens = Math.min(burst, tokens + (now - at) / intervalMs) - 1;
    at = now;
    if (tokens < 0) await clock.sleep(Math.ceil(-tokens * intervalMs));
  };
}

/** Whether a request creates content: not a read, not a GraphQL query, not an authentication exchange. */
export function isContentWrite(method: string | undefined, url: string, query?: unknown): boolean {
  if (!method || method === 'GET' || method === 'HEAD') return false;
  const path = new URL(url, 'http://github.invalid').pathname;
  if (/\/graphql$/.test(path)) return typeof query === 'string' && /^\s*mutation\b/.test(query);
  return !/\/(app\/installations\/[^/]+\/access_tokens|applications\/[^/]+\/token(\/scoped)?|login\/oauth\/access_token)$/.test(path);
}

/** A one-line reason for a failed GitHub call, naming rate limits and their reset time. No secrets. */
export function describeGitHubError(error: unknown): string {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  const headers = e.response?.headers ?? {};
  if ((e.status === 403 || e.status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? ''))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = reset ? ` until ${new Date(reset * 1000).toISOString()}` : headers['retry-after'] ? ` for ${headers['retry-after']}s` : '';
    return `GitHub rate limit exceeded${when} (waited the allowed time): ${e.message ?? ''}`.trim();
  }
  if (typeof e.status === 'number') return `GitHub answered ${e.status}: ${e.message ?? ''}`;
  return e.message ?? String(error);
}

/** `new Error('failed to <action>: <reason>', { cause })`. */
export function gitHubFailure(action: string, error: unknown): Error {
  return new Error(`failed to ${action}: ${describeGitHubError(error)}`, { cause: error });
}
