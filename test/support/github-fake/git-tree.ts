/**
 * Tree objects read as `git ls-tree` shows them: each entry's mode made canonical as git's tree walker makes it
 * (`canon_mode`: a regular file is 100644 or 100755 by its owner's execute bit, then symlink 120000, directory
 * 040000, anything else a submodule 160000), its type from that mode, its SHA in hex and its name as UTF-8.
 */
import { LRUCache } from 'lru-cache';
import type { GitObject, GitObjectInfo } from './git-batch.ts';
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

/** A tree object's entries, and whether they are in git's order. */
export interface ParsedTree {
  entries: TreeObjectEntry[];
  /**
   * Each entry sorts strictly after the one before, as git writes trees (names compared bytewise, a directory's as
   * if it ended in `/`: git's `base_name_compare`). In such a tree, git's lookup of a path (`find_tree_entry`, which
   * stops at the first entry sorting after the name) finds exactly the first entry of that name.
   */
  sorted: boolean;
}

/**
 * The entries of a tree object's bytes (`<octal mode> <name>\0<20-byte SHA>`, repeated), in stored order; undefined
 * when the bytes are not a well-formed tree (git refuses such a tree: its words are git's to say).
 */
export function parseTree(content: Buffer): ParsedTree | undefined {
  const entries: TreeObjectEntry[] = [];
  let sorted = true;
  let previous: { start: number; end: number; after: number } | undefined;
  for (let pos = 0; pos < content.length;) {
    let raw = 0;
    let space = pos;
    for (; space < content.length && content[space] !== 0x20; space++) {
      const digit = content[space]! - 0x30;
      if (digit < 0 || digit > 7 || space - pos >= 7) return undefined;
      raw = raw * 8 + digit;
    }
    const nul = space < content.length ? content.indexOf(0, space + 1) : -1;
    if (space === pos || nul < 0 || nul === space + 1 || nul + 21 > content.length) return undefined;
    const mode = canonMode(raw);
    const type = mode === S_IFDIR ? 'tree' : mode === S_IFGITLINK ? 'commit' : 'blob';
    entries.push({ mode: MODE_TEXT.get(mode)!, type, sha: content.toString('hex', nul + 1, nul + 21), path: content.toString('utf8', space + 1, nul) });
    // The name and what git compares after it: `/` for a directory, NUL (the end) for anything else.
    const name = { start: space + 1, end: nul, after: type === 'tree' ? 0x2f : 0 };
    if (previous && compareNames(content, previous, name) >= 0) sorted = false;
    previous = name;
    pos = nul + 21;
  }
  return { entries, sorted };
}

const MODE_TEXT = new Map([S_IFREG | 0o644, S_IFREG | 0o755, S_IFLNK, S_IFDIR, S_IFGITLINK].map((m) => [m, m.toString(8).padStart(6, '0')]));

/** Compares two names of one tree's bytes, each followed by the byte git compares after it (git's `base_name_compare`). */
function compareNames(bytes: Buffer, a: { start: number; end: number; after: number }, b: { start: number; end: number; after: number }): number {
  const lengthA = a.end - a.start + 1;
  const lengthB = b.end - b.start + 1;
  for (let i = 0; i < Math.min(lengthA, lengthB); i++) {
    const x = a.start + i < a.end ? bytes[a.start + i]! : a.after;
    const y = b.start + i < b.end ? bytes[b.start + i]! : b.after;
    if (x !== y) return x - y;
  }
  return lengthA - lengthB;
}

/** The tree a commit object names. */
function treeOfCommit(content: Buffer): string | undefined {
  return /^tree ([0-9a-f]{40})\n/.exec(content.toString('latin1', 0, 46))?.[1];
}

/** How {@link TreeListings} reads: objects and headers under immutable names, and objects it already has. */
export interface TreeSource {
  read(names: string[]): Promise<Array<GitObject | undefined>>;
  info(names: string[]): Promise<Array<GitObjectInfo | undefined>>;
  remembered(name: string): GitObject | undefined;
}

/**
 * Listings of trees read from their objects, each tree's own entries (with blob sizes) remembered by its SHA: a
 * new commit reads only the trees it changed. Paths in trees it has listed are also resolved from them.
 */
