/**
 * A GitHub REST (and GraphQL file-read) API fake backed by real git repositories.
 *
 * ```ts
 * const fake = await startGitHubFake({ repos: [{ fullName: 'acme/config', files: { 'apps/web.yaml': 'image: web:1\n' } }] });
 * const octokit = new Octokit({ baseUrl: fake.url, auth: 'x' });
 * await fake.commit('main', { files: { 'apps/web.yaml': 'image: web:2\n' }, message: 'bump' });
 * await fake.close();
 * ```
 */
import type { Server } from 'node:http';
import { ZERO_SHA } from './git.ts';
import { createRepo, type CheckRunRecord, type CommentRecord, type FakeRepo, type PullRecord, type RepoSpec, type StatusRecord } from './repo.ts';
import { FakeState, type FakeLimits, type RefUpdateHook, type RequestLogEntry } from './state.ts';
import { listen } from './server.ts';
import { refRoutes } from './routes-refs.ts';
import { objectRoutes } from './routes-objects.ts';
import { repoRoutes } from './routes-repos.ts';
import { pullRequestPayload, pullRoutes } from './routes-pulls.ts';
import { checkRoutes } from './routes-checks.ts';
import { commentRoutes } from './routes-comments.ts';
import { appRoutes } from './routes-app.ts';
import { nowIso } from './shapes.ts';
import { statusRoutes } from './routes-statuses.ts';
import { graphqlRoutes } from './graphql.ts';
import type { FaultOptions, RateLimitOptions, SecondaryLimitOptions } from './limits.ts';
import type { WebhookConfig, WebhookDelivery } from './webhooks.ts';

export { ZERO_SHA } from './git.ts';
export { buildPushPayload, examplePushPayload, type PushPayload, type PushPayloadInput, type PushCommit } from './push-payload.ts';
export { webhookRequest, type WebhookConfig, type WebhookDelivery } from './webhooks.ts';
export type { FaultOptions, RateLimitOptions, SecondaryLimitOptions } from './limits.ts';
export type { FakeLimits, RefUpdateEvent, RefUpdateHook, RequestLogEntry } from './state.ts';
export type { CheckRunRecord, CommentRecord, PullRecord, RepoSpec, StatusRecord } from './repo.ts';
export { CHECK_ANNOTATIONS_PER_REQUEST, CHECK_TEXT_MAX } from './routes-checks.ts';
export { COMMENT_BODY_MAX } from './routes-comments.ts';

/** The request log: the entries in arrival order (an array), plus counts by `METHOD /route/template` and the total. */
export type RequestLog = RequestLogEntry[] & { counts: Record<string, number>; total: number };

