/**
 * What a pull request changes: the files that differ between where its head branched off the base (the merge
 * base) and its head, as GitHub's "Files changed" tab shows them. Comparing with the merge base, not the base
 * branch's tip, keeps commits the base gained since from looking like the pull request reverting them.
 */
import type { SourceReader, TreeFile } from '../sources/port.ts';

export interface PullRequestChanges {
  /** The revision the head branched off (the base itself when the source cannot tell). */
  mergeBase: string;
  /** Paths added, modified or removed from the merge base to the head. */
  paths: string[];
}

interface Comparing {
  compare(base: string, head: string): Promise<{ mergeBase: string; via: 'compare' | 'trees'; files: { path: string }[] }>;
}
interface MergeBaseAware {
  mergeBase(a: string, b: string): Promise<string>;
}

const has = <K extends string>(o: object, k: K): o is Record<K, (...a: never[]) => unknown> => typeof (o as Record<string, unknown>)[k] === 'function';

/** Two-point difference of two file listings by content id (paths present on one side only, or with other content). */
export function diffListings(from: readonly TreeFile[], to: readonly TreeFile[]): string[] {
  const before = new Map(from.map((f) => [f.path, f.sha]));
  const paths = new Set<string>();
  for (const f of to) if (!before.has(f.path) || before.get(f.path) !== f.sha || f.sha === undefined) paths.add(f.path);
  const after = new Set(to.map((f) => f.path));
  for (const f of from) if (!after.has(f.path)) paths.add(f.path);
  return [...paths].sort();
}

/** The merge base of `base` and `head`, and the paths changed from it to `head`. */
export async function pullRequestChanges(source: SourceReader, base: string, head: string): Promise<PullRequestChanges> {
  if (has(source, 'compare')) {
    const s = source as unknown as Comparing;
    let c = await s.compare(base, head);
    // A diverged compare falls back to a two-point tree diff from `base`: diff from the merge base instead.
    if (c.via === 'trees' && c.mergeBase !== base) c = await s.compare(c.mergeBase, head);
    return { mergeBase: c.mergeBase, paths: [...new Set(c.files.map((f) => f.path))].sort() };
  }
  const mergeBase = has(source, 'mergeBase') ? await (source as unknown as MergeBaseAware).mergeBase(base, head) : base;
  const [from, to] = await Promise.all([source.listFiles(mergeBase), source.listFiles(head)]);
  const listed = diffListings(from, to);
  // A source without content ids (a working tree, memory): files on both sides are compared by their text.
  const both = new Set(from.filter((f) => f.sha === undefined).map((f) => f.path));
  const unsure = listed.filter((p) => both.has(p) && to.some((f) => f.path === p));
  if (unsure.length === 0) return { mergeBase, paths: listed };
  const [a, b] = await Promise.all([source.readFiles(mergeBase, unsure), source.readFiles(head, unsure)]);
  const same = new Set(unsure.filter((p) => a.get(p) === b.get(p)));
  return { mergeBase, paths: listed.filter((p) => !same.has(p)) };
}
