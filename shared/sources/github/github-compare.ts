/**
 * What changed between two commits: GitHub's compare when its answer is complete and linear, else the exact
 * two-point difference of both trees.
 */
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import type { GitHubTree } from './github-tree.ts';

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

/** GitHub lists at most 300 files in a compare answer. */
const COMPARE_FILES_LIMIT = 300;

/** Changes from `base` to `head`; `tree` reads a commit's files (cached by the reader). */
export async function compareCommits(client: GitHubClient, tree: (revision: string) => Promise<GitHubTree>, base: string, head: string): Promise<Comparison> {
  const { octokit, owner, repo } = client;
  let data;
  try {
    ({ data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1 }));
  } catch (error) {
    throw gitHubFailure(`compare ${base}...${head} in github:${owner}/${repo}`, error);
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
  const [from, to] = await Promise.all([tree(base), tree(head)]);
  return { base, head, status, mergeBase, files: diffTrees(from, to), via: 'trees' };
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
