/**
 * Refs and branches: get-ref, list-matching-refs, create-ref, update-ref (fast-forward rule, compare-and-swap,
 * race hooks), delete-ref, get-branch. Every move goes through `git update-ref <ref> <new> <old>`.
 */
import { ZERO_SHA, isSafeRefName } from './git.ts';
import { conflict, notFound, unprocessable, validationFailed } from './errors.ts';
import { commitJson, gitRefJson } from './shapes.ts';
import type { Ctx, Route } from './router.ts';

async function requireNonEmpty(ctx: Ctx): Promise<Array<{ ref: string; sha: string; type: string }>> {
  const refs = await ctx.repo.git.listRefs();
  if (refs.length === 0) throw conflict('Git Repository is empty.');
  return refs;
}

function fullRef(param: string): string {
  return param.startsWith('refs/') ? param : `refs/${param}`;
}

function asObject(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {};
}

const NOT_FF = 'Update is not a fast forward';

/** PATCH a ref: refuse non-fast-forwards unless forced; compare-and-swap against the value just read. */
async function updateRef(ctx: Ctx, ref: string, sha: string, force: boolean): Promise<void> {
  const { repo, state } = ctx;
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await repo.git.refValue(ref);
    if (!current) throw unprocessable('Reference does not exist');
    if (current === sha) return;
    if (!force && !(await repo.git.isAncestor(current, sha))) throw unprocessable(NOT_FF);
    if (attempt === 0) await state.runHooks({ repo: repo.fullName, ref, before: current, after: sha, force });
    if (await state.moveRef(repo, ref, sha, current)) return;
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 5));
  }
  throw unprocessable('Reference cannot be updated');
}

/** The routes of this group. */
export const refRoutes: Route[] = [
  {
    method: 'GET', path: '/repos/{owner}/{repo}/git/ref/{ref}',
    async handler(ctx) {
      const refs = await requireNonEmpty(ctx);
      const found = refs.find((r) => r.ref === fullRef(ctx.params['ref']!));
      if (!found) throw notFound();
      return { status: 200, body: gitRefJson(ctx.state.bases, ctx.repo, found.ref, found.sha, found.type) };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/git/matching-refs/{ref}',
    async handler(ctx) {
      const refs = await requireNonEmpty(ctx);
      const prefix = fullRef(ctx.params['ref'] ?? '');
      return { status: 200, body: refs.filter((r) => r.ref.startsWith(prefix)).map((r) => gitRefJson(ctx.state.bases, ctx.repo, r.ref, r.sha, r.type)) };
    },
  },
  {
    method: 'POST', path: '/repos/{owner}/{repo}/git/refs',
    async handler(ctx) {
      const body = asObject(ctx.body);
      const ref = body['ref'];
      const sha = body['sha'];
      if (typeof ref !== 'string') throw validationFailed('Reference', 'ref', 'missing_field');
      if (typeof sha !== 'string') throw validationFailed('Reference', 'sha', 'missing_field');
      if (!ref.startsWith('refs/') || ref.split('/').length < 3 || !isSafeRefName(ref)) throw unprocessable('Reference name is invalid');
      const type = await ctx.repo.git.objectType(sha);
      if (!type || sha.length !== 40) throw unprocessable('Object does not exist');
      if (await ctx.repo.git.refValue(ref)) throw unprocessable('Reference already exists');
      if (!(await ctx.state.moveRef(ctx.repo, ref, sha, ZERO_SHA))) throw unprocessable('Reference already exists');
      return { status: 201, body: gitRefJson(ctx.state.bases, ctx.repo, ref, sha, type), headers: { location: `${ctx.state.bases.api}/repos/${ctx.repo.fullName}/git/${ref}` } };
    },
  },
  {
    method: 'PATCH', path: '/repos/{owner}/{repo}/git/refs/{ref}',
    async handler(ctx) {
      const body = asObject(ctx.body);
      const sha = body['sha'];
      if (typeof sha !== 'string') throw validationFailed('Reference', 'sha', 'missing_field');
      const ref = fullRef(ctx.params['ref']!);
      const type = await ctx.repo.git.objectType(sha);
      if (!type || sha.length !== 40) throw unprocessable('Object does not exist');
      await updateRef(ctx, ref, sha, body['force'] === true);
      return { status: 200, body: gitRefJson(ctx.state.bases, ctx.repo, ref, sha, type) };
    },
  },
  {
    method: 'DELETE', path: '/repos/{owner}/{repo}/git/refs/{ref}',
    async handler(ctx) {
      const ref = fullRef(ctx.params['ref']!);
      const current = await ctx.repo.git.refValue(ref);
      if (!current || !(await ctx.state.moveRef(ctx.repo, ref, ZERO_SHA, current))) throw unprocessable('Reference does not exist');
      return { status: 204 };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/branches/{branch}',
    async handler(ctx) {
      const { repo, state } = ctx;
      const name = ctx.params['branch']!;
      const sha = await repo.git.refValue(`refs/heads/${name}`);
      if (!sha) throw notFound('Branch not found');
      const commit = (await repo.git.readCommit(sha))!;
      const api = `${state.bases.api}/repos/${repo.fullName}`;
      return {
        status: 200,
        body: {
          name, commit: commitJson(state.bases, repo, commit),
          _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${state.bases.html}/${repo.fullName}/tree/${name}` },
          protected: false,
          protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
          protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
        },
      };
    },
  },
];