/** Options of {@link startGitHubFake}. */
export interface GitHubFakeOptions {
  /** Repositories to serve (at least one). The first is the default for helpers that take no repository. */
  repos: RepoSpec[];
  /** Port (default 0: any free port). */
  port?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Response time of every request, from its arrival to its answer (the fake's own work inside it). */
  latencyMs?: number;
  /** Require `Authorization: token|Bearer <token>` (401 otherwise). */
  token?: string;
  /** Send (or with `capture`, only record) push events when branches move. */
  webhook?: WebhookConfig;
  /** Login writes are attributed to (default `github-fake`). */
  user?: string;
  /** HTML root for `html_url`s and webhook URLs (default `https://github.com`). */
  htmlUrl?: string;
  /** Size limits (tree truncation, compare caps, GraphQL text). */
  limits?: Partial<FakeLimits>;
  /** Keep each JSON answer in the request log (`response`), for schema checks. */
  captureBodies?: boolean;
  /** The GitHub App the fake plays (installation-token exchange; check runs need its tokens). */
  app?: { id: number; installationId: number; slug?: string; publicKey?: string };
  /** The clock of rate-limit resets and retry-after windows, in ms (default `Date.now`; tests move a fake one). */
  now?: () => number;
}

/** A pull request opened by a test: {@link GitHubFake.openPullRequest}. */
export interface OpenPullRequest {
  /** The head branch (in this repository, also for a fork: its commits must be readable here, as under refs/pull/N/head). */
  head: string;
  base: string;
  title?: string;
  draft?: boolean;
  /** `owner/name` of the fork the head comes from. */
  fork?: string;
  repo?: string;
}

/** A change for {@link GitHubFake.commit}: path to new text, or null to delete. */
export interface CommitChange {
  files: Record<string, string | null>;
  message?: string;
  /** Repository (default: the first). */
  repo?: string;
  author?: { name: string; email: string; date?: string };
  /** Parents (default: the branch head, or the default branch head when the branch is new). */
  parents?: string[];
}

/** A running fake. */
export interface GitHubFake {
  /** Base URL, for Octokit's `baseUrl` (GraphQL is at `${url}/graphql`). */
  readonly url: string;
  /** Stops the server, waits for webhook deliveries, removes temporary repositories. */
  close(): Promise<void>;
  /**
   * Simulates a developer's push: commits `files` on `branch` through git plumbing and sends its push event.
   * Returns the new SHA. `commit(branch, change)` uses the first repository (or `change.repo`).
   */
  commit(repo: string, branch: string, change: CommitChange): Promise<string>;
  commit(branch: string, change: CommitChange): Promise<string>;
  /** Moves (force-pushes) or, with ZERO_SHA, deletes a branch; sends the push event. Returns the previous SHA. */
  setBranch(repo: string, branch: string, sha: string): Promise<string>;
  /** The SHA of a branch, or undefined. */
  head(repo: string, branch: string): Promise<string | undefined>;
  /** A file's text at a ref (branch, tag or SHA), or undefined. */
  readFile(repo: string, ref: string, path: string): Promise<string | undefined>;
  /** The git directory backing a repository (for direct git inspection in tests). */
  gitDir(repo: string): string;
  setFaults(options: FaultOptions): void;
  setLatency(ms: number): void;
  setRateLimit(options: RateLimitOptions): void;
  setSecondaryRateLimit(options: SecondaryLimitOptions | null): void;
  setLimits(limits: Partial<FakeLimits>): void;
  setToken(token: string | undefined): void;
  /** Replaces the webhook target; null turns deliveries off. */
  setWebhook(config: WebhookConfig | null): void;
  /** Adds a hook run after the fake read a ref and before its compare-and-swap (API updates only). Returns a remover. */
  onBeforeRefUpdate(hook: RefUpdateHook): () => void;
  /** Every request since start or the last reset, in arrival order, with `counts` by route template and `total`. */
  requests(): RequestLog;
  /** Request counts by `METHOD /route/template` (e.g. `GET /repos/{owner}/{repo}/git/trees/{tree_sha}`). */
  requestCounts(): Record<string, number>;
  resetRequests(): void;
  pulls(repo: string): PullRecord[];
  statuses(repo: string, sha: string): StatusRecord[];
  /** Opens a pull request and sends its `opened` event (as a developer would, without the API). Returns its number. */
  openPullRequest(pr: OpenPullRequest): Promise<number>;
  /** Closes a pull request and sends its `closed` event. */
  closePullRequest(repo: string, number: number): Promise<void>;
  /** Check runs on a commit (every one, oldest first). */
  checkRuns(repo: string, sha: string): CheckRunRecord[];
  /** Comments on an issue or pull request, oldest first. */
  comments(repo: string, number: number): CommentRecord[];
  /** Recorded webhook deliveries, after waiting for queued ones. */
  deliveries(): Promise<WebhookDelivery[]>;
  clearDeliveries(): void;
  /** Sends push events for refs moved outside the API (e.g. by `git push` into a repository served in place). */
  syncRefs(): Promise<void>;
  /** The fake's internal state (limits in `state.sizes`, the log, repositories). Prefer the setters above. */
  readonly state: FakeState;
}

function countRoutes(log: RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of log) counts[e.route] = (counts[e.route] ?? 0) + 1;
  return counts;
}

