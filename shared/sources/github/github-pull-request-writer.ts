/**
 * Pull-request mode for protected branches (`imageUpdates: pull-request`): changes go to one branch per
 * environment (`gitops/image-updates/<environment>`), created from the base branch when absent and moved by
 * compare-and-swap otherwise. When the base moved, the branch first gets a merge commit of the base (the PR's own
 * changes carried over; where the base changed the same file, the base wins and the file is reported as dropped),
 * so every move stays a fast forward. Then one pull request is opened, or the open one is updated: its title
 * and body list every image it carries.
 *
 * The branch is built on only while its head is the one this app recorded when it last wrote it (the
 * ProposalLedger, in the app's own storage): then every commit on it since the merge base is ours. Otherwise
 * (pre-seeded, someone else's commit on top, a force push) it is rebuilt from the base with only this change,
 * and the pull request lists only this change's images: no one's commits hide under the app's title.
 */
import type { FileChanges } from '../port.ts';
import { MemoryProposalLedger, type ProposalLedger } from '../proposal-ledger.ts';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';
import type { GitHubReader } from './github-reader.ts';
import type { GitHubWriter, Person, TreeEdit } from './github-writer.ts';

export interface ProposedChange {
  files: FileChanges;
  message: string;
  /** The images this change sets, e.g. `radixdev.azurecr.io/web:1.2.3`. */
  images: readonly string[];
  author?: Person;
}

export interface ProposeRequest {
  environment: string;
  baseBranch: string;
  /** The change on top of `head` (the proposal branch, or the base when there is no branch yet). */
  compute: (head: string) => Promise<ProposedChange | undefined>;
  attempts?: number;
  jitterMs?: number;
}

export type ProposeResult =
  | { status: 'unchanged'; branch: string; attempts: number }
  | { status: 'opened' | 'updated'; branch: string; revision: string; pullRequest: { number: number; url: string }; images: string[]; dropped: string[]; attempts: number; rebuilt?: string };

/** The proposal branch of an environment. */
export function proposalBranch(environment: string): string {
  return `gitops/image-updates/${environment}`;
}

const IMAGES_MARKER = /<!-- gitops:images (.*?) -->/;

export class GitHubPullRequestWriter {
  private readonly client: GitHubClient;
  private readonly reader: GitHubReader;
  private readonly writer: GitHubWriter;
  private readonly ledger: ProposalLedger;

  constructor(client: GitHubClient, reader: GitHubReader, writer: GitHubWriter, ledger: ProposalLedger = new MemoryProposalLedger()) {
    this.client = client;
    this.reader = reader;
    this.writer = writer;
    this.ledger = ledger;
  }

