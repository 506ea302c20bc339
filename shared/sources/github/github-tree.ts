/**
 * The files of one commit as the GitHub adapter holds them (types only): the reader fills them, the compare
 * diffs them. Apart from both so neither imports the other.
 */

/** A blob in a tree. */
export interface TreeEntry {
  sha: string;
  mode: string;
  size?: number;
}

/** The files of one commit. */
export interface GitHubTree {
  revision: string;
  treeSha: string;
  files: ReadonlyMap<string, TreeEntry>;
}
