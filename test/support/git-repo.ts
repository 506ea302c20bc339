/** Real git repositories for tests: made from a file map, with branches, read back with git. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  /** Commits files (null deletes) on a branch through a temporary worktree-free index. */
  show(rev: string, file: string): string;
}

const ENV = { ...process.env, GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };

/** A repository whose branches all start from one commit holding `files`. */
export function makeRepo(files: Record<string, string>, branches: string[] = ['master']): TestRepo {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: ENV, maxBuffer: 256 * 1024 * 1024 }).trim();
  git('init', '-q', '-b', branches[0]!);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), c);
  }
  git('add', '-A');
  git('commit', '-qm', 'initial');
  for (const b of branches.slice(1)) git('branch', b);
  return { dir, git, show: (rev, file) => execFileSync('git', ['-C', dir, 'show', `${rev}:${file}`], { encoding: 'utf8' }) };
}
