/** The GitHub adapter of the source port. */
export { createGitHubSource, gitHubSourceFromSettings, GitHubSource } from './github-source.ts';
export { createGitHubClient, describeGitHubError, type GitHubClient, type GitHubClientOptions, type GitHubLog } from './create-github-client.ts';
export { parseGitHubSettings, graphqlUrlFor, type GitHubSettings, type GitHubSettingsInput } from './github-settings.ts';
export type { ChangedFile, Comparison, GitHubTree, TreeEntry } from './github-reader.ts';
export { proposalBranch, type ProposedChange, type ProposeRequest, type ProposeResult } from './github-pull-request-writer.ts';
export { truncateDescription, STATUS_DESCRIPTION_MAX } from './github-status-reporter.ts';
export { GitHubPreviewReporter, commentMarker, isPreviewComment, type PreviewReportMode } from './github-preview-reporter.ts';
export { proposePromotion, type PromotionProposal, type PromotionProposalResult } from './github-promotion-writer.ts';
