/**
 * Issue comments (a pull request is an issue): list and create on an issue, get and update one comment.
 * GitHub's limit on a comment body (65,536 characters) is enforced.
 */
import { notFound, validationFailed } from './errors.ts';
import { nodeId, nowIso, simpleUser } from './shapes.ts';
import { paginate } from './page.ts';
import type { CommentRecord, FakeRepo } from './repo.ts';
import type { Ctx, Route } from './router.ts';
import type { FakeState } from './state.ts';

/** GitHub's limit on a comment body. */
export const COMMENT_BODY_MAX = 65_536;

function commentJson(state: FakeState, repo: FakeRepo, c: CommentRecord): Record<string, unknown> {
  const api = `${state.bases.api}/repos/${repo.fullName}`;
  return {
    id: c.id, node_id: nodeId('IssueComment', c.id), url: `${api}/issues/comments/${c.id}`,
    html_url: `${state.bases.html}/${repo.fullName}/pull/${c.issue}#issuecomment-${c.id}`, body: c.body, user: simpleUser(state.bases, c.user),
    created_at: c.createdAt, updated_at: c.updatedAt, issue_url: `${api}/issues/${c.issue}`, author_association: 'OWNER',
  };
}

function bodyOf(ctx: Ctx): string {
  const body = ctx.body && typeof ctx.body === 'object' ? (ctx.body as Record<string, unknown>)['body'] : undefined;
  if (typeof body !== 'string' || body === '') throw validationFailed('IssueComment', 'body', 'missing_field');
  if (body.length > COMMENT_BODY_MAX) throw validationFailed('IssueComment', 'body', 'custom', `body is too long (maximum is ${COMMENT_BODY_MAX} characters)`);
  return body;
}

function findComment(ctx: Ctx): CommentRecord {
  const c = ctx.repo.comments.find((x) => x.id === Number(ctx.params['comment_id']));
  if (!c) throw notFound();
  return c;
}

/** The routes of this group. */
export const commentRoutes: Route[] = [
  {
    method: 'GET', path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    async handler(ctx) {
      const n = Number(ctx.params['issue_number']);
      if (!ctx.repo.pulls.some((p) => p.number === n)) throw notFound();
      const list = ctx.repo.comments.filter((c) => c.issue === n).sort((a, b) => a.id - b.id);
      return paginate(ctx, `/repos/${ctx.repo.fullName}/issues/${n}/comments`, list.map((c) => commentJson(ctx.state, ctx.repo, c)));
    },
  },
  {
    method: 'POST', path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    async handler(ctx) {
      const n = Number(ctx.params['issue_number']);
      if (!ctx.repo.pulls.some((p) => p.number === n)) throw notFound();
      const now = nowIso();
      const c: CommentRecord = { id: ctx.state.id(), issue: n, body: bodyOf(ctx), user: ctx.state.user, createdAt: now, updatedAt: now };
      ctx.repo.comments.push(c);
      const json = commentJson(ctx.state, ctx.repo, c);
      return { status: 201, body: json, headers: { location: String(json['url']) } };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    async handler(ctx) {
      return { status: 200, body: commentJson(ctx.state, ctx.repo, findComment(ctx)) };
    },
  },
  {
    method: 'PATCH', path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    async handler(ctx) {
      const c = findComment(ctx);
      c.body = bodyOf(ctx);
      c.updatedAt = nowIso();
      return { status: 200, body: commentJson(ctx.state, ctx.repo, c) };
    },
  },
];
