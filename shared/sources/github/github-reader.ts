/**
 * Reads the config repository through the GitHub API with a constant number of calls per event:
 * one recursive tree per commit (cached: commits are immutable; walks subtrees when GitHub truncates),
 * file texts in GraphQL batches of `object(expression: "<commit>:<path>")` aliases, and a bounded LRU of
 * texts by blob SHA, so a file whose content did not change is never fetched twice by a warm instance.
 */
import type { SourceReader, TreeFile } from '../port.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import { createHash } from 'node:crypto';
import { LruCache } from './lru-cache.ts';

/** A blob in a tree. */
export interface TreeEntry {
  sha: string;
  mode: string;
  size?: number;
}

/** The files of one commit. */
export interface GitHubTree {
  revision: string;
  treeSha: string;
  files: ReadonlyMap<string, TreeEntry>;
}

export type ChangeStatus = 'added' | 'modified' | 'removed';

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  /** Blob SHA at head (absent when removed). */
  sha?: string;
}

/** What changed from `base` to `head` (two-point: exactly the difference of the two trees). */
export interface Comparison {
  base: string;
  head: string;
  /** `ahead`: head descends from base; `behind`: a rollback; `diverged`: e.g. a force push. */
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  mergeBase: string;
  files: ChangedFile[];
  /** `compare` when GitHub's compare answer was complete; `trees` when the two trees were diffed instead. */
  via: 'compare' | 'trees';
}

/** Limits of one GraphQL read: GitHub allows far more, but a query must stay quick (10 s) and small. */
const BATCH_FILES = 200;
const BATCH_BYTES = 2 * 1024 * 1024;
/** GitHub lists at most 300 files in a compare answer. */
const COMPARE_FILES_LIMIT = 300;
const FULL_SHA = /^[0-9a-f]{40}$/;

const BLOB_QUERY_FIELDS = '... on Blob { oid text byteSize isBinary isTruncated }';

interface BlobNode {
  oid: string;
  text: string | null;
  byteSize: number;
  isBinary: boolean | null;
  isTruncated: boolean;
}

export class GitHubReader implements SourceReader {
  readonly description: string;
  private readonly client: GitHubClient;
  private readonly texts: LruCache<string, string>;
  private readonly trees = new LruCache<string, GitHubTree>({ maxEntries: 16 });
  private defaultBranchName: Promise<string> | undefined;

  constructor(client: GitHubClient) {
    this.client = client;
    this.description = `github:${client.owner}/${client.repo}`;
    this.texts = new LruCache({ maxWeight: client.settings.cacheMaxBytes, weigh: (text) => text.length * 2 });
  }

  /** The blob-text cache's entry count (for tests and metrics). */
  get cachedTexts(): number {
    return this.texts.size;
  }

  async defaultBranch(): Promise<string> {
    const { octokit, owner, repo } = this.client;
    this.defaultBranchName ??= octokit.rest.repos.get({ owner, repo }).then(
      ({ data }) => data.default_branch,
      (error: unknown) => {
        this.defaultBranchName = undefined;
        throw gitHubFailure(`read the default branch of ${this.description}`, error);
      },
    );
    return this.defaultBranchName;
  }

  async resolveBranch(branch: string): Promise<string> {
    const { octokit, owner, repo } = this.client;
    try {
      const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw new Error(`branch ${branch} does not exist in ${this.description}`, { cause: error });
      throw gitHubFailure(`resolve branch ${branch} in ${this.description}`, error);
    }
  }

  async listFiles(revision: string): Promise<TreeFile[]> {
    const tree = await this.tree(revision);
    return [...tree.files].map(([path, entry]) => ({ path, sha: entry.sha })).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** The files of a commit: one recursive tree call; subtrees walked one by one when GitHub truncates it. */
  async tree(revision: string): Promise<GitHubTree> {
    const cached = this.trees.get(revision);
    if (cached) return cached;
    const files = new Map<string, TreeEntry>();
    const root = await this.getTree(revision, true);
    if (root.truncated) await this.walk(revision, '', files);
    else addBlobs(files, '', root.tree);
    const tree: GitHubTree = { revision, treeSha: root.sha, files };
    if (FULL_SHA.test(revision)) this.trees.set(revision, tree);
    return tree;
  }

  /** Records a commit this instance created (its files and new texts are known), so reading it costs nothing. */
  remember(revision: string, treeSha: string, files: ReadonlyMap<string, TreeEntry>, texts: Iterable<string> = []): void {
    this.trees.set(revision, { revision, treeSha, files });
    for (const text of texts) this.texts.set(gitBlobSha(text), text);
  }

  async readFiles(revision: string, paths: readonly string[]): Promise<Map<string, string>> {
    const tree = await this.tree(revision);
    const out = new Map<string, string>();
    const wanted = new Map<string, { path: string; entry: TreeEntry }>(); // by blob SHA: equal contents fetched once
    for (const path of paths) {
      const entry = tree.files.get(path);
      if (!entry) continue;
      const text = this.texts.get(entry.sha);
      if (text !== undefined) out.set(path, text);
      else if (!wanted.has(entry.sha)) wanted.set(entry.sha, { path, entry });
    }
    const fetched = new Map<string, string>();
    for (const batch of batches([...wanted.values()])) await this.fetchBatch(revision, batch, fetched);
    for (const path of paths) {
      const entry = tree.files.get(path);
      const text = entry && fetched.get(entry.sha);
      if (text !== undefined && !out.has(path)) out.set(path, text);
    }
    return out;
  }

  /** Changes from `base` to `head`: GitHub's compare when it is complete and linear, else a diff of both trees. */
  async compare(base: string, head: string): Promise<Comparison> {
    const { octokit, owner, repo } = this.client;
    let data;
    try {
      ({ data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1 }));
    } catch (error) {
      throw gitHubFailure(`compare ${base}...${head} in ${this.description}`, error);
    }
    const status = data.status;
    const mergeBase = data.merge_base_commit.sha;
    const listed = data.files ?? [];
    if ((status === 'ahead' || status === 'identical') && listed.length < COMPARE_FILES_LIMIT) {
      const files: ChangedFile[] = [];
      for (const f of listed) {
        if (f.status === 'renamed' && f.previous_filename) files.push({ path: f.previous_filename, status: 'removed' });
        if (f.status === 'unchanged') continue;
        const removed = f.status === 'removed';
        files.push({ path: f.filename, status: removed ? 'removed' : f.status === 'added' || f.status === 'renamed' || f.status === 'copied' ? 'added' : 'modified', ...(removed || !f.sha ? {} : { sha: f.sha }) });
      }
      return { base, head, status, mergeBase, files, via: 'compare' };
    }
    const [from, to] = await Promise.all([this.tree(base), this.tree(head)]);
    return { base, head, status, mergeBase, files: diffTrees(from, to), via: 'trees' };
  }

