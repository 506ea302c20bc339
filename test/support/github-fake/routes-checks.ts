/**
 * Check runs (a GitHub App's reports on a commit): create, update (annotations accumulate, 50 per request),
 * get, list for a ref (filter `check_name`, `status`, `filter=latest|all`) and list annotations. Only an
 * installation token may create or update them, as on GitHub ("You must authenticate via a GitHub App.").
 */
import { HttpError, notFound, unprocessable, validationFailed } from './errors.ts';
import { nodeId, nowIso, simpleUser } from './shapes.ts';
import { paginate } from './page.ts';
import type { CheckRunRecord, FakeRepo } from './repo.ts';
import type { Ctx, Route } from './router.ts';
import type { FakeState } from './state.ts';

const STATUSES = new Set(['queued', 'in_progress', 'completed']);
const CONCLUSIONS = new Set(['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out']);
const LEVELS = new Set(['notice', 'warning', 'failure']);
/** GitHub's limits on a check run's output. */
export const CHECK_TEXT_MAX = 65_535;
export const CHECK_ANNOTATIONS_PER_REQUEST = 50;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {});

function requireApp(ctx: Ctx): void {
  const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ''))?.[1];
  if (!auth || !ctx.state.installationTokens.has(auth)) throw new HttpError(403, { message: 'You must authenticate via a GitHub App.', documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run', status: '403' });
}

/** The `integration` shape of the fake's app. */
export function appJson(state: FakeState): Record<string, unknown> {
  const app = state.app;
  const owner = simpleUser(state.bases, state.user);
  return {
    id: app.id, slug: app.slug, node_id: nodeId('Integration', app.id), client_id: `Iv1.${app.id}`, owner, name: app.slug, description: null,
    external_url: `${state.bases.html}/apps/${app.slug}`, html_url: `${state.bases.html}/apps/${app.slug}`, created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z', permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['pull_request', 'push'],
  };
}

function checkRunJson(state: FakeState, repo: FakeRepo, r: CheckRunRecord): Record<string, unknown> {
  const api = `${state.bases.api}/repos/${repo.fullName}`;
  const pulls = repo.pulls.filter((p) => p.state === 'open' && p.headSha === r.headSha && !p.headRepo).map((p) => ({
    id: p.id, number: p.number, url: `${api}/pulls/${p.number}`,
    head: { ref: p.head, sha: p.headSha, repo: { id: repo.id, url: api, name: repo.name } },
    base: { ref: p.base, sha: p.baseSha, repo: { id: repo.id, url: api, name: repo.name } },
  }));
  return {
    id: r.id, head_sha: r.headSha, node_id: nodeId('CheckRun', r.id), external_id: r.externalId, url: `${api}/check-runs/${r.id}`,
    html_url: `${state.bases.html}/${repo.fullName}/runs/${r.id}`, details_url: r.detailsUrl, status: r.status, conclusion: r.conclusion,
    started_at: r.startedAt, completed_at: r.completedAt,
    output: { ...r.output, annotations_count: r.annotations.length, annotations_url: `${api}/check-runs/${r.id}/annotations` },
    name: r.name, check_suite: { id: 1 }, app: appJson(state), pull_requests: pulls,
  };
}

/** Validates and applies the writable fields of a create or update body to `r`. */
function applyBody(r: CheckRunRecord, body: Record<string, unknown>): void {
  const str = (k: string): string | null | undefined => (typeof body[k] === 'string' ? body[k] as string : body[k] === undefined ? undefined : null);
  if (body['status'] !== undefined) {
    if (typeof body['status'] !== 'string' || !STATUSES.has(body['status'])) throw validationFailed('CheckRun', 'status', 'invalid');
    r.status = body['status'] as CheckRunRecord['status'];
  }
  if (body['conclusion'] !== undefined) {
    if (typeof body['conclusion'] !== 'string' || !CONCLUSIONS.has(body['conclusion'])) throw validationFailed('CheckRun', 'conclusion', 'invalid');
    r.conclusion = body['conclusion'];
    r.status = 'completed';
  }
  if (r.status === 'completed' && !r.conclusion) throw unprocessable('Invalid request.\n\nWhen the status is completed, a conclusion is required.');
  if (r.status === 'completed') r.completedAt = str('completed_at') ?? r.completedAt ?? nowIso();
  if (str('details_url') !== undefined) r.detailsUrl = str('details_url') ?? null;
  if (str('external_id') !== undefined) r.externalId = str('external_id') ?? null;
  if (body['output'] !== undefined) {
    const out = obj(body['output']);
    if (typeof out['title'] !== 'string' || typeof out['summary'] !== 'string') throw unprocessable('Invalid request.\n\n"title" and "summary" are required in output.');
    for (const k of ['summary', 'text'] as const) {
      if (typeof out[k] === 'string' && (out[k] as string).length > CHECK_TEXT_MAX) throw unprocessable(`Invalid request.\n\nOnly ${CHECK_TEXT_MAX} characters are allowed; ${(out[k] as string).length} were supplied.`);
    }
    const annotations = Array.isArray(out['annotations']) ? out['annotations'] as unknown[] : [];
    if (annotations.length > CHECK_ANNOTATIONS_PER_REQUEST) throw unprocessable(`Invalid request.\n\nOnly ${CHECK_ANNOTATIONS_PER_REQUEST} annotations are allowed per request.`);
    for (const a of annotations.map(obj)) {
      const line = (k: string) => Number.isInteger(a[k]) && (a[k] as number) >= 1;
      if (typeof a['path'] !== 'string' || !line('start_line') || !line('end_line') || typeof a['message'] !== 'string' || !LEVELS.has(String(a['annotation_level']))) {
        throw unprocessable('Invalid request.\n\nEach annotation needs path, start_line, end_line, annotation_level (notice, warning, failure) and message.');
      }
    }
    r.output = { title: out['title'], summary: out['summary'], text: typeof out['text'] === 'string' ? out['text'] : null };
    r.annotations.push(...annotations.map(obj));
  }
}

function findRun(ctx: Ctx): CheckRunRecord {
  const r = ctx.repo.checkRuns.find((c) => c.id === Number(ctx.params['check_run_id']));
  if (!r) throw notFound();
  return r;
}

/** The routes of this group. */
export const checkRoutes: Route[] = [
  {
    method: 'POST', path: '/repos/{owner}/{repo}/check-runs',
    async handler(ctx) {
      requireApp(ctx);
      const body = obj(ctx.body);
      if (typeof body['name'] !== 'string' || !body['name']) throw validationFailed('CheckRun', 'name', 'missing_field');
      const sha = body['head_sha'];
      if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha) || (await ctx.repo.git.objectType(sha)) !== 'commit') throw unprocessable('No commit found for SHA: ' + String(sha));
      const r: CheckRunRecord = {
        id: ctx.state.id(), headSha: sha, name: body['name'], externalId: null, detailsUrl: null, status: 'queued', conclusion: null,
        startedAt: typeof body['started_at'] === 'string' ? body['started_at'] : nowIso(), completedAt: null,
        output: { title: null, summary: null, text: null }, annotations: [],
      };
      applyBody(r, body);
      ctx.repo.checkRuns.push(r);
      return { status: 201, body: checkRunJson(ctx.state, ctx.repo, r) };
    },
  },
  {
    method: 'PATCH', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    async handler(ctx) {
      requireApp(ctx);
      const r = findRun(ctx);
      const next: CheckRunRecord = { ...r, output: { ...r.output }, annotations: [...r.annotations] };
      applyBody(next, obj(ctx.body));
      Object.assign(r, next);
      return { status: 200, body: checkRunJson(ctx.state, ctx.repo, r) };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
    async handler(ctx) {
      const r = findRun(ctx);
      const blob = (path: string) => `${ctx.state.bases.html}/${ctx.repo.fullName}/blob/${r.headSha}/${path}`;
      const items = r.annotations.map((a) => ({
        path: a['path'], blob_href: blob(String(a['path'])), start_line: a['start_line'], end_line: a['end_line'],
        start_column: a['start_column'] ?? null, end_column: a['end_column'] ?? null, annotation_level: a['annotation_level'],
        title: a['title'] ?? null, message: a['message'], raw_details: a['raw_details'] ?? null,
      }));
      return paginate(ctx, `/repos/${ctx.repo.fullName}/check-runs/${r.id}/annotations`, items);
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    async handler(ctx) {
      return { status: 200, body: checkRunJson(ctx.state, ctx.repo, findRun(ctx)) };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    async handler(ctx) {
      const sha = await ctx.repo.commitSha(ctx.params['ref']!);
      const name = ctx.query.get('check_name');
      const status = ctx.query.get('status');
      let runs = ctx.repo.checkRuns.filter((r) => r.headSha === sha && (!name || r.name === name) && (!status || r.status === status)).sort((a, b) => b.id - a.id);
      if (ctx.query.get('filter') !== 'all') {
        const seen = new Set<string>();
        runs = runs.filter((r) => !seen.has(r.name) && !!seen.add(r.name));
      }
      const page = paginate(ctx, `/repos/${ctx.repo.fullName}/commits/${ctx.params['ref']}/check-runs`, runs.map((r) => checkRunJson(ctx.state, ctx.repo, r)));
      return { ...page, body: { total_count: runs.length, check_runs: page.body } };
    },
  },
];
