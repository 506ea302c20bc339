/**
 * Structural and unified diffs of Kubernetes object sets (pure: no I/O). Used by `gitops diff` (live objects
 * vs the API server's dry-run answer) and meant for pull-request previews (base render vs head render).
 */
export { diffFields, formatPath } from './field-diff.ts';
export type { FieldChange, PathSegment } from './field-diff.ts';
export { MASK, SERVER_METADATA, maskSecretPair, prepareKubernetesPair, stripServerFields } from './normalize.ts';
export { diffObjectSets, hasDifferences } from './object-set-diff.ts';
export type { AddedObject, ChangedObject, DiffObject, DiffOptions, ObjectSetDiff, RemovedObject } from './object-set-diff.ts';
export { diffToJson, renderDiffMarkdown, renderDiffTerminal, summarizeDiff } from './render-diff.ts';
export type { DiffJson, Paint } from './render-diff.ts';
export { diffYaml, unifiedDiff } from './unified.ts';
