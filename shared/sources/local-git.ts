/**
 * A source over a local git repository (bare or not), read and written with
 * git plumbing so the working tree is never touched: the local host's
 * embedded default. Branch moves are compare-and-swap (`update-ref NEW OLD`),
 * exactly the guarantee GitHub's non-forced ref update gives.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CommitRequest, CommitResult, DefaultBranchFile, SourceReader, SourceWriter, TreeFile } from './port.ts';

const execFileP = promisify(execFile);

export interface LocalGitOptions {
  /** Author and committer of the commits this source writes. */
  author?: { name: string; email: string };
}

export class LocalGitSource implements SourceReader, SourceWriter {
  readonly description: string;
  readonly dir: string;
  private readonly author: { name: string; email: string };

  constructor(dir: string, options: LocalGitOptions = {}) {
    this.dir = path.resolve(dir);
    this.description = `git:${this.dir}`;
    this.author = options.author ?? { name: 'serverless-gitops', email: 'gitops@localhost' };
  }

  async defaultBranch(): Promise<string> {
    return (await this.git(['symbolic-ref', '--short', 'HEAD'])).trim();
  }

  async resolveBranch(branch: string): Promise<string> {
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])).trim();
    } catch {
      throw new Error(`branch ${branch} does not exist in ${this.dir}`);
    }
  }

  async readDefaultBranchFile(file: string): Promise<DefaultBranchFile> {
    const branch = await this.defaultBranch();
    const revision = await this.resolveBranch(branch);
    return { branch, revision, text: (await this.readFiles(revision, [file])).get(file) };
  }

  async listFiles(revision: string): Promise<TreeFile[]> {
    const out = await this.git(['ls-tree', '-r', '-z', '-l', '--full-tree', revision]);
    const files: TreeFile[] = [];
    for (const entry of out.split('\0')) {
      if (!entry) continue;
      const tab = entry.indexOf('\t');
      const [, type, sha, size] = entry.slice(0, tab).split(/ +/);
      if (type === 'blob') files.push({ path: entry.slice(tab + 1), sha: sha!, ...(size && /^[0-9]+$/.test(size) ? { size: Number(size) } : {}) });
    }
    return files;
  }

  async readFiles(revision: string, paths: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (paths.length === 0) return out;
    // One `cat-file --batch` process for every file: constant cost per call, whatever the count.
    const data = await this.gitWithInput(['cat-file', '--batch'], paths.map((p) => `${revision}:${p}\n`).join(''));
    let at = 0;
    for (const p of paths) {
      const nl = data.indexOf(0x0a, at);
      const header = data.subarray(at, nl).toString('utf8');
      at = nl + 1;
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) continue;
      const [, type, size] = header.split(' ');
      const length = Number(size);
      if (type === 'blob') out.set(p, data.subarray(at, at + length).toString('utf8'));
      at += length + 1;
    }
    return out;
  }

  async commit(request: CommitRequest): Promise<CommitResult> {
    const head = await this.resolveBranch(request.branch);
    if (head !== request.expectedHead) return { status: 'moved', head };
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'gitops-index-'));
    const env = { ...process.env, GIT_INDEX_FILE: path.join(tmp, 'index') };
    try {
      await this.git(['read-tree', head], env);
      const modes = new Map((await this.git(['ls-tree', '-r', '-z', '--full-tree', head])).split('\0').filter(Boolean).map((e) => [e.slice(e.indexOf('\t') + 1), e.split(' ')[0]!]));
      for (const [file, content] of request.files) {
        if (content === null) {
          await this.git(['update-index', '--force-remove', '--', file], env);
        } else {
          const sha = (await this.gitWithInput(['hash-object', '-w', '--stdin'], content)).toString('utf8').trim();
          await this.git(['update-index', '--add', '--cacheinfo', `${modes.get(file) ?? '100644'},${sha},${file}`], env);
        }
      }
      const tree = (await this.git(['write-tree'], env)).trim();
      if (tree === (await this.git(['rev-parse', `${head}^{tree}`])).trim()) return { status: 'unchanged' };
      const who = request.author ?? this.author;
      const commitEnv = { ...process.env, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: this.author.name, GIT_COMMITTER_EMAIL: this.author.email };
      const revision = (await this.gitWithInput(['commit-tree', tree, '-p', head, '-F', '-'], request.message, commitEnv)).toString('utf8').trim();
      try {
        await this.git(['update-ref', `refs/heads/${request.branch}`, revision, head]);
      } catch {
        return { status: 'moved', head: await this.resolveBranch(request.branch) };
      }
      return { status: 'committed', revision };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Any revision git understands (branch, tag, `HEAD~1`, SHA) as a commit SHA; throws naming it when there is none. */
  async resolveRevision(ref: string): Promise<string> {
    if (ref.startsWith('-')) throw new Error(`revision ${ref} does not exist in ${this.dir}`);
    try {
      return (await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
    } catch {
      throw new Error(`revision ${ref} does not exist in ${this.dir}`);
    }
  }

  /** The best common ancestor of two commits (where a pull request's head branched off), or `a` when none. */
  async mergeBase(a: string, b: string): Promise<string> {
    try {
      return (await this.git(['merge-base', '--end-of-options', a, b])).trim() || a;
    } catch {
      return a;
    }
  }

  /** Repo-relative paths that differ between two revisions (added/modified vs removed). */
  async diff(from: string, to: string): Promise<{ changed: string[]; removed: string[] }> {
    const out = await this.git(['diff', '--name-status', '-z', '--no-renames', from, to]);
    const parts = out.split('\0').filter(Boolean);
    const changed: string[] = [];
    const removed: string[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) (parts[i] === 'D' ? removed : changed).push(parts[i + 1]!);
    return { changed, removed };
  }

  /** Repository paths under `dir` that some commit on `branch` deleted (they may have come back since). */
  async deletedPaths(branch: string, dir: string): Promise<Set<string>> {
    const out = await this.git(['log', '--diff-filter=D', '--no-renames', '--name-only', '-z', '--format=', `refs/heads/${branch}`, '--', dir === '' ? '.' : dir]);
    return new Set(out.split('\0').map((p) => p.trim()).filter(Boolean));
  }

  private async git(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
    const { stdout } = await execFileP('git', ['-C', this.dir, ...args], { maxBuffer: 512 * 1024 * 1024, ...(env ? { env } : {}) });
    return stdout;
  }

  private gitWithInput(args: string[], input: string, env?: NodeJS.ProcessEnv): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['-C', this.dir, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
      const chunks: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git ${args[0]} failed (${code}): ${stderr.trim()}`))));
      child.stdin.end(input);
    });
  }
}
