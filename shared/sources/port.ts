/**
 * The source port: how the pipeline reads and writes the config repository.
 * Adapters: a local working tree (CLI), a local git repository (local host),
 * and GitHub (Octokit).
 */

/** A file in a tree. */
export interface TreeFile {
  path: string;
  /** Content id where the source knows it (a git blob SHA): equal ids mean equal content. */
  sha?: string;
  /** Size in bytes where the source knows it without reading the file (a git tree does). */
  size?: number;
}

/** The tip of the default branch and one file there (see {@link SourceReader.readDefaultBranchFile}). */
export interface DefaultBranchFile {
  branch: string;
  /** The revision at the branch's tip. */
  revision: string;
  /** The file's text at that revision; undefined when it does not exist there. */
  text: string | undefined;
}

/** Reads the config repository at a revision. */
export interface SourceReader {
  /** A short description for logs and messages, e.g. `github:equinor/radix-flux` or a directory. */
  readonly description: string;
  /** The repository's default branch (where gitops.yaml is read when no config is given). */
  defaultBranch(): Promise<string>;
  /** Resolves a branch to the revision at its tip; throws when the branch does not exist. */
  resolveBranch(branch: string): Promise<string>;
  /** Every file in the tree at a revision (repo-relative paths with `/`). */
  listFiles(revision: string): Promise<TreeFile[]>;
  /** Contents of the given files at a revision; files that do not exist are absent from the map. */
  readFiles(revision: string, paths: readonly string[]): Promise<Map<string, string>>;
  /**
   * Optional: the default branch, its tip and one file there (gitops.yaml) in one read, where the source can
   * do it cheaper than `defaultBranch` + `resolveBranch` + `readFiles` (GitHub: one GraphQL query).
   */
  readDefaultBranchFile?(path: string): Promise<DefaultBranchFile>;
  /**
   * Optional: one file at a branch's tip (with the tip) or at a revision, in one read where the source can do it
   * cheaper than `resolveBranch` + `readFiles` (GitHub: one GraphQL query, no tree). Throws when the branch does
   * not exist.
   */
  readFileAt?(at: { branch: string } | { revision: string }, path: string): Promise<FileAt>;
}

/** A file at a revision (see {@link SourceReader.readFileAt}). */
export interface FileAt {
  revision: string;
  /** Undefined when the file does not exist there. */
  text: string | undefined;
}

/** One commit's worth of file changes: new content, or null to delete. */
export type FileChanges = ReadonlyMap<string, string | null>;

export interface CommitRequest {
  branch: string;
  /** The revision the change was computed from; the write is refused if the branch moved. */
  expectedHead: string;
  files: FileChanges;
  message: string;
  author?: { name: string; email: string };
}

export type CommitResult = { status: 'committed'; revision: string } | { status: 'moved'; head: string } | { status: 'unchanged' };

/** Writes commits to a branch with compare-and-swap semantics. */
export interface SourceWriter {
  commit(request: CommitRequest): Promise<CommitResult>;
}

export type StatusState = 'pending' | 'success' | 'failure' | 'error';

/** Reports per-cluster results on commits (GitHub commit statuses `gitops/<environment>/<cluster>`). */
export interface StatusReporter {
  setStatus(revision: string, status: { context: string; state: StatusState; description: string }): Promise<void>;
}
