/**
 * The preview as the parts a GitHub report needs (pure): the check run's title, conclusion and annotations
 * (errors on their file and line), and a stable JSON shape for `gitops diff --json`.
 */
import { diffToJson, type DiffJson } from '../diff/index.ts';
import type { EnvironmentPreview } from './compare-builds.ts';
import type { ImageChange } from './image-changes.ts';
import type { BuildMessage } from './environment-build.ts';

/** One check run annotation, as the Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title?: string;
  message: string;
}

/** The Checks API takes at most 50 annotations per request; more go in later updates. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Annotations sent at most per check run (the rest are counted in the summary). */
export const MAX_ANNOTATIONS = 250;
const MESSAGE_MAX = 4000;

/** The check run name (and commit status context) of an environment's preview. */
export function previewCheckName(environment: string): string {
  return `gitops/${environment}`;
}

const cut = (s: string): string => (s.length > MESSAGE_MAX ? `${s.slice(0, MESSAGE_MAX - 1)}…` : s);

function annotation(m: BuildMessage, level: CheckAnnotation['annotation_level'], title: string): CheckAnnotation {
  const line = m.line && m.line > 0 ? m.line : 1;
  return { path: m.file, start_line: line, end_line: line, annotation_level: level, title, message: cut(m.message) };
}

/** Errors (failure), dry-run rejections (failure) and warnings (warning), at most {@link MAX_ANNOTATIONS}. */
export function previewAnnotations(p: EnvironmentPreview): CheckAnnotation[] {
  const out = [
    ...p.errors.filter((e) => e.file).map((e) => annotation(e, 'failure', 'build error')),
    ...p.dryRun.filter((d) => !d.ok && d.file).map((d) => annotation({ file: d.file!, ...(d.line ? { line: d.line } : {}), message: `${d.cluster}: ${d.id}: ${d.message ?? 'rejected'}` }, 'failure', 'rejected by the server-side dry run')),
    ...p.warnings.filter((w) => w.file).map((w) => annotation(w, 'warning', 'build warning')),
  ];
  return out.slice(0, MAX_ANNOTATIONS);
}

export interface PreviewJson {
  environment: string;
  branch: string;
  path: string;
  base: string;
  head: string;
  conclusion: 'success' | 'failure';
  groups: Array<{ clusters: string[]; variables: string[]; diff: DiffJson; images: ImageChange[] }>;
  errors: BuildMessage[];
  warnings: BuildMessage[];
  dryRun: EnvironmentPreview['dryRun'];
  notes: string[];
}

/** The stable JSON shape of a preview. */
export function previewToJson(p: EnvironmentPreview): PreviewJson {
  return {
    environment: p.environment,
    branch: p.branch,
    path: p.path,
    base: p.baseRevision,
    head: p.headRevision,
    conclusion: p.conclusion,
    groups: p.groups.map((g) => ({ clusters: g.clusters, variables: g.variables, diff: diffToJson(g.diff), images: g.images })),
    errors: p.errors,
    warnings: p.warnings,
    dryRun: p.dryRun,
    notes: p.notes,
  };
}
