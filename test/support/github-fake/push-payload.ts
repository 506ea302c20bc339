/**
 * Builds GitHub `push` webhook payloads from git history, shaped after the real example in
 * `@octokit/webhooks-examples`: ref, before, after, created, deleted, forced, base_ref, compare, commits[],
 * head_commit, repository, pusher, sender.
 */
import { createRequire } from 'node:module';
import { GitRepo, ZERO_SHA, type GitCommit } from './git.ts';
import { loginForEmail, simpleUser, stableId, type Bases } from './shapes.ts';

/** What a push payload is built from. Works on any git directory; the fake passes its own. */
export interface PushPayloadInput {
  /** The git directory (bare repository, or the `.git` of a work tree). */
  gitDir: string;
  /** The fake's reader of that directory (its remembered objects and long-lived reader); else one for this call. */
  git?: GitRepo;
  /** `owner/name`. */
  fullName: string;
  /** Full ref name, e.g. `refs/heads/main`. */
  ref: string;
  /** SHA before the push; ZERO_SHA for a new ref. */
  before: string;
  /** SHA after the push; ZERO_SHA for a deleted ref. */
  after: string;
  /** Login of the pusher and sender (default `github-fake`). */
  pusher?: string;
  /** API and HTML roots for URLs (default GitHub's). */
  bases?: Bases;
  /** Repository id (default derived from the name). */
  repositoryId?: number;
  /** Default branch (default: the git directory's HEAD branch). */
  defaultBranch?: string;
}

/** A push commit entry. */
export interface PushCommit {
  id: string; tree_id: string; distinct: boolean; message: string; timestamp: string; url: string;
  author: { name: string; email: string; username?: string }; committer: { name: string; email: string; username?: string };
  added: string[]; removed: string[]; modified: string[];
}

/** The push event body (the fields our code reads are typed; the rest follows GitHub's example). */
export interface PushPayload {
  ref: string; before: string; after: string; created: boolean; deleted: boolean; forced: boolean;
  base_ref: string | null; compare: string; commits: PushCommit[]; head_commit: PushCommit | null;
  repository: Record<string, unknown> & { id: number; name: string; full_name: string; default_branch: string; owner: Record<string, unknown> };
  pusher: { name: string; email: string }; sender: Record<string, unknown>;
}

const MAX_COMMITS = 2048;
const MAX_FILES = 3000;

let example: Record<string, unknown> | undefined;
/** GitHub's example push payload (a branch push with one commit). */
export function examplePushPayload(): Record<string, unknown> {
  if (!example) {
    const all = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
    const push = all.find((e) => e.name === 'push')!.examples;
    example = push.find((e) => String(e['ref']).startsWith('refs/heads/') && Array.isArray(e['commits']) && (e['commits'] as unknown[]).length > 0) ?? push[0]!;
  }
  return structuredClone(example);
}

function personOf(p: { name: string; email: string }): { name: string; email: string; username?: string } {
  const username = loginForEmail(p.email);
  return username ? { name: p.name, email: p.email, username } : { name: p.name, email: p.email };
}

async function pushCommit(git: GitRepo, html: string, c: GitCommit, distinct: boolean): Promise<PushCommit> {
  const changes = await git.diff(c.parents[0], c.sha, false);
  const pick = (status: string): string[] => changes.filter((f) => f.status === status).map((f) => f.path).slice(0, MAX_FILES);
  return {
    id: c.sha, tree_id: c.tree, distinct, message: c.message.replace(/\n$/, ''), timestamp: c.author.date,
    url: `${html}/commit/${c.sha}`, author: personOf(c.author), committer: personOf(c.committer),
    added: pick('added'), removed: pick('removed'), modified: changes.filter((f) => f.status !== 'added' && f.status !== 'removed').map((f) => f.path).slice(0, MAX_FILES),
  };
}

