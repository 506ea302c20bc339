/**
 * Writes commits with compare-and-swap semantics through the Git Data API: one `POST /git/trees` (base tree,
 * inline contents, `sha: null` deletions), one `POST /git/commits`, then `PATCH /git/refs/heads/<branch>` with
 * `force: false`. A branch that moved answers 422 (not a fast forward): the result is `moved` with the new head,
 * and `commitWithRetry` (../commit-with-retry.ts) re-reads, recomputes and retries with jitter.
 */
import type { CommitRequest, CommitResult, FileChanges, SourceWriter } from '../port.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import { gitBlobSha, type GitHubReader, type TreeEntry } from './github-reader.ts';

export interface Person {
  name: string;
  email: string;
}

/** A tree entry for `POST /git/trees`: inline content, an existing blob, or a deletion (`sha: null`). */
export type TreeEdit = { path: string; mode: string; content: string } | { path: string; mode: string; sha: string | null };

export class GitHubWriter implements SourceWriter {
  private readonly client: GitHubClient;
  private readonly reader: GitHubReader;

  constructor(client: GitHubClient, reader: GitHubReader) {
    this.client = client;
    this.reader = reader;
  }

  /** One commit of all `files` on `expectedHead`; `moved` (ref untouched) when the branch is elsewhere now. */
  async commit(request: CommitRequest): Promise<CommitResult> {
    const made = await this.createCommit({ base: request.expectedHead, parents: [request.expectedHead], files: request.files, message: request.message, ...(request.author ? { author: request.author } : {}) });
    if (!made) return { status: 'unchanged' };
    const moved = await this.updateRef(request.branch, made);
    return moved ? { status: 'moved', head: moved } : { status: 'committed', revision: made };
  }

  /**
   * Creates the tree and commit for `files` applied to the tree of `base` (no ref moves). Undefined when the
   * change changes nothing. Changes equal to the base's contents are dropped before any write.
   */
  async createCommit(input: { base: string; parents: string[]; files: FileChanges | readonly TreeEdit[]; message: string; author?: Person }): Promise<string | undefined> {
    const baseTree = await this.reader.tree(input.base);
    const edits = isEditList(input.files) ? input.files : toEdits(input.files, baseTree.files);
    const effective = edits.filter((e) => {
      const before = baseTree.files.get(e.path);
      if ('content' in e) return before?.sha !== gitBlobSha(e.content);
      return e.sha === null ? before !== undefined : before?.sha !== e.sha;
    });
    if (effective.length === 0 && input.parents.length === 1) return undefined;
    const { octokit, owner, repo, settings } = this.client;
    const where = `${this.reader.description} on ${input.base.slice(0, 12)}`;
    let treeSha = baseTree.treeSha;
    if (effective.length > 0) {
      try {
        const tree = effective.map((e) => ({ ...e, type: 'blob' as const, mode: e.mode as '100644' }));
        treeSha = (await octokit.rest.git.createTree({ owner, repo, base_tree: baseTree.treeSha, tree })).data.sha;
      } catch (error) {
        throw gitHubFailure(`create a tree in ${where}`, error);
      }
      if (treeSha === baseTree.treeSha && input.parents.length === 1) return undefined;
    }
    let sha: string;
    try {
      const author = input.author ?? settings.committer;
      ({ sha } = (await octokit.rest.git.createCommit({ owner, repo, message: input.message, tree: treeSha, parents: input.parents, author, committer: settings.committer })).data);
    } catch (error) {
      throw gitHubFailure(`create a commit in ${where}`, error);
    }
    this.reader.remember(sha, treeSha, applyEdits(baseTree.files, effective), effective.flatMap((e) => ('content' in e ? [e.content] : [])));
    return sha;
  }

  /**
   * Moves a branch to `sha` by force, when it is still at `expected` (checked just before: GitHub's REST API has
   * no compare-and-swap for a forced update, so a write in between is lost). Undefined when done; the branch's
   * current head when it had moved.
   */
  async forceRef(branch: string, sha: string, expected: string): Promise<string | undefined> {
    const current = await this.reader.resolveBranch(branch);
    if (current !== expected) return current;
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: true });
      return undefined;
    } catch (error) {
      throw gitHubFailure(`reset ${branch} to ${sha.slice(0, 12)} in ${this.reader.description}`, error);
    }
  }

  /** Moves a branch to `sha` without force. Undefined when done; the branch's current head when it moved. */
  async updateRef(branch: string, sha: string): Promise<string | undefined> {
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: false });
      return undefined;
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 422 && /fast.?forward/i.test(e.message ?? '')) return this.reader.resolveBranch(branch);
      throw gitHubFailure(`move ${branch} to ${sha.slice(0, 12)} in ${this.reader.description}`, error);
    }
  }

  /** Creates a branch at `sha`; false when it already exists (someone else created it first). */
  async createRef(branch: string, sha: string): Promise<boolean> {
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
      return true;
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 422 && /already exists/i.test(e.message ?? '')) return false;
      throw gitHubFailure(`create branch ${branch} in ${this.reader.description}`, error);
    }
  }
}

function isEditList(files: FileChanges | readonly TreeEdit[]): files is readonly TreeEdit[] {
  return Array.isArray(files);
}

/** Port changes as tree entries; an existing file keeps its mode (e.g. executable). */
function toEdits(files: FileChanges, base: ReadonlyMap<string, TreeEntry>): TreeEdit[] {
  return [...files].map(([path, content]) => {
    const mode = base.get(path)?.mode ?? '100644';
    return content === null ? { path, mode, sha: null } : { path, mode, content };
  });
}

/** The file list after edits (blob SHAs computed locally), so the next read of our own commit costs no call. */
function applyEdits(base: ReadonlyMap<string, TreeEntry>, edits: readonly TreeEdit[]): Map<string, TreeEntry> {
  const files = new Map(base);
  for (const e of edits) {
    if ('content' in e) files.set(e.path, { sha: gitBlobSha(e.content), mode: e.mode, size: Buffer.byteLength(e.content) });
    else if (e.sha === null) files.delete(e.path);
    else files.set(e.path, { sha: e.sha, mode: e.mode });
  }
  return files;
}
