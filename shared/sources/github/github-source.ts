/**
 * The GitHub adapter of the source port: one object per repository that reads (SourceReader), writes
 * (SourceWriter, compare-and-swap), proposes pull requests and reports commit statuses. Build one per
 * repository and keep it for the life of the Functions instance: it owns the client and the caches.
 */
import { proposePromotion, type PromotionProposal, type PromotionProposalResult } from './github-promotion-writer.ts';
import type { CommitRequest, CommitResult, DefaultBranchFile, FileAt, SourceReader, SourceWriter, StatusReporter, StatusState, TreeFile } from '../port.ts';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from './create-github-client.ts';
import { GitHubReader, type Comparison, type GitHubTree } from './github-reader.ts';
import { GitHubWriter } from './github-writer.ts';
import { GitHubPullRequestWriter, type ProposeRequest, type ProposeResult } from './github-pull-request-writer.ts';
import { GitHubStatusReporter } from './github-status-reporter.ts';
import type { ProposalLedger } from '../proposal-ledger.ts';

export class GitHubSource implements SourceReader, SourceWriter, StatusReporter {
  readonly client: GitHubClient;
  readonly reader: GitHubReader;
  readonly writer: GitHubWriter;
  private readonly pulls: GitHubPullRequestWriter;
  private readonly statuses: GitHubStatusReporter;

  constructor(client: GitHubClient, options: { proposalLedger?: ProposalLedger } = {}) {
    this.client = client;
    this.reader = new GitHubReader(client);
    this.writer = new GitHubWriter(client, this.reader);
    this.pulls = new GitHubPullRequestWriter(client, this.reader, this.writer, options.proposalLedger);
    this.statuses = new GitHubStatusReporter(client);
  }

  get description(): string {
    return this.reader.description;
  }

  defaultBranch(): Promise<string> {
    return this.reader.defaultBranch();
  }

  resolveBranch(branch: string): Promise<string> {
    return this.reader.resolveBranch(branch);
  }

  readDefaultBranchFile(path: string): Promise<DefaultBranchFile> {
    return this.reader.readDefaultBranchFile(path);
  }

  readFileAt(at: { branch: string } | { revision: string }, path: string): Promise<FileAt> {
    return this.reader.readFileAt(at, path);
  }

  listFiles(revision: string): Promise<TreeFile[]> {
    return this.reader.listFiles(revision);
  }

  readFiles(revision: string, paths: readonly string[]): Promise<Map<string, string>> {
    return this.reader.readFiles(revision, paths);
  }

  /** The files of a commit with blob SHAs and modes (cached per commit). */
  tree(revision: string): Promise<GitHubTree> {
    return this.reader.tree(revision);
  }

  /** What changed between two commits (exact; falls back to diffing trees when GitHub's answer is partial). */
  compare(base: string, head: string): Promise<Comparison> {
    return this.reader.compare(base, head);
  }

  commit(request: CommitRequest): Promise<CommitResult> {
    return this.writer.commit(request);
  }

  /** Pull-request mode: one branch and one open pull request per environment. */
  propose(request: ProposeRequest): Promise<ProposeResult> {
    return this.pulls.propose(request);
  }

  /** A promotion as one pull request (`gitops/promote/<from>-to-<to>`), opened or updated. */
  proposePromotion(proposal: PromotionProposal): Promise<PromotionProposalResult> {
    return proposePromotion(this.client, this.reader, this.writer, proposal);
  }

  setStatus(revision: string, status: { context: string; state: StatusState; description: string }): Promise<void> {
    return this.statuses.setStatus(revision, status);
  }
}

/** Validates settings (see github-settings.ts) and builds the adapter. */
export function createGitHubSource(settings: unknown, options: GitHubClientOptions & { proposalLedger?: ProposalLedger } = {}): GitHubSource {
  const { proposalLedger, ...clientOptions } = options;
  return new GitHubSource(createGitHubClient(settings, clientOptions), proposalLedger ? { proposalLedger } : {});
}

/** The adapter for the app settings' GitHub section (repository, API URL, token or App) and commit author. */
export function gitHubSourceFromSettings(
  github: { repository: string; apiUrl: string; auth: { kind: 'token'; token: string } | { kind: 'app'; appId: number; privateKey: string; installationId: number } },
  committer: { name: string; email: string },
  overrides: { writeIntervalMs?: number } = {},
  options: GitHubClientOptions & { proposalLedger?: ProposalLedger } = {},
): GitHubSource {
  const { kind: _kind, ...auth } = github.auth;
  return createGitHubSource({ repository: github.repository, baseUrl: github.apiUrl, auth, committer, ...overrides }, options);
}
