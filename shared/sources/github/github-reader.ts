/**
 * Reads the config repository through the GitHub API with a constant number of calls per event, whatever its
 * size. A cold reader gets a whole commit in one call, its tarball, checked against the commit's tree SHA (known
 * from resolving the branch); a warm one reads the recursive tree (cached: commits are immutable; subtrees walked
 * when GitHub truncates it) and only the texts it lacks, in GraphQL batches, or the tarball when that would take
 * more than one batch. Texts are kept in a bounded LRU by blob SHA: unchanged files are never fetched twice.
 */
import type { DefaultBranchFile, FileAt, SourceReader, TreeFile } from '../port.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import { LRUCache } from 'lru-cache';
import { compareCommits, type Comparison } from './github-compare.ts';
import { gitBlobSha } from './git-blob-sha.ts';
import type { GitHubTree, TreeEntry } from './github-tree.ts';
import { BLOB_QUERY_FIELDS, batches, blobText, fetchBatch, type BlobNode, type WantedFile } from './github-file-batches.ts';
import { fetchArchive } from './github-tarball.ts';

export { diffTrees, type ChangeStatus, type ChangedFile, type Comparison } from './github-compare.ts';

export type { GitHubTree, TreeEntry } from './github-tree.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;
/** Files larger than this are not kept from a tarball (GraphQL or the blob API reads them when asked). */
const ARCHIVE_TEXT_MAX = 4 * 1024 * 1024;

interface CommitNode { oid: string; tree?: { oid: string } }
/** The answer of GET /git/trees (Octokit's type of it). */
type TreeAnswer = Awaited<ReturnType<GitHubClient['octokit']['rest']['git']['getTree']>>['data'];

export class GitHubReader implements SourceReader {
  readonly description: string;
  private readonly client: GitHubClient;
  private readonly texts: LRUCache<string, string>;
  private readonly trees = new LRUCache<string, GitHubTree>({ max: 16 });
  /** Root tree SHAs of commits read through a branch: what a tarball must hash to. */
  private readonly commitTrees = new LRUCache<string, string>({ max: 256 });
  /** The last tarball's texts by blob SHA (one tarball at most): read right after it, even past a small LRU. */
  private archived: { revision: string; texts: Map<string, string> } | undefined;
  /** Blob reads under way, by SHA: concurrent syncs of one commit (one per cluster) fetch each blob once. */
  private readonly reading = new Map<string, Promise<string | undefined>>();
  private readonly pending = new Map<string, Promise<unknown>>();
  /** Commits whose tarball was over archiveMaxBytes: never fetched again (other commits still are). */
  private readonly archivesTooLarge = new LRUCache<string, true>({ max: 64 });
  private commitFileMissing = false;
  private defaultBranchName: Promise<string> | undefined;

