/**
 * Pull-request previews reported on GitHub, one per environment on the head SHA:
 * - as a GitHub App: a check run `gitops/<environment>` (in progress, then completed with the markdown summary
 *   and annotations, 50 per request). The same head previewed again updates its check run: one per head SHA.
 * - with a token (no Checks API): a commit status `gitops/<environment>` and ONE comment per environment on the
 *   pull request, found again by a hidden marker and edited by later pushes.
 */
import type { PreviewReporter, PreviewTarget } from '../../pipeline/run-preview.ts';
import {
  ANNOTATIONS_PER_REQUEST,
  GITHUB_TEXT_MAX,
  previewAnnotations,
  previewCheckName,
  previewTitle,
  renderPreviewMarkdown,
  type EnvironmentPreview,
} from '../../preview/index.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import { truncateDescription } from './github-status-reporter.ts';

export type PreviewReportMode = 'checks' | 'comment';

/** The hidden marker that identifies an environment's preview comment. */
export function commentMarker(environment: string): string {
  return `<!-- serverless-gitops preview: ${environment} -->`;
}

const MARKER_PREFIX = '<!-- serverless-gitops preview: ';
/** GitHub's limit on a check run's title. */
const TITLE_MAX = 255;

export class GitHubPreviewReporter implements PreviewReporter {
  private readonly client: GitHubClient;
  readonly mode: PreviewReportMode;

  constructor(client: GitHubClient, mode: PreviewReportMode) {
    this.client = client;
    this.mode = mode;
  }

  async currentHead(number: number): Promise<string | undefined> {
    const { octokit, owner, repo } = this.client;
    try {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
      return data.state === 'open' ? data.head.sha : undefined;
    } catch (error) {
      throw gitHubFailure(`read pull request #${number} in ${owner}/${repo}`, error);
    }
  }

  async started(target: PreviewTarget): Promise<void> {
    if (this.mode === 'comment') {
      await this.status(target, 'pending', 'building the base and the head');
      return;
    }
    const existing = await this.findCheckRun(target);
    if (existing) return;
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.checks.create({
        owner, repo, name: previewCheckName(target.environment), head_sha: target.headSha, status: 'in_progress', external_id: `pr-${target.number}`,
        output: { title: 'Building the base and the head', summary: `Previewing pull request #${target.number} for ${target.environment}.` },
      });
    } catch (error) {
      throw gitHubFailure(`create check run ${previewCheckName(target.environment)} on ${target.headSha.slice(0, 7)}`, error);
    }
  }

  async abandoned(target: PreviewTarget, reason: string): Promise<void> {
    if (this.mode === 'comment') {
      await this.status(target, 'error', `not previewed: ${reason}`);
      return;
    }
    const existing = await this.findCheckRun(target);
    if (!existing) return;
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.checks.update({ owner, repo, check_run_id: existing.id, conclusion: 'cancelled', output: { title: 'Superseded', summary: `Not previewed: ${reason}.` } });
    } catch (error) {
      throw gitHubFailure(`cancel check run ${previewCheckName(target.environment)} on ${target.headSha.slice(0, 7)}`, error);
    }
  }

  async report(target: PreviewTarget, preview: EnvironmentPreview): Promise<void> {
    if (this.mode === 'comment') await this.reportAsComment(target, preview);
    else await this.reportAsCheck(target, preview);
  }

  private async findCheckRun(target: PreviewTarget): Promise<{ id: number; annotations: number } | undefined> {
    const { octokit, owner, repo } = this.client;
    try {
      const { data } = await octokit.rest.checks.listForRef({ owner, repo, ref: target.headSha, check_name: previewCheckName(target.environment), filter: 'latest', per_page: 1 });
      const run = data.check_runs[0];
      return run ? { id: run.id, annotations: run.output.annotations_count } : undefined;
    } catch (error) {
      throw gitHubFailure(`list check runs on ${target.headSha.slice(0, 7)}`, error);
    }
  }

  private async reportAsCheck(target: PreviewTarget, preview: EnvironmentPreview): Promise<void> {
    const { octokit, owner, repo } = this.client;
    const name = previewCheckName(target.environment);
    const title = truncateDescription(previewTitle(preview), TITLE_MAX);
    const summary = renderPreviewMarkdown(preview, { maxChars: GITHUB_TEXT_MAX });
    const annotations = previewAnnotations(preview);
    const existing = await this.findCheckRun(target);
    // Annotations accumulate on a check run: a head previewed again keeps the ones it already has.
    const pending = existing && existing.annotations > 0 ? [] : annotations;
    const first = pending.slice(0, ANNOTATIONS_PER_REQUEST);
    const body = { conclusion: preview.conclusion, output: { title, summary, annotations: first } } as const;
    try {
      let id: number;
      if (existing) {
        await octokit.rest.checks.update({ owner, repo, check_run_id: existing.id, status: 'completed', ...body });
        id = existing.id;
      } else {
        const { data } = await octokit.rest.checks.create({ owner, repo, name, head_sha: target.headSha, external_id: `pr-${target.number}`, status: 'completed', ...body });
        id = data.id;
      }
      for (let i = ANNOTATIONS_PER_REQUEST; i < pending.length; i += ANNOTATIONS_PER_REQUEST) {
        await octokit.rest.checks.update({ owner, repo, check_run_id: id, output: { title, summary, annotations: pending.slice(i, i + ANNOTATIONS_PER_REQUEST) } });
      }
    } catch (error) {
      throw gitHubFailure(`report check run ${name} on ${target.headSha.slice(0, 7)}`, error);
    }
  }

  private async status(target: PreviewTarget, state: 'pending' | 'success' | 'failure' | 'error', description: string): Promise<void> {
    const { octokit, owner, repo } = this.client;
    try {
      await octokit.rest.repos.createCommitStatus({ owner, repo, sha: target.headSha, state, context: previewCheckName(target.environment), description: truncateDescription(description) });
    } catch (error) {
      throw gitHubFailure(`set status ${previewCheckName(target.environment)} on ${target.headSha.slice(0, 7)}`, error);
    }
  }

  private async reportAsComment(target: PreviewTarget, preview: EnvironmentPreview): Promise<void> {
    const { octokit, owner, repo } = this.client;
    const marker = commentMarker(target.environment);
    const heading = `### Preview of ${previewCheckName(target.environment)} at ${target.headSha.slice(0, 7)}: ${preview.conclusion === 'success' ? 'builds' : 'fails'}`;
    const markdown = renderPreviewMarkdown(preview, { maxChars: GITHUB_TEXT_MAX - marker.length - 2, heading });
    const body = `${marker}\n${markdown}`;
    try {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: target.number, per_page: 100 });
      const ours = comments.find((c) => (c.body ?? '').startsWith(marker));
      if (ours) await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
      else await octokit.rest.issues.createComment({ owner, repo, issue_number: target.number, body });
    } catch (error) {
      throw gitHubFailure(`write the preview comment for ${target.environment} on pull request #${target.number}`, error);
    }
    await this.status(target, preview.conclusion, previewTitle(preview));
  }
}

/** Whether a comment body is a preview comment of this app (any environment). */
export function isPreviewComment(body: string): boolean {
  return body.startsWith(MARKER_PREFIX);
}
