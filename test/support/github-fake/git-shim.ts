/**
 * Counts git starts: a `git` first on PATH that logs each start's arguments and runs the real git. Child processes
 * the test process starts from then on (the fake's git runs, and a fake started in a child process) find it.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export interface GitShim {
  /** The arguments of every git started since the last {@link GitShim.reset}, in order. */
  starts(): string[];
  /** The starts other than the long-lived object reader's (`cat-file --batch-command`). */
  forks(): string[];
  reset(): void;
  /** Restores PATH and removes the shim. */
  close(): void;
}

/** Puts the shim first on PATH (of this process, so of every child started after). */
export function installGitShim(): GitShim {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'git-shim-'));
  const log = path.join(dir, 'starts.log');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(dir, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(path.join(dir, 'git'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${saved ?? ''}`;
  const starts = (): string[] => { try { return readFileSync(log, 'utf8').split('\n').filter(Boolean); } catch { return []; } };
  return {
    starts,
    forks: () => starts().filter((s) => !s.includes('cat-file --batch-command')),
    reset: () => rmSync(log, { force: true }),
    close() {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The pids of the gits this process started that are still running (from /proc; Linux only). */
export function runningGits(): number[] {
  if (!existsSync('/proc/self/stat')) throw new Error('failed to list running gits: no /proc (Linux only)');
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(process.pid) && stat.includes('(git)');
    } catch {
      return false; // ended while listed
    }
  }).map(Number);
}
