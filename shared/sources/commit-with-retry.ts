/**
 * The read → compute → compare-and-swap loop of direct commits, over any source (the pull-request writer,
 * github-pull-request-writer.ts, has its own loop on its branch): on a
 * `moved` answer the change is recomputed on the branch's new head after a
 * random wait that grows with the attempt (bounded attempts, then an error so
 * the triggering event is retried by its platform).
 */
import type { CommitResult, FileChanges, SourceReader, SourceWriter } from './port.ts';

/** What compute answers for a head: the change, or undefined when there is nothing to do. */
export interface ComputedChange {
  files: FileChanges;
  message: string;
  author?: { name: string; email: string };
}

export interface RetryOptions {
  branch: string;
  /** Attempts in all (default 5). */
  attempts?: number;
  /** Upper bound of the random wait before attempt n, times n (default 200 ms). */
  jitterMs?: number;
  /** Waits (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export type RetriedCommitResult = CommitResult & { attempts: number };

/** Reads the head, computes the change, commits; on `moved` waits a random while and does it all again. */
export async function commitWithRetry(
  source: SourceReader & SourceWriter,
  compute: (head: string) => Promise<ComputedChange | undefined>,
  options: RetryOptions,
): Promise<RetriedCommitResult> {
  const attempts = options.attempts ?? 5;
  const jitterMs = options.jitterMs ?? 200;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let head = await source.resolveBranch(options.branch);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const change = await compute(head);
    if (!change || change.files.size === 0) return { status: 'unchanged', attempts: attempt };
    const result = await source.commit({ branch: options.branch, expectedHead: head, ...change });
    if (result.status !== 'moved') return { ...result, attempts: attempt };
    head = result.head;
    if (attempt < attempts) await sleep(Math.random() * jitterMs * attempt);
  }
  throw new Error(`failed to commit to ${options.branch} in ${source.description}: the branch moved on each of ${attempts} attempts (the event will be retried)`);
}
