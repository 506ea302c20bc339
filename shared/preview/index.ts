/**
 * Pull-request previews, the pure half: which environments a pull request touches, the comparison of base
 * and head builds per cluster group (objects, fields, images, errors), and its GitHub markdown and JSON.
 * The I/O half (builds, dry runs, reports) is shared/pipeline/run-preview.ts.
 */
export { isSameRepository, parsePullRequestEvent, PREVIEW_ACTIONS, type PullRequestEvent } from './pull-request-event.ts';
export { DEFINITION_FILE, screenPullRequest, scopePreview, type PreviewScope, type PreviewScreen } from './plan-preview.ts';
export { messageKey, where, type BuildMessage, type EnvironmentBuild } from './environment-build.ts';
export { imageChanges, type ImageChange } from './image-changes.ts';
export { compareBuilds, type DryRunOutcome, type EnvironmentPreview, type GroupBuilds, type GroupPreview } from './compare-builds.ts';
export { GITHUB_TEXT_MAX, previewTitle, renderPreviewMarkdown } from './preview-markdown.ts';
export { ANNOTATIONS_PER_REQUEST, MAX_ANNOTATIONS, previewAnnotations, previewCheckName, previewToJson, type CheckAnnotation, type PreviewJson } from './preview-report.ts';
export { codeBlock, htmlText, mdText } from './markdown-text.ts';