/** Starts the fake. Temporary repositories live under `os.tmpdir()` and are removed by `close()`. */
export async function startGitHubFake(options: GitHubFakeOptions): Promise<GitHubFake> {
  if (!options.repos.length) throw new Error('failed to start the GitHub fake: no repositories');
  const state = new FakeState(options.webhook ?? null);
  state.token = options.token;
  state.user = options.user ?? state.user;
  state.captureBodies = options.captureBodies ?? false;
  state.sizes = { ...state.sizes, ...options.limits };
  state.limits.latencyMs = options.latencyMs ?? 0;
  if (options.app) state.app = { slug: 'gitops', ...options.app };
  state.pullRequestPayload = (repo, number, action, extra) => pullRequestPayload(state, repo, number, action, extra);
  if (options.now) state.limits.now = options.now;
  const created: FakeRepo[] = [];
  let server: Server;
  try {
    for (const [i, spec] of options.repos.entries()) {
      const repo = await createRepo(spec, 100_000 + i + 1);
      created.push(repo);
      state.repos.set(repo.fullName.toLowerCase(), repo);
      await state.snapshot(repo);
    }
    const routes = [...refRoutes, ...objectRoutes, ...statusRoutes, ...checkRoutes, ...repoRoutes, ...pullRoutes, ...commentRoutes, ...appRoutes, ...graphqlRoutes];
    const started = await listen(state, routes, options.port ?? 0, options.host);
    server = started.server;
    state.bases = { api: started.url, html: options.htmlUrl ?? 'https://github.com' };
  } catch (error) {
    await Promise.all(created.map((r) => r.dispose()));
    throw new Error('failed to start the GitHub fake', { cause: error });
  }
  const first = created[0]!;
  const repoOf = (name: string | undefined): FakeRepo => (name ? state.repo(name) : first);

  return {
    url: state.bases.api,
    async close() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await state.webhooks.idle();
      await Promise.all(created.map((r) => r.dispose()));
    },
    async commit(a: string, b: string | CommitChange, c?: CommitChange) {
      const [branch, change, repo] = typeof b === 'string' ? [b, c!, state.repo(a)] : [a, b, repoOf(b.repo)];
      const ref = `refs/heads/${branch}`;
      for (let attempt = 0; ; attempt++) {
        if (attempt === 20) throw new Error(`failed to commit to ${branch}: the branch keeps moving`);
        const current = await repo.git.refValue(ref);
        const parents = change.parents ?? [current ?? await repo.git.refValue(`refs/heads/${await repo.defaultBranch()}`)].filter((p): p is string => !!p);
        const baseTree = parents[0] ? (await repo.git.readCommit(parents[0]))?.tree : undefined;
        const files = Object.entries(change.files);
        const written = await repo.git.hashBlobs(files.flatMap(([, text]) => (text === null ? [] : [text])));
        const edits = files.map(([path, text]) => ({ path, mode: '100644', sha: text === null ? null : written.shift()! }));
        const tree = await repo.git.buildTree(baseTree, edits);
        const author = change.author ?? { name: 'Developer', email: 'developer@users.noreply.github.com' };
        const sha = await repo.git.commitTree({ tree, parents, message: change.message ?? `Update ${Object.keys(change.files).join(', ')}`, author });
        if (await state.moveRef(repo, ref, sha, current ?? ZERO_SHA)) return sha;
      }
    },
    async setBranch(name, branch, sha) {
      const repo = state.repo(name);
      const moved = await state.moveRef(repo, `refs/heads/${branch}`, sha, undefined);
      if (!moved) throw new Error(`failed to move ${branch} in ${name}`);
      return moved.before;
    },
    head: (name, branch) => state.repo(name).git.refValue(`refs/heads/${branch}`),
    async readFile(name, ref, path) {
      const repo = state.repo(name);
      const sha = await repo.resolveCommit(ref);
      if (!sha) return undefined;
      const [obj] = await repo.git.readBatch([`${sha}:${path}`]);
      return obj?.type === 'blob' ? obj.content.toString('utf8') : undefined;
    },
    gitDir: (name) => state.repo(name).git.gitDir,
    setFaults: (o) => state.limits.setFaults(o),
    setLatency: (ms) => { state.limits.latencyMs = ms; },
    setRateLimit: (o) => state.limits.setRateLimit(o),
    setSecondaryRateLimit: (o) => state.limits.setSecondaryRateLimit(o),
    setLimits: (l) => { state.sizes = { ...state.sizes, ...l }; },
    setToken: (t) => { state.token = t; },
    setWebhook: (c) => { state.webhooks.config = c; },
    onBeforeRefUpdate(hook) {
      state.hooks.push(hook);
      return () => { const i = state.hooks.indexOf(hook); if (i >= 0) state.hooks.splice(i, 1); };
    },
    requests() {
      return Object.assign([...state.log], { counts: countRoutes(state.log), total: state.log.length });
    },
    requestCounts: () => countRoutes(state.log),
    resetRequests: () => { state.log.length = 0; },
    pulls: (name) => state.repo(name).pulls.map((p) => ({ ...p })),
    statuses: (name, sha) => state.repo(name).statuses.filter((s) => s.sha === sha).map((s) => ({ ...s })),
    async openPullRequest(o) {
      const repo = repoOf(o.repo);
      const headSha = await repo.git.refValue(`refs/heads/${o.head}`);
      const baseSha = await repo.git.refValue(`refs/heads/${o.base}`);
      if (!headSha || !baseSha) throw new Error(`failed to open a pull request ${o.head} → ${o.base}: no such branch`);
      const now = nowIso();
      const pr: PullRecord = {
        number: repo.pulls.length + 1, id: state.id(), title: o.title ?? `Merge ${o.head} into ${o.base}`, body: null, state: 'open', draft: o.draft ?? false,
        head: o.head, base: o.base, headSha, baseSha, user: o.fork ? o.fork.split('/')[0]! : state.user, maintainerCanModify: true,
        createdAt: now, updatedAt: now, closedAt: null, ...(o.fork ? { headRepo: o.fork } : {}),
      };
      repo.pulls.push(pr);
      state.pullRequestEvent(repo, pr.number, 'opened');
      return pr.number;
    },
    async closePullRequest(name, number) {
      const repo = state.repo(name);
      const pr = repo.pulls.find((p) => p.number === number);
      if (!pr) throw new Error(`no pull request #${number} in ${name}`);
      pr.state = 'closed';
      pr.closedAt = pr.updatedAt = nowIso();
      state.pullRequestEvent(repo, number, 'closed');
    },
    checkRuns: (name, sha) => state.repo(name).checkRuns.filter((r) => r.headSha === sha).map((r) => structuredClone(r)),
    comments: (name, number) => state.repo(name).comments.filter((c) => c.issue === number).map((c) => ({ ...c })),
    async deliveries() {
      await state.webhooks.idle();
      return state.webhooks.deliveries();
    },
    clearDeliveries: () => state.webhooks.clear(),
    state,
    async syncRefs() {
      for (const repo of created) await state.syncRefs(repo);
    },
  };
}
