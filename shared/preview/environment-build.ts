/**
 * What a build of one environment at one revision gives a preview: the objects it would apply, and every
 * error and warning with file and line. Produced by the build seam (shared/pipeline/preview-build.ts).
 */
import type { Resource } from '../manifests/index.ts';

/** A problem or a note about the build, where it is. */
export interface BuildMessage {
  /** Repository path; '' when the problem is in no file (a cluster's variables cannot be read). */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
}

export interface EnvironmentBuild {
  /** The objects the environment applies at this revision, in apply order. */
  resources: Resource[];
  /** What makes the build wrong (a file that does not parse, a generator that cannot be reproduced). */
  errors: BuildMessage[];
  /** What a reviewer should know (skipped files, generators not run). */
  warnings: BuildMessage[];
}

/** `file:line` or `file`. */
export function where(m: BuildMessage): string {
  return m.line ? `${m.file}:${m.line}` : m.file;
}

/** Messages compared without their line (an edit above a broken line moves it, it is still the same problem). */
export function messageKey(m: BuildMessage): string {
  return `${m.file}\0${m.message}`;
}