  async propose(request: ProposeRequest): Promise<ProposeResult> {
    const branch = proposalBranch(request.environment);
    const attempts = request.attempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const baseHead = await this.reader.resolveBranch(request.baseBranch);
      const branchHead = await this.reader.resolveBranch(branch).catch((error: unknown) => {
        if (/does not exist/.test(String((error as Error).message))) return undefined;
        throw error;
      });
      // Someone else's commits on the branch (or no record of ours): rebuild it from the base.
      const rebuilt = branchHead && branchHead !== (await this.ledger.head(branch))
        ? `${branch} is at ${branchHead.slice(0, 12)}, not the head this app last wrote: rebuilt from ${request.baseBranch}`
        : undefined;
      const { start, dropped } = branchHead && !rebuilt ? await this.catchUp(branch, branchHead, request.baseBranch, baseHead) : { start: baseHead, dropped: [] };
      const change = await request.compute(start);
      const made = change && change.files.size > 0
        ? await this.writer.createCommit({ base: start, parents: [start], files: change.files, message: change.message, ...(change.author ? { author: change.author } : {}) })
        : undefined;
      const target = made ?? start;
      if (target === branchHead || (!branchHead && !made)) return { status: 'unchanged', branch, attempts: attempt };
      if (rebuilt && !made) {
        // Nothing of ours to propose: the foreign branch is left alone (and no pull request is opened for it).
        return { status: 'unchanged', branch, attempts: attempt };
      }
      const moved = rebuilt
        ? (await this.writer.forceRef(branch, target, branchHead!)) !== undefined
        : branchHead ? (await this.writer.updateRef(branch, target)) !== undefined : !(await this.writer.createRef(branch, target));
      if (moved) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * (request.jitterMs ?? 200) * attempt));
        continue;
      }
      await this.ledger.record(branch, target);
      const pr = await this.openOrUpdate(request.environment, branch, request.baseBranch, change?.images ?? [], Boolean(rebuilt));
      return { ...pr, branch, revision: target, dropped, attempts: attempt, ...(rebuilt ? { rebuilt } : {}) };
    }
    throw new Error(`failed to update ${branch} in ${this.reader.description}: the branch moved on each of ${attempts} attempts`);
  }

  /** The commit to build on: the branch head, or a merge of the moved base into it. */
  private async catchUp(branch: string, head: string, baseBranch: string, baseHead: string): Promise<{ start: string; dropped: string[] }> {
    const comparison = await this.reader.compare(baseHead, head);
    if (comparison.status === 'ahead' || comparison.status === 'identical') return { start: head, dropped: [] };
    if (comparison.status === 'behind') return { start: baseHead, dropped: [] }; // nothing of its own: a fast forward
    const [mergeBase, ours, theirs] = await Promise.all([this.reader.tree(comparison.mergeBase), this.reader.tree(head), this.reader.tree(baseHead)]);
    const carried: TreeEdit[] = [];
    const dropped: string[] = [];
    for (const path of new Set([...mergeBase.files.keys(), ...ours.files.keys()])) {
      const before = mergeBase.files.get(path)?.sha;
      const mine = ours.files.get(path);
      if (mine?.sha === before) continue; // not changed by the proposal
      const base = theirs.files.get(path)?.sha;
      if (base === mine?.sha) continue; // the base has it already
      if (base !== before) { dropped.push(path); continue; } // both changed it: the base wins
      carried.push(mine ? { path, mode: mine.mode, sha: mine.sha } : { path, mode: '100644', sha: null });
    }
    const merge = await this.writer.createCommit({ base: baseHead, parents: [head, baseHead], files: carried, message: `Merge ${baseBranch} into ${branch}` });
    return { start: merge!, dropped: dropped.sort() };
  }

  private async openOrUpdate(environment: string, branch: string, baseBranch: string, images: readonly string[], rebuilt = false): Promise<{ status: 'opened' | 'updated'; pullRequest: { number: number; url: string }; images: string[] }> {
    const { octokit, owner, repo } = this.client;
    try {
      const { data: open } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, base: baseBranch, state: 'open', per_page: 10 });
      const existing = open.find((p) => p.head.ref === branch);
      const all = mergeImages(existing && !rebuilt ? parseImages(existing.body ?? '') : [], images);
      const title = pullRequestTitle(environment, all);
      const body = pullRequestBody(environment, all);
      if (existing) {
        await octokit.rest.pulls.update({ owner, repo, pull_number: existing.number, title, body });
        return { status: 'updated', pullRequest: { number: existing.number, url: existing.html_url }, images: all };
      }
      const { data } = await octokit.rest.pulls.create({ owner, repo, head: branch, base: baseBranch, title, body });
      return { status: 'opened', pullRequest: { number: data.number, url: data.html_url }, images: all };
    } catch (error) {
      throw gitHubFailure(`open or update the pull request from ${branch} to ${baseBranch} in ${owner}/${repo}`, error);
    }
  }
}

/** An image's name without tag or digest (`host/path/name`). */
function imageName(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** Earlier images with later ones replacing the same name; sorted. */
export function mergeImages(earlier: readonly string[], later: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const image of [...earlier, ...later]) byName.set(imageName(image), image);
  return [...byName.values()].sort();
}

export function parseImages(body: string): string[] {
  const m = IMAGES_MARKER.exec(body);
  return m?.[1] ? m[1].split(' ').filter(Boolean) : [];
}

export function pullRequestTitle(environment: string, images: readonly string[]): string {
  const short = images.map((i) => i.slice(i.lastIndexOf('/') + 1));
  const listed = `Update images in ${environment}: ${short.join(', ')}`;
  return images.length <= 3 && listed.length <= 120 ? listed : `Update ${images.length} images in ${environment}`;
}

export function pullRequestBody(environment: string, images: readonly string[]): string {
  return [
    `Image updates for the **${environment}** environment, proposed by serverless-gitops because its branch is protected.`,
    '',
    ...images.map((i) => `- \`${i}\``),
    '',
    'Merging applies them; later updates are added to this pull request.',
    '',
    `<!-- gitops:images ${images.join(' ')} -->`,
  ].join('\n');
}
