/**
 * The registry-push logic for one branch: render every environment on the
 * branch at a revision and plan the release of the pushed images across them
 * (one combined edit per file, Flux's commit message).
 */
import { environmentsOnBranch, type Environment, type GitopsConfig } from '../config/index.ts';
import { planRelease, type BuildTime, type ImageRef, type ReleaseEnvironment, type ReleasePlan } from '../images/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { renderEnvironment, type RenderedEnvironment } from './render-environment.ts';

export interface BranchRelease {
  branch: string;
  revision: string;
  environments: readonly Environment[];
  plan: ReleasePlan;
  /** Manifest errors found while rendering (those files take no part in the release). */
  rendered: readonly RenderedEnvironment[];
}

/** How image updates are written in a rendered environment (Flux v1 manifest generation). */
export function generationOf(r: RenderedEnvironment): Pick<ReleaseEnvironment, 'generation'> {
  if (r.mode === 'patchUpdated' && r.patch) return { generation: { mode: 'patchUpdated', patch: r.patch } };
  if (r.mode === 'commandUpdated') return { generation: { mode: 'commandUpdated', config: r.fluxConfig ?? '.flux.yaml' } };
  return {};
}

/** Plans the release of `images` for the environments on `branch` (optionally only some of them). */
export async function planBranchRelease(input: {
  source: SourceReader;
  config: GitopsConfig;
  branch: string;
  revision: string;
  images: readonly ImageRef[];
  buildTime?: BuildTime;
  only?: (env: Environment) => boolean;
}): Promise<BranchRelease> {
  const environments = environmentsOnBranch(input.config, input.branch).filter(input.only ?? (() => true));
  const rendered = await Promise.all(environments.map((env) => renderEnvironment(input.source, env, input.revision)));
  const files = new Map<string, string>();
  for (const r of rendered) for (const [p, text] of r.files) files.set(p, text);
  const plan = planRelease({
    environments: rendered.map((r) => ({ name: r.environment.name, resources: r.resources, ...generationOf(r) })),
    files,
    images: input.images,
    ...(input.buildTime ? { buildTime: input.buildTime } : {}),
  });
  return { branch: input.branch, revision: input.revision, environments, plan, rendered };
}
