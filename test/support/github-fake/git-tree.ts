/**
 * Tree objects read as `git ls-tree` shows them: each entry's mode made canonical as git's tree walker makes it
 * (`canon_mode`: a regular file is 100644 or 100755 by its owner's execute bit, then symlink 120000, directory
 * 040000, anything else a submodule 160000), its type from that mode, its SHA in hex and its name as UTF-8.
 */
import type { TreeEntry } from './git.ts';

/** An entry of one tree object (no size: that is the blob's, not the tree's). */
export type TreeObjectEntry = Omit<TreeEntry, 'size'>;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFGITLINK = 0o160000;

function canonMode(mode: number): number {
  const format = mode & S_IFMT;
  if (format === S_IFREG) return S_IFREG | (mode & 0o100 ? 0o755 : 0o644);
  if (format === S_IFLNK) return S_IFLNK;
  if (format === S_IFDIR) return S_IFDIR;
  return S_IFGITLINK;
}

/**
 * The entries of a tree object's bytes (`<octal mode> <name>\0<20-byte SHA>`, repeated), in stored order; undefined
 * when the bytes are not a well-formed tree (git refuses such a tree: its words are git's to say).
 */
export function parseTree(content: Buffer): TreeObjectEntry[] | undefined {
  const entries: TreeObjectEntry[] = [];
  for (let pos = 0; pos < content.length;) {
    const space = content.indexOf(0x20, pos);
    const nul = space < 0 ? -1 : content.indexOf(0, space + 1);
    if (space <= pos || nul < 0 || nul === space + 1 || nul + 21 > content.length) return undefined;
    const modeText = content.toString('latin1', pos, space);
    if (!/^[0-7]{1,7}$/.test(modeText)) return undefined;
    const mode = canonMode(parseInt(modeText, 8));
    const type = mode === S_IFDIR ? 'tree' : mode === S_IFGITLINK ? 'commit' : 'blob';
    entries.push({ mode: mode.toString(8).padStart(6, '0'), type, sha: content.toString('hex', nul + 1, nul + 21), path: content.toString('utf8', space + 1, nul) });
    pos = nul + 21;
  }
  return entries;
}
