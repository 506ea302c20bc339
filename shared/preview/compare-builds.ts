/**
 * One environment's preview (pure): for each group of clusters sharing a variable set, the base build compared
 * with the head build (objects added, removed and changed, field by field; image changes), plus the build
 * errors and warnings the head brings. The conclusion fails on a new build error or a rejected dry run.
 */
import { diffObjectSets, type ObjectSetDiff } from '../diff/index.ts';
import type { Resource } from '../manifests/index.ts';
import { messageKey, type BuildMessage, type EnvironmentBuild } from './environment-build.ts';
import { imageChanges, type ImageChange } from './image-changes.ts';

/** A dry run's answer for one object on one cluster. */
export interface DryRunOutcome {
  cluster: string;
  id: string;
  ok: boolean;
  message?: string;
  file?: string;
  line?: number;
}

/** Clusters built with one variable set, and what the pull request changes for them. */
export interface GroupPreview {
  clusters: string[];
  /** Names of the group's variables (never their values: they may be sensitive). */
  variables: string[];
  diff: ObjectSetDiff;
  images: ImageChange[];
}

export interface EnvironmentPreview {
  environment: string;
  branch: string;
  path: string;
  baseRevision: string;
  headRevision: string;
  groups: GroupPreview[];
  /** Errors the head build has that the base build did not. */
  errors: BuildMessage[];
  /** Warnings of the head build, and errors the base already had (not this pull request's doing). */
  warnings: BuildMessage[];
  /** Server-side dry runs of the head's changed objects; empty when none ran. */
  dryRun: DryRunOutcome[];
  /** Lines for the reviewer (why no dry run ran, what was compared). */
  notes: string[];
  conclusion: 'success' | 'failure';
}

export interface GroupBuilds {
  clusters: string[];
  variables: string[];
  base: EnvironmentBuild;
  head: EnvironmentBuild;
}

const diffable = (resources: readonly Resource[]) => resources.map((r) => ({ id: r.id, object: r.object }));

function unique(messages: readonly BuildMessage[]): BuildMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const k = `${m.file}\0${m.line ?? ''}\0${m.message}`;
    return !seen.has(k) && !!seen.add(k);
  });
}

/** Compares each group's builds; errors and warnings are merged across groups (each once). */
export function compareBuilds(
  meta: { environment: string; branch: string; path: string; baseRevision: string; headRevision: string },
  groups: readonly GroupBuilds[],
  extra: { dryRun?: DryRunOutcome[]; notes?: string[]; errors?: BuildMessage[]; warnings?: BuildMessage[] } = {},
): EnvironmentPreview {
  const baseErrors = new Set(groups.flatMap((g) => g.base.errors.map(messageKey)));
  const headErrors = unique(groups.flatMap((g) => g.head.errors));
  const errors = unique([...(extra.errors ?? []), ...headErrors.filter((e) => !baseErrors.has(messageKey(e)))]);
  const inherited = headErrors.filter((e) => baseErrors.has(messageKey(e))).map((e) => ({ ...e, message: `${e.message} (already on the base branch)` }));
  const warnings = unique([...(extra.warnings ?? []), ...groups.flatMap((g) => g.head.warnings), ...inherited]);
  const dryRun = extra.dryRun ?? [];
  const previews = groups.map((g) => ({
    clusters: g.clusters,
    variables: g.variables,
    diff: diffObjectSets(diffable(g.base.resources), diffable(g.head.resources)),
    images: imageChanges(g.base.resources, g.head.resources),
  }));
  const failed = errors.length > 0 || dryRun.some((d) => !d.ok);
  return { ...meta, groups: previews, errors, warnings, dryRun, notes: extra.notes ?? [], conclusion: failed ? 'failure' : 'success' };
}
