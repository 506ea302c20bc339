/**
 * Commit statuses: create, list for a ref (newest first), and the combined status (latest per context).
 */
import { unprocessable, validationFailed } from './errors.ts';
import { nodeId, nowIso, repositoryJson, simpleUser, statusJson } from './shapes.ts';
import { paginate } from './page.ts';
import type { StatusRecord } from './repo.ts';
import type { Route } from './router.ts';

const STATES = new Set(['pending', 'success', 'failure', 'error']);

/** The combined state GitHub reports for the latest status of each context. */
export function combinedState(latest: StatusRecord[]): string {
  if (latest.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (latest.length === 0 || latest.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

/** The latest status per context, newest first. */
export function latestPerContext(all: StatusRecord[]): StatusRecord[] {
  const seen = new Set<string>();
  return [...all].sort((a, b) => b.id - a.id).filter((s) => !seen.has(s.context) && !!seen.add(s.context));
}

/** The routes of this group. */
export const statusRoutes: Route[] = [
  {
    method: 'POST', path: '/repos/{owner}/{repo}/statuses/{sha}',
    async handler(ctx) {
      const sha = ctx.params['sha']!;
      const body = (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Record<string, unknown>;
      if (!/^[0-9a-f]{40}$/.test(sha) || (await ctx.repo.git.objectType(sha)) !== 'commit') throw unprocessable(`No commit found for SHA: ${sha}`);
      if (typeof body['state'] !== 'string' || !STATES.has(body['state'])) throw validationFailed('Status', 'state', 'custom', 'state is not included in the list');
      if (typeof body['description'] === 'string' && body['description'].length > 140) {
        throw validationFailed('Status', 'description', 'custom', 'description is too long (maximum is 140 characters)');
      }
      const now = nowIso();
      const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
      const record: StatusRecord = {
        id: ctx.state.id(), sha, state: body['state'] as StatusRecord['state'], context: str(body['context']) ?? 'default',
        description: str(body['description']), targetUrl: str(body['target_url']), creator: ctx.state.user, createdAt: now, updatedAt: now,
      };
      ctx.repo.statuses.push(record);
      const json = statusJson(ctx.state.bases, ctx.repo, record);
      return { status: 201, body: json, headers: { location: String(json['url']) } };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/statuses',
    async handler(ctx) {
      const sha = await ctx.repo.commitSha(ctx.params['ref']!);
      const list = ctx.repo.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
      return paginate(ctx, `/repos/${ctx.repo.fullName}/commits/${ctx.params['ref']}/statuses`, list.map((s) => statusJson(ctx.state.bases, ctx.repo, s)));
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/status',
    async handler(ctx) {
      const { repo, state } = ctx;
      const sha = await repo.commitSha(ctx.params['ref']!);
      const latest = latestPerContext(repo.statuses.filter((s) => s.sha === sha));
      const api = `${state.bases.api}/repos/${repo.fullName}`;
      const avatar = String(simpleUser(state.bases, state.user)['avatar_url']);
      return {
        status: 200,
        body: {
          state: combinedState(latest), sha, total_count: latest.length,
          statuses: latest.map((s) => ({
            url: `${api}/statuses/${s.sha}`, avatar_url: avatar, id: s.id, node_id: nodeId('StatusContext', s.id), state: s.state,
            description: s.description, target_url: s.targetUrl, context: s.context, created_at: s.createdAt, updated_at: s.updatedAt,
          })),
          repository: repositoryJson(state.bases, repo, await repo.defaultBranch()),
          commit_url: `${api}/commits/${sha}`, url: `${api}/commits/${sha}/status`,
        },
      };
    },
  },
];
