/**
 * File access for one build over a {@link KustomizeFileView}: resolves paths the way kustomize's root-only loader
 * does (no absolute paths, no URLs, nothing above the repository root; files a kustomization reads must sit in or
 * below its directory), counts files and bytes against the bounds, and records files still to be read.
 */
import { BuildRefusal, NeedFile, refuse } from './build-message.ts';
import type { BuildMessage } from './build-message.ts';

export interface KustomizeFileView {
  /** Every path in the repository at the revision (repo-relative, '/'-separated, files only). */
  tree: ReadonlySet<string>;
  /** Contents of files read so far (path -> text). */
  files: ReadonlyMap<string, string>;
  /** Paths the kustomization names that git does not hold and that a non-run generator writes: empty, with a warning. */
  emptyFiles?: ReadonlySet<string>;
}

export interface BuildLimits {
  maxDepth: number;
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_BUILD_LIMITS: Readonly<BuildLimits> = Object.freeze({ maxDepth: 32, maxFiles: 20_000, maxBytes: 128 * 1024 * 1024 });

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\.git(?:\/|$)/i;

export class FileLoader {
  readonly view: KustomizeFileView;
  readonly limits: BuildLimits;
  readonly missing = new Set<string>();
  readonly warnings: BuildMessage[] = [];
  private readonly warned = new Set<string>();
  private readonly dirs: Set<string>;
  private readonly counted = new Set<string>();
  private bytes = 0;

  constructor(view: KustomizeFileView, limits: BuildLimits) {
    this.view = view;
    this.limits = limits;
    this.dirs = new Set(['']);
    for (const path of view.tree) {
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) this.dirs.add(path.slice(0, i));
    }
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  isFile(path: string): boolean {
    return this.view.tree.has(path) || (this.view.emptyFiles?.has(path) ?? false);
  }

  /**
   * Resolves `ref` (as written under `key` in `file`, a kustomization in `dir`) to a repo-relative path.
   * `within` requires the result to be in or below `dir` (kustomize's root-only restriction for files).
   */
  resolve(dir: string, ref: string, file: string, key: string, within: boolean): string {
    if (REMOTE.test(ref)) refuse(file, `unsupported kustomize field ${key} in ${file}: remote base ${ref} (remote bases are not supported)`);
    if (ref.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(ref)) refuse(file, `${key} in ${file} names the absolute path ${ref}`);
    const parts = dir === '' ? [] : dir.split('/');
    for (const part of ref.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (parts.length === 0) refuse(file, `${key} in ${file} names ${ref}, which is above the repository root`);
        parts.pop();
      } else parts.push(part);
    }
    const path = parts.join('/');
    if (within && !(dir === '' || path === dir || path.startsWith(`${dir}/`))) {
      refuse(file, `${key} in ${file} names ${ref}: security; file ${path} is not in or below the kustomization's directory ${dir || '.'}`);
    }
    return path;
  }

  /** Asks for files the build will read soon (all of a kustomization's files at once), without stopping. */
  prefetch(paths: Iterable<string>): void {
    for (const p of paths) if (this.view.tree.has(p) && !this.view.files.has(p)) this.missing.add(p);
  }

  /** Whether `path` is a file a non-run generator writes (not in git, read as empty). */
  isGeneratedEmpty(path: string): boolean {
    return !this.view.tree.has(path) && (this.view.emptyFiles?.has(path) ?? false);
  }

  /** The text of a file; throws {@link NeedFile} when it is in the tree but not read yet. */
  read(path: string, file: string, key: string): string {
    const text = this.view.files.get(path);
    if (text !== undefined) {
      this.count(path, text.length);
      return text;
    }
    if (this.view.tree.has(path)) {
      this.missing.add(path);
      throw new NeedFile(path);
    }
    if (this.view.emptyFiles?.has(path)) {
      if (!this.warned.has(path)) {
        this.warned.add(path);
        this.warnings.push({ file, message: `${path} (named by ${key} in ${file}) is not in git; a generator that is not run writes it: read as empty` });
      }
      return '';
    }
    return refuse(file, `${key} in ${file} names ${path}, which is not in the repository`);
  }

  private count(path: string, length: number): void {
    if (this.counted.has(path)) return;
    this.counted.add(path);
    this.bytes += length;
    if (this.counted.size > this.limits.maxFiles) {
      throw new BuildRefusal([{ file: path, message: `the kustomization reads more than ${this.limits.maxFiles} files` }]);
    }
    if (this.bytes > this.limits.maxBytes) {
      throw new BuildRefusal([{ file: path, message: `the kustomization reads more than ${this.limits.maxBytes} bytes` }]);
    }
  }
}
