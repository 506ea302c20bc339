/**
 * Progress of a sync on a terminal: one line on stderr, rewritten in place, with each cluster's rank and
 * object counts ("weekly-1 rank 2/5 34/120 · weekly-2 done"). Nothing at all when stderr is not a TTY, so
 * logs and pipes get only the results.
 */
import type { ApplyProgress } from '../shared/clusters/index.ts';

export interface SyncProgress {
  update(cluster: string, p: ApplyProgress): void;
  done(cluster: string): void;
  /** Clears the line (call before printing results). */
  finish(): void;
}

export function syncProgress(stream: { write(s: string): unknown; isTTY?: boolean; columns?: number }, clusters: readonly string[]): SyncProgress {
  if (!stream.isTTY) return { update: () => {}, done: () => {}, finish: () => {} };
  const state = new Map<string, string>(clusters.map((c) => [c, 'waiting']));
  let drawn = false;
  const draw = () => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    let line = [...state].map(([c, s]) => `${c} ${s}`).join(' · ');
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    stream.write(`\r\x1b[K${line}`);
    drawn = true;
  };
  return {
    update(cluster, p) {
      state.set(cluster, `rank ${p.rankIndex}/${p.ranks} ${p.done}/${p.total}`);
      draw();
    },
    done(cluster) {
      state.set(cluster, 'done');
      draw();
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
