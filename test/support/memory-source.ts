/**
 * An in-memory config repository for pipeline tests: branches point at revisions, each revision is a full
 * file map. `commit` moves a branch (like a push); old revisions stay readable (late jobs).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceReader, StatusReporter, StatusState, TreeFile } from '../../shared/sources/port.ts';

export interface MemorySource extends SourceReader {
  /** Makes a commit on `branch` with exactly these files; returns its revision. */
  commit(branch: string, files: Readonly<Record<string, string>>): string;
  /** The revision a branch points at. */
  head(branch: string): string;
  /** Calls per method, for tests that count reads. */
  readonly calls: { resolveBranch: number; listFiles: number; readFiles: number; readDefaultBranchFile: number };
}

/** A source holding the given branches (each with its initial files). */
export function memorySource(branches: Readonly<Record<string, Readonly<Record<string, string>>>> = {}): MemorySource {
  const revisions = new Map<string, Map<string, string>>();
  const heads = new Map<string, string>();
  const calls = { resolveBranch: 0, listFiles: 0, readFiles: 0, readDefaultBranchFile: 0 };
  const files = (revision: string): Map<string, string> => {
    const f = revisions.get(revision);
    if (!f) throw new Error(`no such revision ${revision}`);
    return f;
  };
  const source: MemorySource = {
    description: 'memory',
    calls,
    commit(branch, content) {
      const parent = heads.get(branch) ?? '';
      const revision = createHash('sha1').update(parent + JSON.stringify(Object.entries(content).sort()) + revisions.size).digest('hex');
      revisions.set(revision, new Map(Object.entries(content)));
      heads.set(branch, revision);
      return revision;
    },
    head(branch) {
      const h = heads.get(branch);
      if (!h) throw new Error(`no branch ${branch}`);
      return h;
    },
    async defaultBranch() {
      return heads.keys().next().value ?? 'master';
    },
    async resolveBranch(branch) {
      calls.resolveBranch++;
      return source.head(branch);
    },
    async readDefaultBranchFile(file) {
      calls.readDefaultBranchFile++;
      const branch = await source.defaultBranch();
      const revision = source.head(branch);
      return { branch, revision, text: files(revision).get(file) };
    },
    async listFiles(revision): Promise<TreeFile[]> {
      calls.listFiles++;
      return [...files(revision).keys()].sort().map((p) => ({ path: p }));
    },
    async readFiles(revision, paths) {
      calls.readFiles++;
      const f = files(revision);
      return new Map(paths.flatMap((p) => (f.has(p) ? [[p, f.get(p)!] as [string, string]] : [])));
    },
  };
  for (const [branch, content] of Object.entries(branches)) source.commit(branch, content);
  return source;
}

/** Every file under `dir`, keyed by its path relative to `root` (forward slashes). */
export async function readTree(root: string, dir = root): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await readTree(root, full));
    else if (entry.isFile()) out[path.relative(root, full).split(path.sep).join('/')] = await readFile(full, 'utf8');
  }
  return out;
}

/** A StatusReporter that records every status. */
export function memoryStatus(): StatusReporter & { statuses: Array<{ revision: string; context: string; state: StatusState; description: string }> } {
  const statuses: Array<{ revision: string; context: string; state: StatusState; description: string }> = [];
  return {
    statuses,
    async setStatus(revision, s) {
      statuses.push({ revision, context: s.context, state: s.state, description: s.description });
    },
  };
}
