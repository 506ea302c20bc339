/**
 * Git Data objects: get/create commits, trees and blobs. Writes go through hash-object, a temporary index
 * (read-tree, update-index, write-tree) and commit-tree.
 */
import { conflict, notFound, unprocessable, validationFailed } from './errors.ts';
import { base64Lines, gitCommitJson, nodeId } from './shapes.ts';
import type { TreeEdit, TreeEntry } from './git.ts';
import type { Ctx, Route } from './router.ts';

const MODES = new Set(['100644', '100755', '040000', '160000', '120000']);
const TYPE_OF_MODE: Record<string, string> = { '100644': 'blob', '100755': 'blob', '120000': 'blob', '040000': 'tree', '160000': 'commit' };

function obj(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : {};
}

/** The `tree[]` entries GitHub lists for a tree. */
export function treeEntriesJson(ctx: Ctx, entries: TreeEntry[]): Array<Record<string, unknown>> {
  const api = `${ctx.state.bases.api}/repos/${ctx.repo.fullName}`;
  return entries.map((e) => ({
    path: e.path, mode: e.mode, type: e.type, sha: e.sha,
    ...(e.type === 'blob' ? { size: e.size ?? 0, url: `${api}/git/blobs/${e.sha}` } : {}),
    ...(e.type === 'tree' ? { url: `${api}/git/trees/${e.sha}` } : {}),
  }));
}

async function emptyCheck(ctx: Ctx): Promise<void> {
  if ((await ctx.repo.git.listRefs()).length === 0) throw conflict('Git Repository is empty.');
}

function person(value: unknown, field: string): { name: string; email: string; date?: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const p = obj(value);
  if (typeof p['name'] !== 'string' || typeof p['email'] !== 'string') throw validationFailed('Commit', field, 'invalid');
  if (p['date'] !== undefined && (typeof p['date'] !== 'string' || Number.isNaN(Date.parse(p['date'])))) throw validationFailed('Commit', `${field}.date`, 'invalid');
  return { name: p['name'], email: p['email'], ...(typeof p['date'] === 'string' ? { date: p['date'] } : {}) };
}

async function treeEdits(ctx: Ctx, items: unknown[]): Promise<TreeEdit[]> {
  const edits: TreeEdit[] = [];
  /** Inline contents, written together once every item is valid (one git process, not one per blob). */
  const contents: Array<{ edit: number; text: string }> = [];
  for (const raw of items) {
    const item = obj(raw);
    const p = item['path'];
    const mode = item['mode'];
    if (typeof p !== 'string' || !p || p.startsWith('/') || p.endsWith('/') || p.split('/').some((s) => s === '' || s === '.' || s === '..' || s === '.git')) {
      throw unprocessable(`tree.path ${JSON.stringify(p)} is invalid`);
    }
    if (typeof mode !== 'string' || !MODES.has(mode)) throw unprocessable(`tree.mode ${JSON.stringify(mode)} is invalid (one of 100644, 100755, 040000, 160000, 120000)`);
    if (item['type'] !== undefined && item['type'] !== TYPE_OF_MODE[mode]) throw unprocessable(`tree.type ${String(item['type'])} does not match mode ${mode}`);
    const hasSha = 'sha' in item;
    if (hasSha && item['content'] !== undefined) throw unprocessable('tree.sha and tree.content cannot both be given');
    if (typeof item['content'] === 'string') {
      if (TYPE_OF_MODE[mode] !== 'blob') throw unprocessable('tree.content can only be given for blobs');
      contents.push({ edit: edits.length, text: item['content'] });
      edits.push({ path: p, mode, sha: null });
    } else if (hasSha && item['sha'] === null) {
      edits.push({ path: p, mode, sha: null });
    } else if (typeof item['sha'] === 'string') {
      const sha = item['sha'];
      const type = TYPE_OF_MODE[mode]!;
      if (type !== 'commit' && (sha.length !== 40 || (await ctx.repo.git.objectType(sha)) !== type)) throw unprocessable(`tree.sha ${sha} is not a valid ${type}`);
      if (type === 'commit' && !/^[0-9a-f]{40}$/.test(sha)) throw unprocessable(`tree.sha ${sha} is not a valid commit`);
      edits.push({ path: p, mode, sha });
    } else {
      throw unprocessable('Must supply either tree.sha or tree.content');
    }
  }
  const shas = await ctx.repo.git.hashBlobs(contents.map((c) => c.text));
  contents.forEach((c, i) => { edits[c.edit]!.sha = shas[i]!; });
  return edits;
}

