/**
 * A targeted release of one workload (pure), as `fluxctl release --workload ID --update-image REF [--force]`
 * made it: the named image goes to every container of the workload running that repository, whatever its
 * tag filter says (a person chose the tag); a locked workload is refused unless forced. With
 * `--update-all-images` the caller supplies each container's newest accepted tag instead.
 */
import type { Resource } from '../manifests/resource.ts';
import { findContainers } from './find-containers.ts';
import { formatImageRef, sameRepository, withTag, type ImageRef } from './image-ref.ts';
import { tagEdit } from './image-location.ts';
import type { WorkloadContainer } from './workload-container.ts';
import { applyScalarEdits } from './yaml-edit.ts';

export interface WorkloadReleaseChange {
  container: string;
  from: string;
  to: string;
}

export type WorkloadReleasePlan =
  | { ok: true; changes: WorkloadReleaseChange[]; text: string | undefined; message: string | undefined; upToDate: string[] }
  | { ok: false; reason: 'locked' | 'invalid' | 'edit-failed'; message: string };

/** What to release: explicit images (by repository), or a tag per container name. */
export type ReleaseTargets = { images: readonly ImageRef[] } | { tags: ReadonlyMap<string, string>; spec: string };

/** Flux v1's manual release message: `Release <image spec> to <workload ids>` (`<`/`>` trimmed). */
export function manualReleaseMessage(spec: string, workloads: readonly string[]): string {
  return `Release ${spec.replace(/^<|>$/g, '')} to ${workloads.map((w) => w.replace(/^<|>$/g, '')).join(', ')}`;
}

/** Plans a targeted release of `resource` in `text` (the file it is declared in). */
export function planWorkloadRelease(resource: Resource, text: string, targets: ReleaseTargets, force: boolean): WorkloadReleasePlan {
  const { policies } = resource;
  if (!force && (policies.locked || policies.ignore === 'true')) {
    const key = policies.raw[policies.locked ? 'locked' : 'ignore']?.key ?? 'fluxcd.io/locked';
    return { ok: false, reason: 'locked', message: `${resource.id} is ${policies.locked ? 'locked' : 'ignored'} (${key}: "${policies.raw[policies.locked ? 'locked' : 'ignore']?.value ?? 'true'}" in ${resource.file}:${resource.line}); --force releases it anyway` };
  }
  const { containers, problems } = findContainers(resource);
  const chosen: Array<{ c: WorkloadContainer; tag: string }> = [];
  if ('images' in targets) {
    for (const image of targets.images) {
      if (!image.tag) return { ok: false, reason: 'invalid', message: `${formatImageRef(image)}: a release needs a tag` };
      const matching = containers.filter((c) => sameRepository(c.image, image));
      if (matching.length === 0) {
        const broken = problems.find((p) => p.repository && sameRepository(p.repository, image));
        return { ok: false, reason: 'invalid', message: broken ? `${resource.id}: ${broken.message}` : `${resource.id} runs no image of ${formatImageRef({ ...image, tag: undefined })} (runs: ${containers.map((c) => formatImageRef(c.image)).join(', ') || 'none'})` };
      }
      for (const c of matching) chosen.push({ c, tag: image.tag });
    }
  } else {
    for (const c of containers) {
      const tag = targets.tags.get(c.container);
      if (tag !== undefined) chosen.push({ c, tag });
    }
  }
  const upToDate = chosen.filter(({ c, tag }) => c.image.tag === tag).map(({ c }) => c.container);
  const todo = chosen.filter(({ c, tag }) => c.image.tag !== tag);
  if (todo.length === 0) return { ok: true, changes: [], text: undefined, message: undefined, upToDate };
  const edits = todo.map(({ c, tag }) => {
    const field = tagEdit(c.location, tag);
    return { docIndex: resource.docIndex, itemIndex: resource.itemIndex, kind: resource.kind, name: resource.name, path: field.path, from: field.from, to: field.to };
  });
  const outcome = applyScalarEdits(text, edits);
  const failed = outcome.results.findIndex((r) => !r.ok);
  if (failed >= 0) {
    const r = outcome.results[failed] as { ok: false; message: string };
    return { ok: false, reason: 'edit-failed', message: `${resource.file}:${resource.line}: ${todo[failed]!.c.container}: ${r.message}` };
  }
  const changes = todo.map(({ c, tag }) => ({ container: c.container, from: formatImageRef(c.image), to: formatImageRef(withTag(c.image, tag)) }));
  const spec = 'images' in targets ? [...new Set(changes.map((ch) => ch.to))].join(', ') : targets.spec;
  return { ok: true, changes, text: outcome.text, message: manualReleaseMessage(spec, [resource.id]), upToDate };
}