function repositoryOf(template: Record<string, unknown>, input: PushPayloadInput, bases: Bases, defaultBranch: string): PushPayload['repository'] {
  const [owner, name] = input.fullName.split('/') as [string, string];
  const id = input.repositoryId ?? stableId(input.fullName);
  const api = `${bases.api}/repos/${input.fullName}`;
  const text = JSON.stringify(template)
    .replaceAll('https://api.github.com/repos/Codertocat/Hello-World', api)
    .replaceAll('https://api.github.com/users/Codertocat', `${bases.api}/users/${owner}`)
    .replaceAll('https://github.com/Codertocat/Hello-World', `${bases.html}/${input.fullName}`)
    .replaceAll('Codertocat/Hello-World', input.fullName).replaceAll('Codertocat', owner).replaceAll('Hello-World', name);
  const repo = JSON.parse(text) as PushPayload['repository'];
  const now = Math.floor(Date.now() / 1000);
  Object.assign(repo, {
    id, node_id: Buffer.from(`0:Repository${id}`).toString('base64'), created_at: now, pushed_at: now,
    updated_at: new Date(now * 1000).toISOString().slice(0, 19) + 'Z', default_branch: defaultBranch, master_branch: defaultBranch,
    description: null, language: null, forks_count: 0, forks: 0, open_issues_count: 0, open_issues: 0, size: 0,
  });
  repo.owner = { ...simpleUser(bases, owner), name: owner, email: `${owner}@users.noreply.github.com` };
  return repo;
}

/** Builds the `push` payload for moving `ref` from `before` to `after` (either may be ZERO_SHA). */
export async function buildPushPayload(input: PushPayloadInput): Promise<PushPayload> {
  if (input.git) return pushPayload(input, input.git);
  const git = new GitRepo(input.gitDir);
  try {
    return await pushPayload(input, git);
  } finally {
    await git.close();
  }
}

async function pushPayload(input: PushPayloadInput, git: GitRepo): Promise<PushPayload> {
  const bases = input.bases ?? { api: 'https://api.github.com', html: 'https://github.com' };
  const html = `${bases.html}/${input.fullName}`;
  const { ref, before, after } = input;
  const created = before === ZERO_SHA;
  const deleted = after === ZERO_SHA;
  const forced = !created && !deleted && !(await git.isAncestor(before, after));
  const others = (await git.listRefs()).filter((r) => r.ref.startsWith('refs/heads/') && r.ref !== ref);
  let commits: PushCommit[] = [];
  if (!deleted) {
    const range = created ? [after, '--not', ...others.map((o) => o.sha)] : [after, `^${before}`];
    const shas = (await git.revList(['--reverse', ...range])).slice(-MAX_COMMITS);
    const distinct = new Set(await git.revList([after, ...(created ? [] : [`^${before}`]), '--not', ...others.map((o) => o.sha)]));
    for (const sha of shas) commits.push(await pushCommit(git, html, (await git.readCommit(sha))!, distinct.has(sha)));
  }
  let headCommit: PushCommit | null = null;
  if (!deleted) {
    headCommit = commits.find((c) => c.id === after) ?? await pushCommit(git, html, (await git.readCommit(after))!, false);
  }
  const template = examplePushPayload();
  const pusher = input.pusher ?? 'github-fake';
  const short = (s: string): string => s.slice(0, 12);
  const compare = created ? `${html}/compare/${ref.replace(/^refs\/(heads|tags)\//, '')}` : `${html}/compare/${short(before)}...${short(after)}`;
  const baseRef = created && !deleted ? others.find((o) => o.sha === after)?.ref ?? null : null;
  commits = commits.slice(0, MAX_COMMITS);
  return {
    ref, before, after, created, deleted, forced, base_ref: baseRef, compare, commits, head_commit: headCommit,
    repository: repositoryOf(template['repository'] as Record<string, unknown>, input, bases, input.defaultBranch ?? await git.headBranch()),
    pusher: { name: pusher, email: `${pusher}@users.noreply.github.com` },
    sender: simpleUser(bases, pusher),
  };
}
