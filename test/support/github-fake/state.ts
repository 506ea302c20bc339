/**
 * The state shared by all handlers: repositories, base URLs, limits, the request log, race hooks and webhooks.
 * Every ref move goes through {@link FakeState.moveRef}, which compare-and-swaps in git and then queues a push event.
 */
import { ZERO_SHA } from './git.ts';
import { Limits } from './limits.ts';
import { notFound } from './errors.ts';
import { buildPushPayload } from './push-payload.ts';
import { WebhookSender, type WebhookConfig } from './webhooks.ts';
import type { FakeRepo } from './repo.ts';
import type { Bases } from './shapes.ts';

/** A ref update the API is about to make (given to race hooks). */
export interface RefUpdateEvent {
  repo: string; ref: string; before: string; after: string; force: boolean;
}

/** Runs between the fake's read of a ref and its compare-and-swap; may move the ref to force a lost race. */
export type RefUpdateHook = (event: RefUpdateEvent) => void | Promise<void>;

/** One logged request. `route` is `METHOD /openapi/template` (or `METHOD <unmatched>`). */
export interface RequestLogEntry {
  method: string; path: string; route: string; status: number; durationMs: number; at: string;
  /** The JSON body answered, when `captureBodies` is on. */
  response?: unknown;
}

/** Size limits GitHub applies; tests lower them to reach the truncated paths. */
export interface FakeLimits {
  /** Entries in a recursive tree listing before `truncated: true` (GitHub: 100,000). */
  treeEntries: number;
  /** Files listed by compare and by a single commit (GitHub: 300). */
  compareFiles: number;
  /** Commits listed by compare (GitHub: 250). */
  compareCommits: number;
  /** Bytes of `Blob.text` in GraphQL before `isTruncated` (the fake's choice: 512 KiB). */
  graphqlText: number;
  /** Bytes of file content the contents API inlines (GitHub: 1 MiB; larger answers `encoding: none`). */
  contentsInline: number;
}

/** Everything the handlers share. */
export class FakeState {
  readonly repos = new Map<string, FakeRepo>();
  bases: Bases = { api: '', html: 'https://github.com' };
  readonly limits = new Limits();
  sizes: FakeLimits = { treeEntries: 100_000, compareFiles: 300, compareCommits: 250, graphqlText: 512 * 1024, contentsInline: 1024 * 1024 };
  /** The login API writes are attributed to (sender, pusher, PR author, status creator). */
  user = 'github-fake';
  token: string | undefined;
  readonly hooks: RefUpdateHook[] = [];
  readonly webhooks: WebhookSender;
  readonly log: RequestLogEntry[] = [];
  captureBodies = false;
  /** The GitHub App the fake plays: its id, and the public key installation-token exchanges are verified with. */
  app: { id: number; slug: string; installationId: number; clientId?: string; publicKey?: string } = { id: 1, slug: 'gitops', installationId: 1 };
  /** Installation tokens the app exchange handed out: accepted like `token`, and the only ones that may write check runs. */
  readonly installationTokens = new Set<string>();
  /** Builds a pull request's `pull_request` webhook payload (set by the pulls routes; see pull-request-events.ts). */
  pullRequestPayload: ((repo: FakeRepo, number: number, action: string, extra: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined;
  private nextId = 1;
  /** Last known value of each branch, to notice moves made outside the API ({@link FakeState.syncRefs}). */
  private readonly known = new Map<string, string>();
  /** The tail of the ref moves and scans in flight ({@link FakeState.serially}). */
  private refQueue: Promise<unknown> = Promise.resolve();

  constructor(webhook: WebhookConfig | null) {
    this.webhooks = new WebhookSender(webhook);
  }

  /** A fresh id (pull requests, statuses). */
  id(): number {
    return this.nextId++;
  }

  /** The repository for `owner/name` (case-insensitive), or a 404. */
  repo(fullName: string): FakeRepo {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  /** Remembers every ref's current value (called at start). */
  async snapshot(repo: FakeRepo): Promise<void> {
    for (const r of await repo.git.listRefs()) this.known.set(`${repo.fullName}\0${r.ref}`, r.sha);
  }

  /**
   * Compare-and-swap `ref` from `expected` (undefined: any; ZERO_SHA: must not exist) to `next` (ZERO_SHA deletes).
   * On success queues a push event and returns the previous value; on a lost race returns undefined.
   */
  moveRef(repo: FakeRepo, ref: string, next: string, expected: string | undefined): Promise<{ before: string } | undefined> {
    return this.serially(async () => {
      const before = expected ?? (await repo.git.refValue(ref)) ?? ZERO_SHA;
      if (!(await repo.git.updateRef(ref, next, before === ZERO_SHA && expected === undefined ? undefined : before))) return undefined;
      this.refMoved(repo, ref, before, next);
      return { before };
    });
  }

  /**
   * Runs ref moves and ref scans one at a time: a scan that read the refs while an API move was between its git
   * update and its bookkeeping would send that move's push event a second time.
   */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.refQueue.then(work);
    this.refQueue = run.then(() => undefined, () => undefined);
    return run;
  }

  /** Records a ref move and queues its push event (branches and tags). */
  refMoved(repo: FakeRepo, ref: string, before: string, after: string): void {
    this.known.set(`${repo.fullName}\0${ref}`, after);
    if (before === after) return;
    repo.pushedAt = new Date().toISOString().slice(0, 19) + 'Z';
    if (!ref.startsWith('refs/heads/') && !ref.startsWith('refs/tags/')) return;
    const bases = this.bases;
    this.webhooks.enqueue('push', async () => ({ ...await buildPushPayload({
      gitDir: repo.git.gitDir, git: repo.git, fullName: repo.fullName, ref, before, after, pusher: this.user, bases, repositoryId: repo.id,
    }) }), repo.id);
    // A push to an open pull request's head branch synchronizes it (GitHub sends `pull_request` `synchronize`).
    if (!ref.startsWith('refs/heads/') || after === ZERO_SHA) return;
    for (const pr of repo.pulls.filter((p) => p.state === 'open' && `refs/heads/${p.head}` === ref)) {
      pr.headSha = after;
      this.pullRequestEvent(repo, pr.number, 'synchronize', { before, after });
    }
  }

  /** Queues a `pull_request` webhook for a pull request (opened, synchronize, closed, ...). */
  pullRequestEvent(repo: FakeRepo, number: number, action: string, extra: Record<string, unknown> = {}): void {
    const build = this.pullRequestPayload;
    if (!build) return;
    this.webhooks.enqueue('pull_request', () => build(repo, number, action, extra), repo.id);
  }

  /** Notices refs moved outside the API (e.g. `git push` into a repository served in place) and sends their events. */
  syncRefs(repo: FakeRepo): Promise<void> {
    return this.serially(async () => {
      const now = new Map((await repo.git.listRefs()).map((r) => [r.ref, r.sha]));
      const prefix = `${repo.fullName}\0`;
      for (const [key, sha] of [...this.known]) {
        if (key.startsWith(prefix) && !now.has(key.slice(prefix.length))) this.refMoved(repo, key.slice(prefix.length), sha, ZERO_SHA);
      }
      for (const [ref, sha] of now) {
        const before = this.known.get(prefix + ref) ?? ZERO_SHA;
        if (before !== sha) this.refMoved(repo, ref, before, sha);
      }
    });
  }

  /** Runs the race hooks for an API ref update. */
  async runHooks(event: RefUpdateEvent): Promise<void> {
    for (const hook of [...this.hooks]) await hook(event);
  }
}
