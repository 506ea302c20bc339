/**
 * Images in manifests, Flux v1 style: references, tag filters, where images live, the automation
 * decision for a pushed image, byte-preserving edits and commit messages. Pure: no I/O.
 */
export {
  ImageRefError,
  canonicalName,
  formatImageRef,
  formatRepository,
  parseImageRef,
  sameRepository,
  tryParseImageRef,
  withTag,
  type ImageRef,
} from './image-ref.ts';
export { globMatch } from './glob.ts';
export { compareVersions, parseVersion, type Version } from './semver-version.ts';
export { SemverRangeError, parseSemverRange, rangeAccepts, type SemverRange } from './semver-range.ts';
export {
  DEFAULT_FILTER,
  MAX_TAG_LENGTH,
  TagFilterError,
  admitsLatest,
  compileRe2,
  filterAccepts,
  filterMatches,
  isLatestTag,
  parseTagFilter,
  type Re2Pattern,
  type TagFilter,
} from './tag-filter.ts';
export {
  formatPath,
  tagEdit,
  valueAt,
  type FieldEdit,
  type ImageField,
  type ImageLocation,
  type ValuePath,
} from './image-location.ts';
export {
  containerFilter,
  type ContainerProblem,
  type FoundContainers,
  type WorkloadContainer,
} from './workload-container.ts';
export { findContainers, podSpecPath } from './find-containers.ts';
export { CHART_IMAGE, findHelmContainers, isHelmRelease } from './helm-containers.ts';
export { findPodContainers } from './pod-containers.ts';
export {
  chooseUpdate,
  decideUpdate,
  policySkip,
  type BuildTime,
  type Decision,
  type SkipReason,
} from './decide-update.ts';
export {
  acceptedTags,
  chooseCandidate,
  needsCreationTimes,
  newestFirst,
  type Candidate,
  type CandidateSkip,
  type CurrentImage,
  type ListedTag,
} from './choose-candidate.ts';
export { plainIsSafe, scalarText, type ScalarStyle } from './scalar-text.ts';
export { applyScalarEdits, type EditOutcome, type ScalarEdit } from './yaml-edit.ts';
export { autoReleaseMessage } from './commit-message.ts';
export {
  planRelease,
  type ReleaseChange,
  type ReleaseEnvironment,
  type ReleaseError,
  type ReleaseInput,
  type ReleasePlan,
  type ReleaseSkip,
} from './plan-release.ts';
export { listImages, type ImageRow } from './list-images.ts';
export { editAnnotations, type AnnotationChange, type AnnotationEditResult, type AnnotationTarget } from './annotation-edit.ts';
export { planPolicy, policyCommitMessage, type PolicyPlan, type PolicyRequest } from './plan-policy.ts';
export { manualReleaseMessage, planWorkloadRelease, type ReleaseTargets, type WorkloadReleaseChange, type WorkloadReleasePlan } from './plan-workload-release.ts';
