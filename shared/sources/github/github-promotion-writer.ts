/**
 * A promotion as one pull request on GitHub: the branch `gitops/promote/<from>-to-<to>` is made afresh on the
 * target branch's HEAD with one commit (the promoted files), and the one open pull request from it to the target
 * branch is opened or updated; its body is the promotion summary. Idempotent per (source commit, target commit):
 * when the open pull request already proposes exactly that, nothing is written.
 */
import type { FileChanges } from '../port.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import type { GitHubReader } from './github-reader.ts';
import type { GitHubWriter } from './github-writer.ts';

export interface PromotionProposal {
  /** The one branch (`promotionBranch(from, to)`). */
  branch: string;
  /** The target environment's branch: the pull request's base. */
  baseBranch: string;
  /** The target branch HEAD the files were computed on. */
  baseRevision: string;
  /** The source branch HEAD they were computed from. */
  sourceRevision: string;
  files: FileChanges;
  title: string;
  /** The promotion summary (Markdown); it becomes the body. */
  summary: string;
}

export type PromotionProposalResult =
  | { status: 'unchanged'; branch: string; pullRequest?: { number: number; url: string } }
  | { status: 'opened' | 'updated'; branch: string; revision: string; pullRequest: { number: number; url: string } };

const marker = (p: PromotionProposal) => `<!-- gitops:promote source=${p.sourceRevision} target=${p.baseRevision} -->`;

/** Opens or updates the promotion pull request. */
export async function proposePromotion(client: GitHubClient, reader: GitHubReader, writer: GitHubWriter, p: PromotionProposal): Promise<PromotionProposalResult> {
  const { octokit, owner, repo } = client;
  const open = await listOpen(client, p);
  const branchHead = await reader.resolveBranch(p.branch).catch((error: unknown) => {
    if (/does not exist/.test(String((error as Error).message))) return undefined;
    throw error;
  });
  if (open && branchHead && (open.body ?? '').includes(marker(p))) {
    return { status: 'unchanged', branch: p.branch, pullRequest: { number: open.number, url: open.html_url } };
  }
  if (p.files.size === 0) return { status: 'unchanged', branch: p.branch };
  const revision = await writer.createCommit({ base: p.baseRevision, parents: [p.baseRevision], files: p.files, message: `${p.title}\n\n${p.summary}` });
  if (revision === undefined) return { status: 'unchanged', branch: p.branch };
  if (branchHead === undefined) {
    if (!(await writer.createRef(p.branch, revision))) throw new Error(`${p.branch} was created by someone else meanwhile in ${reader.description}; run again`);
  } else {
    const moved = await writer.forceRef(p.branch, revision, branchHead);
    if (moved !== undefined) throw new Error(`${p.branch} moved meanwhile in ${reader.description} (now ${moved.slice(0, 12)}); run again`);
  }
  const body = `${p.summary.trimEnd()}\n\n${marker(p)}`;
  try {
    if (open) {
      await octokit.rest.pulls.update({ owner, repo, pull_number: open.number, title: p.title, body });
      return { status: 'updated', branch: p.branch, revision, pullRequest: { number: open.number, url: open.html_url } };
    }
    const { data } = await octokit.rest.pulls.create({ owner, repo, head: p.branch, base: p.baseBranch, title: p.title, body });
    return { status: 'opened', branch: p.branch, revision, pullRequest: { number: data.number, url: data.html_url } };
  } catch (error) {
    throw gitHubFailure(`open or update the pull request from ${p.branch} to ${p.baseBranch} in ${owner}/${repo}`, error);
  }
}

async function listOpen(client: GitHubClient, p: PromotionProposal) {
  const { octokit, owner, repo } = client;
  try {
    const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${p.branch}`, base: p.baseBranch, state: 'open', per_page: 10 });
    return data.find((pr) => pr.head.ref === p.branch);
  } catch (error) {
    throw gitHubFailure(`list the pull requests from ${p.branch} in ${owner}/${repo}`, error);
  }
}
