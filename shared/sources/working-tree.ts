/**
 * A source over a local directory as it is on disk (the CLI's `--repo DIR`):
 * uncommitted edits count. In a git working tree the files are those git
 * tracks plus untracked ones it does not ignore, so `.gitignore`d files
 * (generated patches, secrets) are never deployed; elsewhere every file.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SourceReader, TreeFile } from './port.ts';

const run = promisify(execFile);

/** The revision name a working tree answers for every branch. */
export const WORKING_TREE = 'working-tree';

export class WorkingTreeSource implements SourceReader {
  readonly description: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.description = this.dir;
  }

  /** A working tree has one state: it is its own default branch. */
  async defaultBranch(): Promise<string> {
    return WORKING_TREE;
  }

  /** A working tree has one state; every branch resolves to it. */
  async resolveBranch(_branch: string): Promise<string> {
    await stat(this.dir);
    return WORKING_TREE;
  }

  async listFiles(_revision: string): Promise<TreeFile[]> {
    const paths = (await this.gitFiles()) ?? (await this.walk(''));
    paths.sort();
    return paths.map((p) => ({ path: p }));
  }

  async readFiles(_revision: string, paths: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await Promise.all(
      paths.map(async (p) => {
        try {
          out.set(p, await readFile(this.resolve(p), 'utf8'));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`failed to read ${p}`, { cause: err });
        }
      }),
    );
    return out;
  }

  /** Writes files into the working tree (an existing file keeps its mode). */
  async writeFiles(files: ReadonlyMap<string, string>): Promise<void> {
    for (const [p, content] of files) await writeFile(this.resolve(p), content, 'utf8');
  }

  /** The absolute path of a repo-relative path; refuses paths that escape the directory. */
  resolve(p: string): string {
    const abs = path.resolve(this.dir, p);
    if (abs !== this.dir && !abs.startsWith(this.dir + path.sep)) throw new Error(`path ${p} escapes ${this.dir}`);
    return abs;
  }

  /** Whether DIR is the top of a git working tree, and its branch. */
  async gitBranch(): Promise<string | undefined> {
    try {
      const { stdout } = await run('git', ['-C', this.dir, 'rev-parse', '--abbrev-ref', 'HEAD']);
      return stdout.trim();
    } catch {
      return undefined;
    }
  }

  private async gitFiles(): Promise<string[] | undefined> {
    let top: string;
    try {
      top = (await run('git', ['-C', this.dir, 'rev-parse', '--show-toplevel'])).stdout.trim();
    } catch {
      return undefined; // not a git working tree
    }
    if (path.resolve(top) !== this.dir) return undefined; // a folder inside some other repository: read it as files
    const { stdout } = await run('git', ['-C', this.dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      maxBuffer: 256 * 1024 * 1024,
    });
    const listed = stdout.split('\0').filter(Boolean);
    // ls-files --cached lists files deleted from disk but not yet from the index: drop them.
    const present = await Promise.all(listed.map((p) => stat(this.resolve(p)).then((s) => s.isFile(), () => false)));
    return listed.filter((_, i) => present[i]);
  }

  private async walk(rel: string): Promise<string[]> {
    const entries = await readdir(path.join(this.dir, rel), { withFileTypes: true });
    const out: string[] = [];
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules') out.push(...(await this.walk(p)));
      } else if (e.isFile()) out.push(p);
    }
    return out;
  }
}
