/**
 * Plans an automated release: which containers take the pushed images, the new text of every file
 * that changes (one combined edit per file, whichever environments and images touch it), and the
 * commit message. Pure: the caller supplies resources, file texts and build times.
 */
import type { Resource } from '../manifests/resource.ts';
import { autoReleaseMessage } from './commit-message.ts';
import { chooseUpdate, policySkip, type BuildTime, type SkipReason } from './decide-update.ts';
import { findContainers } from './find-containers.ts';
import type { ContainerProblem, WorkloadContainer } from './workload-container.ts';
import { formatImageRef, sameRepository, withTag, type ImageRef } from './image-ref.ts';
import { tagEdit } from './image-location.ts';
import { applyScalarEdits, type ScalarEdit } from './yaml-edit.ts';
import { manifestId } from '../build/flux-patch-file.ts';
import { rewritePatchFile, type ObjectEdit, type PatchEnvironment } from '../build/release-patch.ts';

/** What to release. */
export interface ReleaseInput {
  /** Every environment's resources, as loaded from the files below. */
  readonly environments: ReadonlyArray<ReleaseEnvironment>;
  /** Current text of every file the resources came from, by repository-relative path. */
  readonly files: ReadonlyMap<string, string>;
  /** The pushed images (one registry event = one). */
  readonly images: readonly ImageRef[];
  /** Build time of an image when known; guards glob/regexp filters against rollbacks. */
  readonly buildTime?: BuildTime;
}

/** One environment's part of a release. */
export interface ReleaseEnvironment {
  readonly name: string;
  readonly resources: readonly Resource[];
  /**
   * `patchUpdated` (Flux v1 manifest generation): updates rewrite this patch file, never the base manifests.
   * `commandUpdated`: updaters are never run, so automation there is unsupported (reported as errors).
   */
  readonly generation?: { readonly mode: 'patchUpdated'; readonly patch: PatchEnvironment } | { readonly mode: 'commandUpdated'; readonly config: string };
}

/** A container that takes a new image. `from`/`to` are spelled as in the manifest. */
export interface ReleaseChange {
  readonly env: string;
  readonly file: string;
  readonly workload: string;
  readonly container: string;
  readonly from: string;
  readonly to: string;
}

/** A container of a pushed image's repository that was not changed, and why. */
export interface ReleaseSkip {
  readonly env: string;
  readonly workload: string;
  readonly container: string;
  /** The pushed image considered. */
  readonly image: string;
  readonly reason: SkipReason;
  readonly message: string;
}

/** Something that stopped a workload or file from being released. */
export interface ReleaseError {
  readonly env: string;
  readonly file: string;
  readonly workload?: string;
  readonly container?: string;
  readonly message: string;
}

/** The outcome: `message` is undefined when nothing changes; `files` holds only changed files. */
export interface ReleasePlan {
  readonly message: string | undefined;
  readonly changes: ReleaseChange[];
  readonly skipped: ReleaseSkip[];
  readonly errors: ReleaseError[];
  readonly files: Map<string, string>;
}

interface Pending {
  readonly change: ReleaseChange;
  readonly edit: ScalarEdit;
}

type Pushed = (ref: ImageRef) => ImageRef[];

/**
 * Problems that matter to this release: those of a pushed repository, and those whose repository is
 * unknown on an automated workload. They are errors (and skips), unless a policy excludes the workload.
 */
function reportProblems(plan: ReleasePlan, env: string, resource: Resource, problems: readonly ContainerProblem[], pushedOf: Pushed): void {
  const workload = resource.id;
  for (const { container, message, repository } of problems) {
    const pushed = repository ? pushedOf(repository) : [];
    if (repository ? pushed.length === 0 : !resource.policies.automated) continue;
    const policy = policySkip(resource);
    if (!policy) plan.errors.push({ env, file: resource.file, workload, ...(container === undefined ? {} : { container }), message });
    if (container === undefined) continue;
    const skip = policy ?? { reason: 'invalid-image' as const, message };
    for (const p of pushed) plan.skipped.push({ env, workload, container, image: formatImageRef(p), ...skip });
  }
}

