/**
 * What becomes of each `.flux.yaml` generator: no command from the config repository is ever run (in Azure it
 * would run with the identity that administers every cluster).
 *
 * - `kustomize build [DIR]` and `kubectl kustomize [DIR]` (DIR a plain relative path, default `.`) are done by
 *   our own kustomize, in DIR relative to the environment directory (Flux ran generators there).
 * - Any other command is not run. Its path arguments (`$PWD/…` and relative paths, resolved against the
 *   environment directory) and its output redirections (`> file`) that git does not hold are what it may write: a file a later kustomization names
 *   (radix-flux's git-ignored `radix-patch.yaml`) then counts as empty, with a warning.
 */
import { joinRelative } from '../manifests/repo-paths.ts';

export type GeneratorPlan =
  | { kind: 'kustomize'; command: string; line: number; dir: string }
  | { kind: 'not-run'; command: string; line: number; writes: string[]; reason?: string };

const PLAIN_PATH = /^[A-Za-z0-9_.\/@+=,-]+$/;

/** A command split into words, with the files its redirections write to. */
export interface ShellCommand { words: string[]; redirects: string[] }

/**
 * Splits a command into words when it uses only plain words, simple quotes and output redirections
 * (`> f`, `>> f`, `1> f`, `2> f`, `&> f`); undefined for anything else (pipes, `;`, `&&`, substitutions, globs).
 */
export function shellWords(command: string): ShellCommand | undefined {
  const words: string[] = [];
  const redirects: string[] = [];
  let i = 0;
  const s = command.trim();
  let redirectNext = false;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    const op = /^(?:[12&]?>>?)/.exec(s.slice(i, i + 3));
    if (op && (s[i] === '>' || s[i + 1] === '>')) {
      if (redirectNext) return undefined;
      redirectNext = true;
      i += op[0].length;
      continue;
    }
    let word = '';
    while (i < s.length && s[i] !== ' ' && s[i] !== '\t') {
      const c = s[i]!;
      if (c === '"' || c === "'") {
        const end = s.indexOf(c, i + 1);
        if (end < 0) return undefined;
        const inner = s.slice(i + 1, end);
        if (c === '"' && /[`\\]/.test(inner)) return undefined;
        word += inner;
        i = end + 1;
      } else if (c === '>') {
        break;
      } else if (/[;&|<()`\\*?{}\[\]~#!\n]/.test(c)) return undefined;
      else {
        word += c;
        i++;
      }
    }
    if (redirectNext) {
      redirects.push(word);
      redirectNext = false;
    } else words.push(word);
  }
  if (redirectNext) return undefined;
  return { words, redirects };
}

/** A word as a repository path relative to the working directory, or undefined when it is not a plain path. */
function pathArgument(word: string, workingDir: string, anyName = false): string | undefined {
  const rel = word.replace(/^(\$PWD|\$\{PWD\})\//, '');
  if (rel.includes('$') || !PLAIN_PATH.test(rel) || rel.startsWith('-') || rel.startsWith('/')) return undefined;
  if (!anyName && !rel.includes('/') && !rel.includes('.')) return undefined;
  return joinRelative(workingDir, rel);
}

/** Classifies one generator command. `tree` is every path git holds at the revision. */
export function planGenerator(command: string, line: number, workingDir: string, tree: ReadonlySet<string>): GeneratorPlan {
  const parsed = shellWords(command);
  const words = parsed?.words ?? [];
  if (parsed && parsed.redirects.length === 0 && words.length > 0) {
    const [a, b, ...rest] = words;
    const isKustomize = (a === 'kustomize' && b === 'build') || (a === 'kubectl' && b === 'kustomize');
    if (isKustomize) {
      if (rest.length <= 1 && (rest[0] === undefined || (PLAIN_PATH.test(rest[0]) && !rest[0].startsWith('-')))) {
        const dir = joinRelative(workingDir, rest[0] ?? '.');
        if (dir !== undefined) return { kind: 'kustomize', command, line, dir };
        return { kind: 'not-run', command, line, writes: [], reason: `its directory ${rest[0]} leaves the repository` };
      }
      return { kind: 'not-run', command, line, writes: [], reason: 'kustomize flags and extra arguments are not supported' };
    }
  }
  const writes = [...words.slice(1).map((w) => pathArgument(w, workingDir)), ...(parsed?.redirects ?? []).map((w) => pathArgument(w, workingDir, true))]
    .filter((p): p is string => p !== undefined && p !== '' && !tree.has(p));
  return { kind: 'not-run', command, line, writes: [...new Set(writes)] };
}
