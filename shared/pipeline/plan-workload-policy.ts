/**
 * `pipeline.planWorkloadPolicy`: a policy change on one workload of an environment (what `fluxctl policy`
 * did), planned against the files at a revision: the workload, the annotation edits and the file's new text.
 * - raw files: the workload's annotations are edited in its own file, byte for byte;
 * - `patchUpdated`: as Flux v1 did (`configfile.go`), the generated manifests are never edited: the
 *   annotations are changed on the patched object and the patch file is written again from the generated
 *   objects (shared/build; where Flux's patch cannot be reproduced exactly, the write is refused with why);
 * - `commandUpdated`: refused (Flux v1 ran the repository's updater commands; we never run them).
 */
import { writePatchFile } from '../build/flux-patch-file.ts';
import { isJsonMap, type JsonMap } from '../build/json-values.ts';
import { manifestId } from '../build/flux-patch-file.ts';
import type { Environment } from '../config/index.ts';
import { editAnnotations, planPolicy, type AnnotationChange, type PolicyRequest } from '../images/index.ts';
import type { Resource } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { renderEnvironment, type RenderedEnvironment } from './render-environment.ts';

export type WorkloadPolicyPlan =
  | { ok: true; resource: Resource; file: string; text: string | undefined; changes: AnnotationChange[]; events: string[]; message: string | undefined }
  | { ok: false; reason: 'not-found' | 'invalid' | 'refused'; message: string };

/** The patched object with the annotation changes applied (an emptied annotations map is removed, as kubeyaml did). */
function annotated(object: JsonMap, changes: readonly AnnotationChange[]): JsonMap {
  const copy = structuredClone(object);
  const metadata = (isJsonMap(copy.metadata) ? copy.metadata : (copy.metadata = {})) as JsonMap;
  const annotations = (isJsonMap(metadata.annotations) ? metadata.annotations : {}) as Record<string, unknown>;
  for (const c of changes) {
    if (c.value === null) delete annotations[c.key];
    else annotations[c.key] = c.value;
  }
  if (Object.keys(annotations).length) metadata.annotations = annotations as JsonMap;
  else delete metadata.annotations;
  return copy;
}

function inPatchFile(rendered: RenderedEnvironment, resource: Resource, changes: readonly AnnotationChange[]): { ok: true; file: string; text: string } | { ok: false; message: string } {
  const patch = rendered.patch!;
  const id = manifestId(resource.object as JsonMap);
  const current = patch.patched.get(id);
  if (!current) return { ok: false, message: `${resource.id} is not among the objects ${rendered.fluxConfig ?? '.flux.yaml'} generates` };
  const modified = new Map(patch.patched);
  modified.set(id, annotated(current, changes));
  const written = writePatchFile(patch.generated, modified, patch.file, patch);
  if (!written.ok) return { ok: false, message: written.errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`).join('; ') };
  return { ok: true, file: patch.file, text: written.text };
}

/** Plans a policy change of `workloadId` in `env` at `revision`. */
export async function planWorkloadPolicy(source: SourceReader, env: Environment, revision: string, workloadId: string, request: PolicyRequest): Promise<WorkloadPolicyPlan> {
  const rendered = await renderEnvironment(source, env, revision);
  if (rendered.mode === 'commandUpdated') {
    return { ok: false, reason: 'refused', message: `environment ${env.name} is in commandUpdated mode (${rendered.fluxConfig}): Flux v1 ran the repository's updater commands to write policies, and this tool never runs them; edit the policies in the generators' sources by hand` };
  }
  if (rendered.refused) return { ok: false, reason: 'refused', message: `environment ${env.name} cannot be built: ${rendered.errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`).join('; ')}` };
  const resource = rendered.resources.find((r) => r.id === workloadId);
  if (!resource) {
    const skipped = rendered.skipped.find((s) => s.id === workloadId);
    const message = skipped ? `${workloadId} is not applied in ${env.name}: ${skipped.reason}` : `no workload ${workloadId} in environment ${env.name}${rendered.errors.length ? ` (${rendered.errors.length} file(s) failed to load; see gitops render)` : ''}`;
    return { ok: false, reason: 'not-found', message };
  }
  const plan = planPolicy(resource, request);
  if (!plan.ok) return { ok: false, reason: 'invalid', message: plan.message };
  const unchanged = { ok: true as const, resource, text: undefined, changes: [], events: [], message: undefined };
  if (rendered.mode === 'patchUpdated') {
    if (!rendered.patch) return { ok: false, reason: 'refused', message: `environment ${env.name} is in patchUpdated mode (${rendered.fluxConfig}) but its patch file cannot be written` };
    if (plan.changes.length === 0) return { ...unchanged, file: rendered.patch.file };
    const written = inPatchFile(rendered, resource, plan.changes);
    if (!written.ok) return { ok: false, reason: 'refused', message: written.message };
    return { ok: true, resource, file: written.file, text: written.text, changes: plan.changes, events: plan.events, message: plan.message };
  }
  if (plan.changes.length === 0) return { ...unchanged, file: resource.file };
  const text = rendered.files.get(resource.file);
  if (text === undefined) return { ok: false, reason: 'refused', message: `${resource.file} could not be read` };
  const edited = editAnnotations(text, { docIndex: resource.docIndex, itemIndex: resource.itemIndex, kind: resource.kind, name: resource.name }, plan.changes);
  if (!edited.ok) return { ok: false, reason: 'refused', message: `${resource.file}:${resource.line}: ${edited.message}` };
  return { ok: true, resource, file: resource.file, text: edited.text, changes: plan.changes, events: plan.events, message: plan.message };
}