  constructor(client: GitHubClient) {
    this.client = client;
    this.description = `github:${client.owner}/${client.repo}`;
    // Bounded by bytes (UTF-16: two per character); a text larger than the whole bound is not kept.
    this.texts = new LRUCache<string, string>({ maxSize: Math.max(1, client.settings.cacheMaxBytes), sizeCalculation: (text) => Math.max(1, text.length * 2) });
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

  /** The default branch, its tip and one file there, in one GraphQL query (the configuration's read). */
  async readDefaultBranchFile(path: string): Promise<DefaultBranchFile> {
    // `Commit.file` reads the file at exactly the tip that is returned; a server without it (an older GitHub
    // Enterprise Server) gets `object(expression: "HEAD:<path>")` in the same query (the tip may move in between).
    const file = this.commitFileMissing ? '' : `file(path: $path) { object { ${BLOB_QUERY_FIELDS} } }`;
    const head = this.commitFileMissing ? `head: object(expression: $expression) { ${BLOB_QUERY_FIELDS} }` : '';
    const query = `query DefaultBranchFile($owner: String!, $name: String!, ${file ? '$path' : '$expression'}: String!) { repository(owner: $owner, name: $name) {
      defaultBranchRef { name target { oid ... on Commit { tree { oid } ${file} } } } ${head} } }`;
    type Answer = { repository: { defaultBranchRef: { name: string; target: CommitNode & { file?: { object: BlobNode | null } | null } } | null; head?: BlobNode | null } | null };
    let data: Answer;
    try {
      data = await this.query<Answer>(query, file ? { path } : { expression: `HEAD:${path}` }, `read ${path} at the default branch of ${this.description}`);
    } catch (error) {
      if (this.commitFileMissing || !/Field 'file' doesn't exist on type 'Commit'/.test((error as Error).message)) throw error;
      this.commitFileMissing = true;
      return this.readDefaultBranchFile(path);
    }
    const ref = data.repository?.defaultBranchRef;
    if (!ref) throw new Error(`failed to read ${path}: ${this.description} has no default branch (an empty repository?)`);
    this.defaultBranchName = Promise.resolve(ref.name);
    this.noteCommit(ref.target);
    const blob = file ? ref.target.file?.object : data.repository?.head;
    if (!blob || !('oid' in blob)) return { branch: ref.name, revision: ref.target.oid, text: undefined };
    const text = this.texts.get(blob.oid) ?? (await blobText(this.client, blob, blob.oid));
    this.texts.set(blob.oid, text);
    return { branch: ref.name, revision: ref.target.oid, text };
  }

  /** One file at a branch's tip (exactly that tip where GitHub has `Commit.file`) or at a revision: one GraphQL query. */
  async readFileAt(at: { branch: string } | { revision: string }, path: string): Promise<FileAt> {
    if ('revision' in at) {
      const query = `query FileAt($owner: String!, $name: String!, $expression: String!) { repository(owner: $owner, name: $name) { blob: object(expression: $expression) { ${BLOB_QUERY_FIELDS} } } }`;
      const data = await this.query<{ repository: { blob: BlobNode | null } | null }>(query, { expression: `${at.revision}:${path}` }, `read ${path} at ${at.revision} in ${this.description}`);
      return { revision: at.revision, text: await this.textOf(data.repository?.blob) };
    }
    const file = this.commitFileMissing ? '' : `file(path: $path) { object { ${BLOB_QUERY_FIELDS} } }`;
    const head = this.commitFileMissing ? `head: object(expression: $expression) { ${BLOB_QUERY_FIELDS} }` : '';
    const query = `query BranchFile($owner: String!, $name: String!, $ref: String!, ${file ? '$path' : '$expression'}: String!) { repository(owner: $owner, name: $name) {
      ref(qualifiedName: $ref) { target { oid ... on Commit { tree { oid } ${file} } } } ${head} } }`;
    type Answer = { repository: { ref: { target: CommitNode & { file?: { object: BlobNode | null } | null } } | null; head?: BlobNode | null } | null };
    let data: Answer;
    try {
      data = await this.query<Answer>(query, { ref: `refs/heads/${at.branch}`, ...(file ? { path } : { expression: `refs/heads/${at.branch}:${path}` }) }, `read ${path} at branch ${at.branch} of ${this.description}`);
    } catch (error) {
      if (this.commitFileMissing || !/Field 'file' doesn't exist on type 'Commit'/.test((error as Error).message)) throw error;
      this.commitFileMissing = true;
      return this.readFileAt(at, path);
    }
    const target = data.repository?.ref?.target;
    if (!target) throw new Error(`branch ${at.branch} does not exist in ${this.description}`);
    this.noteCommit(target);
    return { revision: target.oid, text: await this.textOf(file ? target.file?.object : data.repository?.head) };
  }

  private async textOf(blob: BlobNode | null | undefined): Promise<string | undefined> {
    if (!blob || !('oid' in blob)) return undefined;
    const text = this.texts.get(blob.oid) ?? (await blobText(this.client, blob, blob.oid));
    this.texts.set(blob.oid, text);
    return text;
  }

  async resolveBranch(branch: string): Promise<string> {
    const query = 'query ResolveBranch($owner: String!, $name: String!, $ref: String!) { repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { oid ... on Commit { tree { oid } } } } } }';
    const data = await this.query<{ repository: { ref: { target: CommitNode } | null } | null }>(query, { ref: `refs/heads/${branch}` }, `resolve branch ${branch} in ${this.description}`);
    const target = data.repository?.ref?.target;
    if (!target) throw new Error(`branch ${branch} does not exist in ${this.description}`);
    this.noteCommit(target);
    return target.oid;
  }

  async listFiles(revision: string): Promise<TreeFile[]> {
    const tree = await this.tree(revision);
    return [...tree.files].map(([path, entry]) => ({ path, sha: entry.sha, ...(entry.size !== undefined ? { size: entry.size } : {}) })).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** The files of a commit (cached per commit; concurrent reads of one commit share their calls). */
  async tree(revision: string): Promise<GitHubTree> {
    return this.trees.get(revision) ?? this.once(`tree ${revision}`, () => this.loadTree(revision));
  }

  /** Records a commit this instance created (its files and new texts are known), so reading it costs nothing. */
  remember(revision: string, treeSha: string, files: ReadonlyMap<string, TreeEntry>, texts: Iterable<string> = []): void {
    this.trees.set(revision, { revision, treeSha, files });
    this.commitTrees.set(revision, treeSha);
    for (const text of texts) this.texts.set(gitBlobSha(text), text);
  }

  async readFiles(revision: string, paths: readonly string[]): Promise<Map<string, string>> {
    const tree = await this.tree(revision);
    const found = new Map<string, string>(); // by blob SHA, held for this read whatever the caches drop meanwhile
    const wanted = (): WantedFile[] => {
      const bySha = new Map<string, WantedFile>(); // equal contents fetched once
      for (const path of paths) {
        const entry = tree.files.get(path);
        if (!entry || found.has(entry.sha) || bySha.has(entry.sha)) continue;
        const text = this.cached(entry.sha);
        if (text !== undefined) found.set(entry.sha, text);
        else bySha.set(entry.sha, { path, entry });
      }
      return [...bySha.values()];
    };
    let missing = batches(wanted());
    // More than one query's worth: the whole commit in one call instead (what it lacks, GraphQL reads after),
    // unless the tree's sizes already say its tarball is over the limit.
    if (missing.length > 1 && this.archived?.revision !== revision && treeBytes(tree) <= this.client.settings.archiveMaxBytes && (await this.archive(revision))) missing = batches(wanted());
    const joined: Promise<void>[] = [];
    const own: WantedFile[] = [];
    for (const w of missing.flat()) {
      const underWay = this.reading.get(w.entry.sha);
      if (underWay) joined.push(underWay.then((text) => void (text !== undefined && found.set(w.entry.sha, text))));
      else own.push(w);
    }
    await Promise.all([
      ...joined,
      ...batches(own).map(async (batch) => {
        const fetched = fetchBatch(this.client, revision, batch);
        for (const w of batch) {
          const one = fetched.then((texts) => texts.get(w.entry.sha));
          this.reading.set(w.entry.sha, one);
          void one.then(() => this.reading.delete(w.entry.sha), () => this.reading.delete(w.entry.sha));
        }
        for (const [sha, text] of await fetched) {
          this.texts.set(sha, text);
          found.set(sha, text);
        }
      }),
    ]);
    const out = new Map<string, string>();
    for (const path of paths) {
      const text = found.get(tree.files.get(path)?.sha ?? '');
      if (text !== undefined) out.set(path, text);
    }
    return out;
  }

  /** What changed between two commits (exact; falls back to diffing trees when GitHub's answer is partial). */
  compare(base: string, head: string): Promise<Comparison> {
    return compareCommits(this.client, (revision) => this.tree(revision), base, head);
  }

  private cached(sha: string): string | undefined {
    return this.texts.get(sha) ?? this.archived?.texts.get(sha);
  }

  private noteCommit(commit: CommitNode): void {
    if (commit.tree?.oid) this.commitTrees.set(commit.oid, commit.tree.oid);
  }

  private async loadTree(revision: string): Promise<GitHubTree> {
    let tree: GitHubTree | undefined;
    // A cold reader: whoever lists a commit reads its files next, so the whole commit comes in one call.
    if (this.trees.size === 0 && this.archivesAllowed(revision)) {
      const known = this.commitTrees.get(revision);
      if (known) {
        const archive = await this.archive(revision);
        if (archive?.treeSha === known) tree = { revision, treeSha: known, files: archive.files };
        else if (archive) this.client.log.warn(`the tarball of ${revision.slice(0, 12)} in ${this.description} differs from its tree (export-ignore, export-subst or eol attributes?): reading the tree`);
      } else {
        // The tree SHA is unknown: the tree lists the files, the tarball brings their texts, both at once.
        [tree] = await Promise.all([this.restTree(revision), this.archive(revision)]);
      }
    }
    tree ??= await this.restTree(revision);
    if (FULL_SHA.test(revision)) this.trees.set(revision, tree);
    return tree;
  }

  private archivesAllowed(revision: string): boolean {
    return this.client.settings.archiveMaxBytes > 0 && FULL_SHA.test(revision) && !this.archivesTooLarge.get(revision);
  }

  /** A commit's tarball: its texts cached by blob SHA; its files and tree SHA. Undefined when it cannot be read. */
  private archive(revision: string): Promise<{ treeSha: string; files: Map<string, TreeEntry> } | undefined> {
    if (!this.archivesAllowed(revision)) return Promise.resolve(undefined);
    return this.once(`archive ${revision}`, async () => {
      const maxBytes = this.client.settings.archiveMaxBytes;
      try {
        const archive = await fetchArchive(this.client, revision, { maxBytes, maxTextBytes: Math.min(ARCHIVE_TEXT_MAX, this.client.settings.cacheMaxBytes) });
        const texts = new Map<string, string>();
        const files = new Map<string, TreeEntry>();
        for (const f of archive.files) {
          if (f.mode !== '120000') files.set(f.path, { sha: f.sha, mode: f.mode, size: f.size }); // symlinks are not manifests
          if (f.text === undefined) continue;
          texts.set(f.sha, f.text);
          this.texts.set(f.sha, f.text);
        }
        this.archived = { revision, texts };
        return { treeSha: archive.treeSha, files };
      } catch (error) {
        const tooLarge = Boolean((error as { tooLarge?: boolean }).tooLarge);
        // Only this commit: one oversized commit (or repository) must not switch tarballs off for the process.
        if (tooLarge) this.archivesTooLarge.set(revision, true);
        this.client.log.warn(`${(error as Error).message}${tooLarge ? ' (not fetched again for this commit; later commits whose tree fits still are)' : ''}: reading the tree and file batches instead`);
        return undefined;
      }
    });
  }

  /** One recursive tree call; subtrees walked one by one when GitHub truncates it. */
  private async restTree(revision: string): Promise<GitHubTree> {
    const files = new Map<string, TreeEntry>();
    const root = await this.getTree(revision, true);
    if (root.truncated) await this.walk(revision, '', files);
    else addBlobs(files, '', root.tree);
    return { revision, treeSha: root.sha, files };
  }

  private async getTree(sha: string, recursive: boolean): Promise<TreeAnswer> {
    const { octokit, owner, repo } = this.client;
    try {
      // Parsed with JSON.parse, not Octokit's big-integer-preserving parser (a tree has no integer past 2^53): a
      // 500-file tree took that parser 7 ms, JSON.parse under 1, and every sync of a push waits for it.
      const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha, ...(recursive ? { recursive: 'true' } : {}), request: { parseSuccessResponseBody: false } });
      return JSON.parse(await new Response(data as unknown as ReadableStream).text()) as TreeAnswer;
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

  private async query<T>(query: string, variables: Record<string, string>, action: string): Promise<T> {
    const { octokit, owner, repo, graphqlUrl } = this.client;
    try {
      return await octokit.graphql<T>({ query, url: graphqlUrl, owner, name: repo, ...variables });
    } catch (error) {
      throw gitHubFailure(action, error);
    }
  }

  /** Runs `load` once for concurrent callers with the same key. */
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = load().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}

/** The total size of a tree's blobs, where the tree reports sizes (0 for entries without one). */
function treeBytes(tree: GitHubTree): number {
  let n = 0;
  for (const e of tree.files.values()) n += e.size ?? 0;
  return n;
}

function addBlobs(files: Map<string, TreeEntry>, prefix: string, entries: readonly { path?: string; mode?: string; type?: string; sha?: string; size?: number }[]): void {
  for (const e of entries) {
    if (e.type !== 'blob' || !e.path || !e.sha || e.mode === '120000') continue; // symlinks are not manifests
    files.set(prefix + e.path, { sha: e.sha, mode: e.mode ?? '100644', ...(e.size !== undefined ? { size: e.size } : {}) });
  }
}

export { gitBlobSha } from './git-blob-sha.ts';
