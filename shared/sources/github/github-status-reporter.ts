/**
 * Commit statuses per cluster (`gitops/<environment>/<cluster>`): pending while syncing, then success or failure,
 * with a description a person can act on. GitHub rejects descriptions over 140 characters: they are cut at a
 * word boundary and end with an ellipsis.
 */
import type { StatusReporter, StatusState } from '../port.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';

/** GitHub's limit on a commit status description. */
export const STATUS_DESCRIPTION_MAX = 140;

/** One line of at most `max` characters; longer text is cut at a word boundary and ends with `…`. */
export function truncateDescription(text: string, max = STATUS_DESCRIPTION_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line]; // code points: never split a surrogate pair
  if (chars.length <= max) return line;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  const head = space >= max / 2 ? cut.slice(0, space) : cut;
  return `${head.replace(/[\s,;:.-]+$/, '')}…`;
}

export class GitHubStatusReporter implements StatusReporter {
  private readonly client: GitHubClient;

  constructor(client: GitHubClient) {
    this.client = client;
  }

  async setStatus(revision: string, status: { context: string; state: StatusState; description: string }): Promise<void> {
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: revision,
        state: status.state,
        context: status.context,
        description: truncateDescription(status.description),
      });
    } catch (error) {
      throw gitHubFailure(`set status ${status.context}=${status.state} on ${revision.slice(0, 12)} in ${owner}/${repo}`, error);
    }
  }
}