/** Decides one container; returns the pending edit when it takes a pushed image. */
function planContainer(plan: ReleasePlan, env: string, c: WorkloadContainer, input: ReleaseInput, pushedOf: Pushed): Pending | undefined {
  const pushed = pushedOf(c.image);
  if (pushed.length === 0) return undefined;
  const where = { env, workload: c.resourceId, container: c.container };
  const { chosen, skips } = chooseUpdate(c, pushed, input.buildTime);
  for (const s of skips) {
    plan.skipped.push({ ...where, image: formatImageRef(s.pushed), reason: s.reason, message: s.message });
    if (s.reason === 'invalid-filter') plan.errors.push({ ...where, file: c.file, message: s.message });
  }
  if (!chosen) return undefined;
  const field = tagEdit(c.location, chosen.tag);
  const { resource } = c;
  return {
    change: { ...where, file: c.file, from: formatImageRef(c.image), to: formatImageRef(withTag(c.image, chosen.tag)) },
    edit: {
      docIndex: resource.docIndex, itemIndex: resource.itemIndex, kind: resource.kind, name: resource.name,
      path: field.path, from: field.from, to: field.to,
    },
  };
}

/** Plans the release of `images` over every environment. Never throws on bad input. */
export function planRelease(input: ReleaseInput): ReleasePlan {
  const plan: ReleasePlan = { message: undefined, changes: [], skipped: [], errors: [], files: new Map() };
  const pending = new Map<string, Pending[]>();
  const pushedOf: Pushed = (ref) => input.images.filter((p) => sameRepository(p, ref));

  const patchEdits = new Map<string, { patch: PatchEnvironment; list: { change: ReleaseChange; edit: ObjectEdit }[] }>();
  for (const { name: env, resources, generation } of input.environments) {
    for (const resource of resources) {
      const { containers, problems } = findContainers(resource);
      reportProblems(plan, env, resource, problems, pushedOf);
      for (const c of containers) {
        const p = planContainer(plan, env, c, input, pushedOf);
        if (!p) continue;
        if (generation?.mode === 'commandUpdated') {
          plan.errors.push({ ...errorAt(p.change), file: generation.config, message: `image automation is not supported in a commandUpdated environment (${generation.config}): its updaters are commands, which are never run` });
        } else if (generation?.mode === 'patchUpdated') {
          const entry = patchEdits.get(env) ?? { patch: generation.patch, list: [] };
          entry.list.push({ change: { ...p.change, file: generation.patch.file }, edit: { id: manifestId(resource.object as Record<string, unknown>), path: p.edit.path, from: p.edit.from, to: p.edit.to } });
          patchEdits.set(env, entry);
        } else pending.set(c.file, [...(pending.get(c.file) ?? []), p]);
      }
    }
  }
  for (const { patch, list } of patchEdits.values()) {
    const outcome = rewritePatchFile(patch, list.map((x) => x.edit));
    if (!outcome.ok) {
      for (const { change } of list) plan.errors.push({ ...errorAt(change), message: outcome.errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`).join('; ') });
      continue;
    }
    for (const { change } of list) plan.changes.push(change);
    const before = input.files.get(patch.file);
    if (outcome.text !== before) plan.files.set(patch.file, outcome.text);
  }

  for (const [file, list] of pending) {
    const text = input.files.get(file);
    if (text === undefined) {
      for (const { change } of list) plan.errors.push({ ...errorAt(change), message: `the text of ${file} was not supplied` });
      continue;
    }
    const outcome = applyScalarEdits(text, list.map((p) => p.edit));
    list.forEach(({ change }, i) => {
      const r = outcome.results[i]!;
      if (r.ok) plan.changes.push(change);
      else plan.errors.push({ ...errorAt(change), message: `${file}: ${r.message}` });
    });
    if (outcome.text !== text) plan.files.set(file, outcome.text);
  }
  const message = plan.changes.length === 0 ? undefined : autoReleaseMessage(plan.changes.map((c) => c.to));
  return { ...plan, message };
}

function errorAt(change: ReleaseChange): Omit<ReleaseError, 'message'> {
  return { env: change.env, file: change.file, workload: change.workload, container: change.container };
}
