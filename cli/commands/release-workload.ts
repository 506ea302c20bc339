/**
 * `gitops release --env NAME --workload ID (--update-image REF... | --update-all-images) [--force] [--commit]`:
 * a targeted release of one workload, like `fluxctl release --workload`.
 */
import { findContainers, ImageRefError, parseImageRef, planWorkloadRelease, type ImageRef, type ReleaseTargets } from '../../shared/images/index.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import { containerTags } from '../../shared/pipeline/registry-tags.ts';
import type { CommandContext } from '../context.ts';
import { commitFiles } from '../git-commit.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { table } from '../output.ts';
import { registryAccess } from '../registries.ts';
import { UsageError } from '../usage-error.ts';

export interface WorkloadReleaseFlags {
  repo?: string | undefined;
  config?: string | undefined;
  env?: string | undefined;
  workload?: string | undefined;
  'update-image'?: string[] | undefined;
  'update-all-images'?: boolean | undefined;
  force?: boolean | undefined;
  commit?: boolean | undefined;
  json?: boolean | undefined;
}

export async function releaseWorkload(parsed: WorkloadReleaseFlags, ctx: CommandContext): Promise<number> {
  if (!parsed.env) throw new UsageError('missing --env');
  if (!parsed.workload) throw new UsageError('missing --workload');
  if (!parsed['update-image'] === !parsed['update-all-images']) throw new UsageError('give exactly one of --update-image REF and --update-all-images');
  const images: ImageRef[] = (parsed['update-image'] ?? []).map((s) => {
    let ref: ImageRef;
    try {
      ref = parseImageRef(s);
    } catch (err) {
      throw new UsageError(`--update-image ${s}: ${err instanceof ImageRefError ? err.message : String(err)}`);
    }
    if (!ref.tag) throw new UsageError(`--update-image ${s}: expected a tag (repository:tag)`);
    return ref;
  });
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const env = requireEnvironment(local.config, parsed.env);
  const rendered = await renderEnvironment(local.source, env, local.revision);
  const resource = rendered.resources.find((r) => r.id === parsed.workload);
  if (!resource) throw new UsageError(`--workload ${parsed.workload}: no workload with that id in environment ${env.name}`);
  const text = rendered.files.get(resource.file)!;
  const { out } = ctx;

  let targets: ReleaseTargets;
  const skipped: Array<{ container: string; reason: string }> = [];
  if (images.length) targets = { images };
  else {
    const access = await registryAccess(ctx, env);
    const tags = new Map<string, string>();
    const found = findContainers(resource).containers;
    // Locked workloads are refused before the registry is asked.
    if (!parsed.force && (resource.policies.locked || resource.policies.ignore === 'true')) targets = { tags, spec: '<all latest>' };
    else {
      for (const c of found) {
        const listed = await containerTags(c, c.image.domain ? access(c.image.domain) : undefined, { limit: 1 });
        if (listed.candidate?.kind === 'candidate') tags.set(c.container, listed.candidate.tag.name);
        else skipped.push({ container: c.container, reason: listed.note ?? listed.candidate?.message ?? 'no candidate' });
      }
      targets = { tags, spec: '<all latest>' };
    }
  }
  const plan = planWorkloadRelease(resource, text, targets, Boolean(parsed.force));
  if (!plan.ok) {
    if (plan.reason === 'invalid') throw new UsageError(plan.message);
    if (parsed.json) out.line(JSON.stringify({ workload: resource.id, error: plan.message }, null, 2));
    out.warn(out.red(`gitops release: ${plan.message}`));
    return 1;
  }
  let commit: string | undefined;
  if (plan.text !== undefined) {
    await local.source.writeFiles(new Map([[resource.file, plan.text]]));
    if (parsed.commit && plan.message) commit = await commitFiles(local.source.dir, [resource.file], plan.message);
  }
  if (parsed.json) {
    out.line(JSON.stringify({ workload: resource.id, file: resource.file, changes: plan.changes, upToDate: plan.upToDate, skipped, message: plan.message ?? null, ...(commit ? { commit } : {}) }, null, 2));
    return 0;
  }
  if (plan.changes.length === 0) out.line(`${resource.id}: nothing to change${plan.upToDate.length ? ` (${plan.upToDate.join(', ')} already there)` : ''}`);
  for (const c of plan.changes) {
    out.line(`${resource.id} ${c.container}`);
    out.line(out.red(`  - ${c.from}`));
    out.line(out.green(`  + ${c.to}`));
  }
  if (skipped.length) for (const l of table(['CONTAINER', 'NOT RELEASED BECAUSE'], skipped.map((s) => [s.container, s.reason]))) out.line(out.dim(l));
  if (plan.message) out.line(commit ? `committed ${commit.slice(0, 7)}: ${plan.message}` : `edited ${resource.file}; commit message: ${plan.message}`);
  return 0;
}