export class TreeListings {
  private readonly listings = new LRUCache<string, { entries: TreeEntry[]; sorted: boolean }>({ max: 20_000, maxSize: 64 << 20, sizeCalculation: (l) => l.entries.length * 128 + 64 });
  private readonly source: TreeSource;

  constructor(source: TreeSource) {
    this.source = source;
  }

  /**
   * The listing of a tree or commit named immutably, as `git ls-tree -l [-r -t]` lists it (each subtree before its
   * entries); undefined when it is neither, or when a tree is not well formed or a blob is missing (git's to say).
   */
  async list(treeish: string, recursive: boolean): Promise<TreeEntry[] | undefined> {
    const [named] = await this.source.read([treeish]);
    const root = named?.type === 'commit' ? treeOfCommit(named.content) : named?.type === 'tree' ? named.sha : undefined;
    if (!root) return undefined;
    const own = new Map<string, TreeEntry[]>();
    for (let level = [root]; level.length;) {
      const read = await this.ownEntries(level);
      if (!read) return undefined;
      read.forEach((entries, i) => own.set(level[i]!, entries));
      level = recursive ? [...new Set(read.flat().filter((e) => e.type === 'tree' && !own.has(e.sha)).map((e) => e.sha))] : [];
    }
    const out: TreeEntry[] = [];
    const emit = (tree: string, prefix: string): void => {
      for (const e of own.get(tree)!) {
        out.push({ ...e, path: prefix + e.path });
        if (recursive && e.type === 'tree') emit(e.sha, `${prefix}${e.path}/`);
      }
    };
    emit(root, '');
    return out;
  }

  /**
   * The SHA `<sha>:<path>` names, from remembered objects and listings alone (no read): null when it names nothing,
   * undefined when they cannot say for sure (something not remembered, a tree out of git's order, a path git
   * would read otherwise: `.`, `..`, empty components, a trailing `/`, text that is not plain UTF-8).
   */
  resolveRemembered(name: string): string | null | undefined {
    const m = /^([0-9a-f]{40}):(.+)$/s.exec(name);
    if (!m) return undefined;
    const parts = m[2]!.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..') || m[2]!.includes('\uFFFD') || Buffer.from(m[2]!, 'utf8').toString('utf8') !== m[2]) return undefined;
    const named = this.listings.has(m[1]!) ? undefined : this.source.remembered(m[1]!);
    let tree = named ? (named.type === 'commit' ? treeOfCommit(named.content) : undefined) : m[1]!;
    for (let i = 0; tree !== undefined; i++) {
      const listing = this.listings.get(tree);
      if (!listing?.sorted) return undefined;
      const entry = listing.entries.find((e) => e.path === parts[i]);
      if (!entry) return null;
      if (i === parts.length - 1) return entry.sha;
      if (entry.type !== 'tree') return null;
      tree = entry.sha;
    }
    return undefined;
  }

  /** The entries of trees (by SHA) with blob sizes; undefined when one is not a well-formed tree or a blob is missing. */
  private async ownEntries(trees: string[]): Promise<TreeEntry[][] | undefined> {
    const known = trees.map((t) => this.listings.get(t)?.entries);
    const need = trees.filter((_, i) => !known[i]);
    if (!need.length) return known as TreeEntry[][];
    const parsed = (await this.source.read(need)).map((o) => (o?.type === 'tree' ? parseTree(o.content) : undefined));
    if (!parsed.every(Boolean)) return undefined;
    const blobs = [...new Set(parsed.flatMap((p) => p!.entries.filter((e) => e.type === 'blob').map((e) => e.sha)))];
    const infos = await this.source.info(blobs);
    if (!infos.every(Boolean)) return undefined;
    const sizes = new Map(blobs.map((b, i) => [b, infos[i]!.size]));
    const listed = new Map(need.map((t, i) => [t, { sorted: parsed[i]!.sorted, entries: parsed[i]!.entries.map((e) => ({ ...e, size: e.type === 'blob' ? sizes.get(e.sha) : undefined })) }]));
    for (const [t, listing] of listed) this.listings.set(t, listing);
    return trees.map((t, i) => known[i] ?? listed.get(t)!.entries);
  }
}
