/**
 * Repository reads: the repository, a commit with its files, compare (capped like GitHub), contents
 * (file and directory forms, raw media type), tarball (via `git archive`), and the rate-limit overview.
 */
import path from 'node:path';
import { notFound } from './errors.ts';
import { base64Lines, commitJson, diffEntryJson, encodePath, repositoryJson } from './shapes.ts';
import type { TreeEntry } from './git.ts';
import type { Ctx, Route } from './router.ts';

function contentEntry(ctx: Ctx, ref: string, e: TreeEntry, filePath: string): Record<string, unknown> {
  const { bases } = ctx.state;
  const api = `${bases.api}/repos/${ctx.repo.fullName}`;
  const p = encodePath(filePath);
  const type = e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : e.mode === '120000' ? 'symlink' : 'file';
  const self = `${api}/contents/${p}?ref=${encodeURIComponent(ref)}`;
  const git = e.type === 'commit' ? null : `${api}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`;
  const html = e.type === 'commit' ? null : `${bases.html}/${ctx.repo.fullName}/${e.type === 'tree' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${p}`;
  return {
    name: path.posix.basename(filePath), path: filePath, sha: e.sha, size: e.size ?? 0, url: self, html_url: html, git_url: git,
    download_url: type === 'file' || type === 'symlink' ? `${bases.html}/${ctx.repo.fullName}/raw/${encodeURIComponent(ref)}/${p}` : null,
    type, _links: { self, git, html },
  };
}

async function contents(ctx: Ctx): Promise<{ status: number; body?: unknown; raw?: Buffer; contentType?: string }> {
  const { repo } = ctx;
  const filePath = (ctx.params['path'] ?? '').replace(/^\/+|\/+$/g, '');
  const ref = ctx.query.get('ref') ?? await repo.defaultBranch();
  const sha = await repo.resolveCommit(ref);
  if (!sha) throw notFound(`No commit found for the ref ${ref}`);
  const dirOf = async (dir: string): Promise<TreeEntry[]> => repo.git.lsTree(dir ? `${sha}:${dir}` : sha, false);
  let entry: TreeEntry | undefined;
  if (filePath) {
    const parent = path.posix.dirname(filePath);
    const siblings = await dirOf(parent === '.' ? '' : parent).catch(() => []);
    entry = siblings.find((e) => e.path === path.posix.basename(filePath));
    if (!entry) throw notFound();
  }
  if (!entry || entry.type === 'tree') {
    const list = await dirOf(filePath);
    return { status: 200, body: list.map((e) => contentEntry(ctx, ref, e, filePath ? `${filePath}/${e.path}` : e.path)) };
  }
  const json = contentEntry(ctx, ref, entry, filePath);
  if (entry.type === 'commit') return { status: 200, body: { ...json, submodule_git_url: '' } };
  const bytes = (await repo.git.readBlob(entry.sha))!;
  if (String(ctx.headers.accept ?? '').includes('application/vnd.github.raw')) return { status: 200, raw: bytes, contentType: 'application/vnd.github.raw' };
  if (json['type'] === 'symlink') return { status: 200, body: { ...json, target: bytes.toString('utf8') } };
  const inline = bytes.length <= ctx.state.sizes.contentsInline;
  return { status: 200, body: { ...json, content: inline ? base64Lines(bytes) : '', encoding: inline ? 'base64' : 'none' } };
}

function splitBasehead(basehead: string): [string, string] | undefined {
  const i = basehead.indexOf('...');
  if (i <= 0) return undefined;
  return [basehead.slice(0, i), basehead.slice(i + 3)];
}

