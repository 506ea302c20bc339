/**
 * Pull requests: list (state/head/base filters), create (422 on a duplicate open PR for head/base, on
 * missing branches and on no commits between), update and get. Head/base SHAs follow the branches while open.
 */
import { notFound, unprocessable, validationFailed } from './errors.ts';
import { nodeId, nowIso, repositoryJson, simpleUser } from './shapes.ts';
import { paginate } from './page.ts';
import type { FakeRepo, PullRecord } from './repo.ts';
import type { Ctx, Route } from './router.ts';
import type { FakeState } from './state.ts';

function obj(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {};
}

/** The pull request JSON GitHub answers (and sends in `pull_request` webhooks); `full` adds the merge fields. */
export async function pullJson(ctx: { repo: FakeRepo; state: FakeState }, pr: PullRecord, full: boolean): Promise<Record<string, unknown>> {
  const { repo, state } = ctx;
  const b = state.bases;
  const api = `${b.api}/repos/${repo.fullName}`;
  const html = `${b.html}/${repo.fullName}`;
  if (pr.state === 'open' && !pr.headRepo) {
    pr.headSha = (await repo.git.refValue(`refs/heads/${pr.head}`)) ?? pr.headSha;
    pr.baseSha = (await repo.git.refValue(`refs/heads/${pr.base}`)) ?? pr.baseSha;
  }
  const repoJson = repositoryJson(b, repo, await repo.defaultBranch());
  const side = (ref: string, sha: string): Record<string, unknown> => ({ label: `${repo.owner}:${ref}`, ref, sha, user: simpleUser(b, repo.owner), repo: repoJson });
  const headSide = (): Record<string, unknown> => {
    if (!pr.headRepo) return side(pr.head, pr.headSha);
    // A fork: the head branch lives in another repository (its commits are readable here, as under refs/pull/N/head).
    const [owner, name] = pr.headRepo.split('/') as [string, string];
    const forkRepo = { ...repositoryJson(b, { ...repo, fullName: pr.headRepo, owner, name, id: repo.id + 500_000, pulls: [] } as unknown as FakeRepo, pr.head), fork: true };
    return { label: `${owner}:${pr.head}`, ref: pr.head, sha: pr.headSha, user: simpleUser(b, owner), repo: forkRepo };
  };
  const n = pr.number;
  const json: Record<string, unknown> = {
    url: `${api}/pulls/${n}`, id: pr.id, node_id: nodeId('PullRequest', pr.id), html_url: `${html}/pull/${n}`,
    diff_url: `${html}/pull/${n}.diff`, patch_url: `${html}/pull/${n}.patch`, issue_url: `${api}/issues/${n}`,
    commits_url: `${api}/pulls/${n}/commits`, review_comments_url: `${api}/pulls/${n}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`, comments_url: `${api}/issues/${n}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`, number: n, state: pr.state, locked: false, title: pr.title,
    user: simpleUser(b, pr.user), body: pr.body, labels: [], milestone: null, active_lock_reason: null,
    created_at: pr.createdAt, updated_at: pr.updatedAt, closed_at: pr.closedAt, merged_at: null, merge_commit_sha: null,
    assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    head: headSide(), base: side(pr.base, pr.baseSha),
    _links: {
      self: { href: `${api}/pulls/${n}` }, html: { href: `${html}/pull/${n}` }, issue: { href: `${api}/issues/${n}` },
      comments: { href: `${api}/issues/${n}/comments` }, review_comments: { href: `${api}/pulls/${n}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` }, commits: { href: `${api}/pulls/${n}/commits` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: 'OWNER', auto_merge: null, draft: pr.draft,
  };
  if (!full) return json;
  const commits = await repo.git.revList([pr.headSha, `^${pr.baseSha}`]);
  const base = await repo.git.mergeBase(pr.baseSha, pr.headSha);
  const files = base ? await repo.git.diff(base, pr.headSha) : [];
  const merge = await repo.git.run(['merge-tree', '--write-tree', pr.baseSha, pr.headSha], { okCodes: [1] });
  const clean = merge.code === 0;
  return {
    ...json, merged: false, mergeable: pr.state === 'open' ? clean : null, rebaseable: pr.state === 'open' ? clean : null,
    mergeable_state: pr.state === 'open' ? (clean ? 'clean' : 'dirty') : 'unknown', merged_by: null, comments: 0,
    review_comments: 0, maintainer_can_modify: pr.maintainerCanModify, commits: commits.length,
    additions: files.reduce((s, f) => s + f.additions, 0), deletions: files.reduce((s, f) => s + f.deletions, 0), changed_files: files.length,
  };
}

function duplicate(ctx: Ctx, head: string, base: string, except?: number): void {
  if (ctx.repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base && p.number !== except)) {
    throw unprocessable('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${ctx.repo.owner}:${head}.` }]);
  }
}

function findPull(ctx: Ctx): PullRecord {
  const pr = ctx.repo.pulls.find((p) => p.number === Number(ctx.params['pull_number']));
  if (!pr) throw notFound();
  return pr;
}

/** The routes of this group. */
export const pullRoutes: Route[] = [
  {
    method: 'GET', path: '/repos/{owner}/{repo}/pulls',
    async handler(ctx) {
      const state = ctx.query.get('state') ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('PullRequest', 'state', 'invalid');
      const head = ctx.query.get('head');
      const base = ctx.query.get('base');
      const direction = ctx.query.get('direction') ?? 'desc';
      const key = ctx.query.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
      const pulls = ctx.repo.pulls
        .filter((p) => state === 'all' || p.state === state)
        .filter((p) => !head || `${ctx.repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase() || (!head.includes(':') && p.head === head))
        .filter((p) => !base || p.base === base)
        .sort((a, b) => (a[key] === b[key] ? a.number - b.number : a[key] < b[key] ? -1 : 1) * (direction === 'asc' ? 1 : -1));
      const json = await Promise.all(pulls.map((p) => pullJson(ctx, p, false)));
      return paginate(ctx, `/repos/${ctx.repo.fullName}/pulls`, json);
    },
  },
  {
    method: 'POST', path: '/repos/{owner}/{repo}/pulls',
    async handler(ctx) {
      const body = obj(ctx.body);
      const { repo } = ctx;
      if (typeof body['title'] !== 'string' || !body['title']) throw validationFailed('PullRequest', 'title', 'missing_field');
      if (typeof body['head'] !== 'string') throw validationFailed('PullRequest', 'head', 'missing_field');
      if (typeof body['base'] !== 'string') throw validationFailed('PullRequest', 'base', 'missing_field');
      const [headOwner, headName] = body['head'].includes(':') ? body['head'].split(':', 2) as [string, string] : [repo.owner, body['head']];
      const base = body['base'];
      const headSha = headOwner.toLowerCase() === repo.owner.toLowerCase() ? await repo.git.refValue(`refs/heads/${headName}`) : undefined;
      if (!headSha) throw validationFailed('PullRequest', 'head', 'invalid');
      const baseSha = await repo.git.refValue(`refs/heads/${base}`);
      if (!baseSha) throw validationFailed('PullRequest', 'base', 'invalid');
      duplicate(ctx, headName, base);
      if (await repo.git.isAncestor(headSha, baseSha)) {
        throw unprocessable('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${headName}` }]);
      }
      const now = nowIso();
      const pr: PullRecord = {
        number: repo.pulls.length + 1, id: ctx.state.id(), title: body['title'], body: typeof body['body'] === 'string' ? body['body'] : null,
        state: 'open', draft: body['draft'] === true, head: headName, base, headSha, baseSha, user: ctx.state.user,
        maintainerCanModify: body['maintainer_can_modify'] !== false, createdAt: now, updatedAt: now, closedAt: null,
      };
      repo.pulls.push(pr);
      ctx.state.pullRequestEvent(repo, pr.number, 'opened');
      const json = await pullJson(ctx, pr, true);
      return { status: 201, body: json, headers: { location: String(json['url']) } };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}',
    async handler(ctx) {
      return { status: 200, body: await pullJson(ctx, findPull(ctx), true) };
    },
  },
  {
    method: 'PATCH', path: '/repos/{owner}/{repo}/pulls/{pull_number}',
    async handler(ctx) {
      const pr = findPull(ctx);
      const body = obj(ctx.body);
      const next = { ...pr };
      if (body['title'] !== undefined) {
        if (typeof body['title'] !== 'string') throw validationFailed('PullRequest', 'title', 'invalid');
        next.title = body['title'];
      }
      if (body['body'] !== undefined) next.body = typeof body['body'] === 'string' ? body['body'] : null;
      if (body['state'] !== undefined) {
        if (body['state'] !== 'open' && body['state'] !== 'closed') throw validationFailed('PullRequest', 'state', 'invalid');
        next.state = body['state'];
      }
      if (body['base'] !== undefined) {
        if (typeof body['base'] !== 'string' || !(await ctx.repo.git.refValue(`refs/heads/${body['base']}`))) throw validationFailed('PullRequest', 'base', 'invalid');
        next.base = body['base'];
      }
      if (typeof body['maintainer_can_modify'] === 'boolean') next.maintainerCanModify = body['maintainer_can_modify'];
      if (next.state === 'open') duplicate(ctx, next.head, next.base, pr.number);
      const now = nowIso();
      next.updatedAt = now;
      if (pr.state === 'open' && next.state === 'closed') next.closedAt = now;
      if (next.state === 'open') next.closedAt = null;
      const action = pr.state === next.state ? 'edited' : next.state === 'closed' ? 'closed' : 'reopened';
      Object.assign(pr, next);
      ctx.state.pullRequestEvent(ctx.repo, pr.number, action);
      return { status: 200, body: await pullJson(ctx, pr, true) };
    },
  },
];

/** The `pull_request` webhook payload for a stored pull request, after GitHub's example in @octokit/webhooks-examples. */
export async function pullRequestPayload(state: FakeState, repo: FakeRepo, number: number, action: string, extra: Record<string, unknown>): Promise<Record<string, unknown>> {
  const pr = repo.pulls.find((p) => p.number === number);
  if (!pr) throw new Error(`no pull request #${number} in ${repo.fullName}`);
  const json = await pullJson({ repo, state }, pr, true);
  return { action, number, ...extra, pull_request: json, repository: repositoryJson(state.bases, repo, await repo.defaultBranch()), sender: simpleUser(state.bases, state.user) };
}