/** The routes of this group. */
export const objectRoutes: Route[] = [
  {
    method: 'GET', path: '/repos/{owner}/{repo}/git/commits/{commit_sha}',
    async handler(ctx) {
      await emptyCheck(ctx);
      const commit = await ctx.repo.git.readCommit(ctx.params['commit_sha']!);
      if (!commit) throw notFound();
      return { status: 200, body: gitCommitJson(ctx.state.bases, ctx.repo, commit) };
    },
  },
  {
    method: 'POST', path: '/repos/{owner}/{repo}/git/commits',
    async handler(ctx) {
      const body = obj(ctx.body);
      const { git } = ctx.repo;
      if (typeof body['message'] !== 'string') throw validationFailed('Commit', 'message', 'missing_field');
      if (typeof body['tree'] !== 'string') throw validationFailed('Commit', 'tree', 'missing_field');
      if (body['tree'].length !== 40 || (await git.objectType(body['tree'])) !== 'tree') throw unprocessable('Tree SHA does not exist');
      const parents = body['parents'] ?? [];
      if (!Array.isArray(parents)) throw validationFailed('Commit', 'parents', 'invalid');
      for (const p of parents) {
        if (typeof p !== 'string' || p.length !== 40 || (await git.objectType(p)) !== 'commit') throw unprocessable('Parent SHA does not exist or is not a commit object');
      }
      const author = person(body['author'], 'author') ?? { name: ctx.state.user, email: `${ctx.state.user}@users.noreply.github.com` };
      const committer = person(body['committer'], 'committer') ?? author;
      const sha = await git.commitTree({ tree: body['tree'], parents: parents as string[], message: body['message'], author, committer });
      const commit = (await git.readCommit(sha))!;
      const json = gitCommitJson(ctx.state.bases, ctx.repo, commit);
      return { status: 201, body: json, headers: { location: String(json['url']) } };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/git/trees/{tree_sha}',
    async handler(ctx) {
      await emptyCheck(ctx);
      const tree = await ctx.repo.git.revParse(ctx.params['tree_sha']!, 'tree');
      if (!tree) throw notFound();
      const recursive = (ctx.query.get('recursive') ?? '') !== '';
      const entries = await ctx.repo.git.lsTree(tree, recursive);
      const limit = ctx.state.sizes.treeEntries;
      const truncated = recursive && entries.length > limit;
      return {
        status: 200,
        body: { sha: tree, url: `${ctx.state.bases.api}/repos/${ctx.repo.fullName}/git/trees/${tree}`, tree: treeEntriesJson(ctx, truncated ? entries.slice(0, limit) : entries), truncated },
      };
    },
  },
  {
    method: 'POST', path: '/repos/{owner}/{repo}/git/trees',
    async handler(ctx) {
      const body = obj(ctx.body);
      if (!Array.isArray(body['tree'])) throw unprocessable('Invalid request.\n\n"tree" wasn\'t supplied.');
      let base: string | undefined;
      if (body['base_tree'] !== undefined && body['base_tree'] !== null) {
        if (typeof body['base_tree'] !== 'string' || !/^[0-9a-f]{40}$/.test(body['base_tree'])) throw unprocessable('Invalid base_tree');
        base = await ctx.repo.git.revParse(body['base_tree'], 'tree');
        if (!base) throw unprocessable('base_tree is not a valid tree');
      }
      const sha = await ctx.repo.git.buildTree(base, await treeEdits(ctx, body['tree']));
      const url = `${ctx.state.bases.api}/repos/${ctx.repo.fullName}/git/trees/${sha}`;
      return { status: 201, body: { sha, url, tree: treeEntriesJson(ctx, await ctx.repo.git.lsTree(sha, false)), truncated: false }, headers: { location: url } };
    },
  },
  {
    method: 'GET', path: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
    async handler(ctx) {
      const sha = ctx.params['file_sha']!;
      const content = await ctx.repo.git.readBlob(sha);
      if (!content) throw notFound();
      if (String(ctx.headers.accept ?? '').includes('application/vnd.github.raw')) return { status: 200, raw: content, contentType: 'application/vnd.github.raw' };
      return {
        status: 200,
        body: { sha, node_id: nodeId('Blob', sha), size: content.length, url: `${ctx.state.bases.api}/repos/${ctx.repo.fullName}/git/blobs/${sha}`, content: base64Lines(content), encoding: 'base64' },
      };
    },
  },
  {
    method: 'POST', path: '/repos/{owner}/{repo}/git/blobs',
    async handler(ctx) {
      const body = obj(ctx.body);
      if (typeof body['content'] !== 'string') throw validationFailed('Blob', 'content', 'missing_field');
      const encoding = body['encoding'] ?? 'utf-8';
      if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') throw unprocessable(`encoding must be one of utf-8, base64 (got ${String(encoding)})`);
      const bytes = encoding === 'base64' ? Buffer.from(body['content'], 'base64') : Buffer.from(body['content'], 'utf8');
      const sha = await ctx.repo.git.hashBlob(bytes);
      const url = `${ctx.state.bases.api}/repos/${ctx.repo.fullName}/git/blobs/${sha}`;
      return { status: 201, body: { url, sha }, headers: { location: url } };
    },
  },
];