/** The routes of this group. */
export const repoRoutes: Route[] = [
  {
    method: 'GET', path: '/repos/{owner}/{repo}',
    async handler(ctx) {
      return { status: 200, body: repositoryJson(ctx.state.bases, ctx.repo, await ctx.repo.defaultBranch()) };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}',
    async handler(ctx) {
      const { repo, state } = ctx;
      const sha = await repo.commitSha(ctx.params['ref']!);
      if (String(ctx.headers.accept ?? '').includes('application/vnd.github.sha')) return { status: 200, raw: Buffer.from(sha), contentType: 'application/vnd.github.sha' };
      const commit = (await repo.git.readCommit(sha))!;
      const files = await repo.git.diff(commit.parents[0], sha);
      return { status: 200, body: commitJson(state.bases, repo, commit, files, state.sizes.compareFiles) };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/compare/{basehead}',
    async handler(ctx) {
      const { repo, state } = ctx;
      const parts = splitBasehead(ctx.params['basehead']!);
      if (!parts) throw notFound();
      const strip = (s: string): string => s.replace(new RegExp(`^${repo.owner}:`, 'i'), '');
      const [baseName, headName] = [strip(parts[0]), strip(parts[1])];
      const base = await repo.resolveCommit(baseName);
      const head = await repo.resolveCommit(headName);
      if (!base || !head) throw notFound();
      const mergeBase = await repo.git.mergeBase(base, head);
      if (!mergeBase) throw notFound(`No common ancestor between ${baseName} and ${headName}.`);
      const ahead = await repo.git.revList(['--reverse', head, `^${base}`]);
      const behind = await repo.git.revList([base, `^${head}`]);
      const status = ahead.length && behind.length ? 'diverged' : ahead.length ? 'ahead' : behind.length ? 'behind' : 'identical';
      const read = async (s: string): Promise<Record<string, unknown>> => commitJson(state.bases, repo, (await repo.git.readCommit(s))!);
      const files = await repo.git.diff(mergeBase, head);
      const api = `${state.bases.api}/repos/${repo.fullName}`;
      const html = `${state.bases.html}/${repo.fullName}`;
      const range = `${encodeURIComponent(baseName)}...${encodeURIComponent(headName)}`;
      return {
        status: 200,
        body: {
          url: `${api}/compare/${range}`, html_url: `${html}/compare/${range}`,
          permalink_url: `${html}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
          diff_url: `${html}/compare/${range}.diff`, patch_url: `${html}/compare/${range}.patch`,
          base_commit: await read(base), merge_base_commit: await read(mergeBase), status,
          ahead_by: ahead.length, behind_by: behind.length, total_commits: ahead.length,
          commits: await Promise.all(ahead.slice(0, state.sizes.compareCommits).map(read)),
          files: files.slice(0, state.sizes.compareFiles).map((f) => diffEntryJson(state.bases, repo, head, f)),
        },
      };
    },
  },
  { method: 'GET', path: '/repos/{owner}/{repo}/contents/{path}', handler: contents },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/tarball/{ref}',
    async handler(ctx) {
      const sha = await ctx.repo.commitSha(ctx.params['ref']!);
      return { status: 302, headers: { location: `${ctx.state.bases.api}/_codeload/${ctx.repo.fullName}/legacy.tar.gz/${sha}` } };
    },
  },
  {
    method: 'GET', path: '/_codeload/{owner}/{repo}/legacy.tar.gz/{sha}',
    async handler(ctx) {
      const sha = await ctx.repo.commitSha(ctx.params['sha']!);
      const prefix = `${ctx.repo.owner}-${ctx.repo.name}-${sha.slice(0, 7)}`;
      return { status: 200, raw: await ctx.repo.git.archive(sha, prefix), contentType: 'application/x-gzip', headers: { 'content-disposition': `attachment; filename=${prefix}.tar.gz` } };
    },
  },
  {
    method: 'GET', path: '/rate_limit',
    async handler(ctx) {
      const view = (resource: string): Record<string, number | string> => {
        const b = ctx.state.limits.bucket(resource);
        return { limit: b.limit, remaining: b.remaining, reset: b.reset, used: b.used, resource };
      };
      return { status: 200, body: { resources: { core: view('core'), search: view('search'), graphql: view('graphql') }, rate: view('core') } };
    },
  },
];
