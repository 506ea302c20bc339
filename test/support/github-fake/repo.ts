/**
 * One fake repository: its identity (owner/name/id), its git directory, and the state GitHub keeps beside git
 * (pull requests, commit statuses). Also creates repositories from initial files or an existing git repository.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { GitRepo, isSafeRev } from './git.ts';
import { notFound, conflict } from './errors.ts';

const run = promisify(execFile);

/** A pull request as the fake stores it; JSON shapes are built from it on each answer. */
export interface PullRecord {
  number: number; id: number; title: string; body: string | null; state: 'open' | 'closed'; draft: boolean;
  head: string; base: string; headSha: string; baseSha: string; user: string;
  maintainerCanModify: boolean; createdAt: string; updatedAt: string; closedAt: string | null;
  /** `owner/name` of the fork the head branch lives in; undefined when it is this repository. */
  headRepo?: string;
}

/** A check run as the fake stores it (output and annotations as last sent; annotations accumulate). */
export interface CheckRunRecord {
  id: number; headSha: string; name: string; externalId: string | null; detailsUrl: string | null;
  status: 'queued' | 'in_progress' | 'completed'; conclusion: string | null; startedAt: string; completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Record<string, unknown>[];
}

/** An issue (or pull request) comment. */
export interface CommentRecord {
  id: number; issue: number; body: string; user: string; createdAt: string; updatedAt: string;
}

/** A commit status as the fake stores it. */
export interface StatusRecord {
  id: number; sha: string; state: 'pending' | 'success' | 'failure' | 'error'; context: string;
  description: string | null; targetUrl: string | null; creator: string; createdAt: string; updatedAt: string;
}

/** How to create a repository: serve `dir` (copied unless `inPlace`), or commit `files` to `branches`. */
export interface RepoSpec {
  /** `owner/name`. */
  fullName: string;
  /** An existing git repository (bare or not) to serve. Copied to a temporary bare clone unless `inPlace`. */
  dir?: string;
  /** Serve `dir` itself: API writes land in it (refs and objects only; a work tree is not touched). */
  inPlace?: boolean;
  /** Initial content when there is no `dir`: path to text. Default: no files (an empty tree). */
  files?: Record<string, string>;
  /** Branches created at the initial commit; the first is the default branch. Default `['main']`. */
  branches?: string[];
}

/** A served repository. */
export class FakeRepo {
  readonly fullName: string;
  readonly owner: string;
  readonly name: string;
  readonly id: number;
  readonly git: GitRepo;
  readonly createdAt: string;
  /** A temporary directory removed on close (undefined when serving in place). */
  readonly tempDir: string | undefined;
  pushedAt: string;
  readonly pulls: PullRecord[] = [];
  readonly statuses: StatusRecord[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  readonly comments: CommentRecord[] = [];

  constructor(fullName: string, id: number, gitDir: string, tempDir: string | undefined) {
    const [owner, name] = fullName.split('/');
    this.fullName = fullName;
    this.owner = owner!;
    this.name = name!;
    this.id = id;
    this.git = new GitRepo(gitDir);
    this.tempDir = tempDir;
    this.createdAt = new Date().toISOString().slice(0, 19) + 'Z';
    this.pushedAt = this.createdAt;
  }

  /** The default branch (HEAD's target). */
  defaultBranch(): Promise<string> {
    return this.git.headBranch();
  }

  /** Resolves a ref name, branch, tag or SHA to a commit SHA; throws GitHub's 404/409 answers. */
  async commitSha(rev: string, what = 'No commit found for SHA'): Promise<string> {
    const sha = await this.resolveCommit(rev);
    if (sha) return sha;
    if ((await this.git.listRefs()).length === 0) throw conflict('Git Repository is empty.');
    throw notFound(`${what}: ${rev}`);
  }

  /** Like {@link commitSha} but undefined instead of throwing. Branches win over tags, tags over SHAs. */
  async resolveCommit(rev: string): Promise<string | undefined> {
    if (!isSafeRev(rev)) return undefined;
    const [, name, suffix] = /^(.*?)((?:[~^]\d*)*)$/.exec(rev)!;
    if (name === 'HEAD') return this.git.revParse(`HEAD${suffix}`, 'commit');
    for (const candidate of name!.startsWith('refs/') ? [name!] : [`refs/heads/${name}`, `refs/tags/${name}`]) {
      // The SHA the ref names, not the ref again: one read of the ref, and a question about a SHA git need not repeat.
      const sha = await this.git.refValue(candidate);
      if (sha) return this.git.revParse(`${sha}${suffix}`, 'commit');
    }
    if (/^[0-9a-f]{7,40}$/.test(name!)) return this.git.revParse(`${name}${suffix}`, 'commit');
    return undefined;
  }

  /** Removes the temporary directory, if any. */
  async dispose(): Promise<void> {
    await this.git.close();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}

const FAKE_AUTHOR = { name: 'GitHub Fake', email: 'fake@users.noreply.github.com' };

/** Creates (or opens) the git directory for `spec` and returns the repository. */
export async function createRepo(spec: RepoSpec, id: number): Promise<FakeRepo> {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(spec.fullName)) throw new Error(`failed to create repository: bad full name ${spec.fullName}`);
  if (spec.dir && spec.inPlace) {
    const { stdout } = await run('git', ['-C', spec.dir, 'rev-parse', '--absolute-git-dir']);
    return new FakeRepo(spec.fullName, id, stdout.trim(), undefined);
  }
  const temp = await mkdtemp(path.join(os.tmpdir(), 'github-fake-'));
  const gitDir = path.join(temp, `${spec.fullName.replace('/', '__')}.git`);
  try {
    if (spec.dir) {
      await run('git', ['clone', '--bare', '--quiet', '--', path.resolve(spec.dir), gitDir]);
      return new FakeRepo(spec.fullName, id, gitDir, temp);
    }
    const branches = spec.branches?.length ? spec.branches : ['main'];
    await run('git', ['init', '--bare', '--quiet', `--initial-branch=${branches[0]}`, gitDir]);
    const repo = new FakeRepo(spec.fullName, id, gitDir, temp);
    const files = Object.entries(spec.files ?? {});
    const shas = await repo.git.hashBlobs(files.map(([, content]) => content));
    const edits = files.map(([p], i) => ({ path: p, mode: '100644', sha: shas[i]! }));
    const tree = await repo.git.buildTree(undefined, edits);
    const sha = await repo.git.commitTree({ tree, parents: [], message: 'Initial commit', author: FAKE_AUTHOR });
    for (const b of branches) await repo.git.updateRef(`refs/heads/${b}`, sha, undefined);
    return repo;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw new Error(`failed to create repository ${spec.fullName}`, { cause: error });
  }
}
