/**
 * `pipeline.planWorkloadPolicy`: a policy change on one workload of an environment (what `fluxctl policy`
 * did), planned against the files at a revision: the workload, the annotation edits and the edited file text.
 * Environments whose `.flux.yaml` generates manifests (patchUpdated, commandUpdated) are refused: Flux v1
 * wrote their policies elsewhere (into the patch file, or through updater commands).
 */
import type { Environment } from '../config/index.ts';
import { editAnnotations, planPolicy, type AnnotationChange, type PolicyRequest } from '../images/index.ts';
import { planManifestReads, readFluxConfig, type Resource } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { renderEnvironment } from './render-environment.ts';

export type WorkloadPolicyPlan =
  | { ok: true; resource: Resource; file: string; text: string | undefined; changes: AnnotationChange[]; events: string[]; message: string | undefined }
  | { ok: false; reason: 'not-found' | 'invalid' | 'refused'; message: string };

/** The manifest-generation mode governing an environment, when its `.flux.yaml` sets one. */
export async function generationMode(source: SourceReader, env: Environment, revision: string): Promise<{ file: string; mode: string; patchFile?: string } | undefined> {
  const tree = await source.listFiles(revision);
  const plan = planManifestReads(tree.map((f) => f.path), env.path);
  const [config] = plan.fluxConfigs;
  if (!config) return undefined;
  const text = (await source.readFiles(revision, [config])).get(config);
  if (text === undefined) return undefined;
  const info = readFluxConfig(config, text, plan.envPath);
  return info.mode === 'patchUpdated' || info.mode === 'commandUpdated' ? { file: config, mode: info.mode, ...(info.patchFile ? { patchFile: info.patchFile } : {}) } : undefined;
}

/** Plans a policy change of `workloadId` in `env` at `revision`. */
export async function planWorkloadPolicy(source: SourceReader, env: Environment, revision: string, workloadId: string, request: PolicyRequest): Promise<WorkloadPolicyPlan> {
  const generated = await generationMode(source, env, revision);
  if (generated) {
    const where = generated.patchFile ? ` into ${generated.patchFile}` : ' through its updater commands';
    return {
      ok: false, reason: 'refused',
      message: `environment ${env.name} is in ${generated.mode} mode (${generated.file}): Flux v1 wrote policies${where}, which this version does not do yet; edit ${generated.patchFile ?? 'the generated manifests\' source'} by hand`,
    };
  }
  const rendered = await renderEnvironment(source, env, revision);
  const resource = rendered.resources.find((r) => r.id === workloadId);
  if (!resource) {
    const skipped = rendered.skipped.find((s) => s.id === workloadId);
    const message = skipped ? `${workloadId} is not applied in ${env.name}: ${skipped.reason}` : `no workload ${workloadId} in environment ${env.name}${rendered.errors.length ? ` (${rendered.errors.length} file(s) failed to load; see gitops render)` : ''}`;
    return { ok: false, reason: 'not-found', message };
  }
  const plan = planPolicy(resource, request);
  if (!plan.ok) return { ok: false, reason: 'invalid', message: plan.message };
  if (plan.changes.length === 0) return { ok: true, resource, file: resource.file, text: undefined, changes: [], events: [], message: undefined };
  const text = rendered.files.get(resource.file);
  if (text === undefined) return { ok: false, reason: 'refused', message: `${resource.file} could not be read` };
  const edited = editAnnotations(text, { docIndex: resource.docIndex, itemIndex: resource.itemIndex, kind: resource.kind, name: resource.name }, plan.changes);
  if (!edited.ok) return { ok: false, reason: 'refused', message: `${resource.file}:${resource.line}: ${edited.message}` };
  return { ok: true, resource, file: resource.file, text: edited.text, changes: plan.changes, events: plan.events, message: plan.message };
}