  private async getTree(sha: string, recursive: boolean) {
    const { octokit, owner, repo } = this.client;
    try {
      const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha, ...(recursive ? { recursive: 'true' } : {}) });
      return data;
    } catch (error) {
      throw gitHubFailure(`read the tree ${sha} of ${this.description}`, error);
    }
  }

  /** Walks a truncated tree: each subtree recursively, and subtrees of subtrees that are truncated again. */
  private async walk(sha: string, prefix: string, files: Map<string, TreeEntry>): Promise<void> {
    const level = await this.getTree(sha, false);
    addBlobs(files, prefix, level.tree);
    for (const sub of level.tree.filter((e) => e.type === 'tree' && e.sha && e.path)) {
      const dir = `${prefix}${sub.path}/`;
      const deep = await this.getTree(sub.sha!, true);
      if (deep.truncated) await this.walk(sub.sha!, dir, files);
      else addBlobs(files, dir, deep.tree);
    }
  }

  private async fetchBatch(revision: string, batch: { path: string; entry: TreeEntry }[], into: Map<string, string>): Promise<void> {
    const { octokit, owner, repo, graphqlUrl } = this.client;
    const vars: Record<string, string> = { owner, name: repo };
    batch.forEach(({ path }, i) => { vars[`e${i}`] = `${revision}:${path}`; });
    const declared = batch.map((_, i) => `$e${i}: String!`).join(', ');
    const fields = batch.map((_, i) => `f${i}: object(expression: $e${i}) { ${BLOB_QUERY_FIELDS} }`).join('\n');
    const query = `query ReadFiles($owner: String!, $name: String!, ${declared}) { repository(owner: $owner, name: $name) { ${fields} } }`;
    let result: { repository: Record<string, BlobNode | null> | null };
    try {
      result = await octokit.graphql({ query, url: graphqlUrl, ...vars });
    } catch (error) {
      throw gitHubFailure(`read ${batch.length} files at ${revision} from ${this.description}`, error);
    }
    if (!result.repository) throw new Error(`failed to read files: repository ${this.description} not found`);
    await Promise.all(
      batch.map(async ({ entry }, i) => {
        const node = result.repository![`f${i}`];
        if (!node) return;
        // A branch name may have moved since the tree was read: only a blob with the tree's SHA is taken.
        const usable = node.oid === entry.sha && !node.isTruncated && !node.isBinary && node.text !== null;
        const text = usable ? node.text! : await this.fetchBlob(entry.sha);
        this.texts.set(entry.sha, text);
        into.set(entry.sha, text);
      }),
    );
  }

  /** One blob through the REST blob API (files over GraphQL's text limit, binary files). */
  private async fetchBlob(sha: string): Promise<string> {
    const { octokit, owner, repo } = this.client;
    try {
      const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
      const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      this.texts.set(sha, text);
      return text;
    } catch (error) {
      throw gitHubFailure(`read blob ${sha} from ${this.description}`, error);
    }
  }
}

function addBlobs(files: Map<string, TreeEntry>, prefix: string, entries: readonly { path?: string; mode?: string; type?: string; sha?: string; size?: number }[]): void {
  for (const e of entries) {
    if (e.type !== 'blob' || !e.path || !e.sha || e.mode === '120000') continue; // symlinks are not manifests
    files.set(prefix + e.path, { sha: e.sha, mode: e.mode ?? '100644', ...(e.size !== undefined ? { size: e.size } : {}) });
  }
}

/** Batches of at most BATCH_FILES files and about BATCH_BYTES (sizes from the tree). */
function batches<T extends { entry: TreeEntry }>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = item.entry.size ?? 0;
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** The two-point difference of two trees. */
export function diffTrees(from: GitHubTree, to: GitHubTree): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (const [path, entry] of to.files) {
    const before = from.files.get(path);
    if (!before) files.push({ path, status: 'added', sha: entry.sha });
    else if (before.sha !== entry.sha) files.push({ path, status: 'modified', sha: entry.sha });
  }
  for (const path of from.files.keys()) if (!to.files.has(path)) files.push({ path, status: 'removed' });
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Git's object id of a file's content: SHA-1 of `blob <byte length>\0<bytes>`, as GitHub's trees report it. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
