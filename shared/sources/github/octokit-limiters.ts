/**
 * The throttling plugin's limiters, without Bottleneck's timer hops. Bottleneck's datastore yields to the event
 * loop with `setTimeout(0)` at each step of a job, so the plugin's retry limiter and its global group added about
 * 10 ms to every GitHub call (at 50 ms of latency, 2026-11-30: a read took 65.3 ms through the plugin with them,
 * 55.5 ms with these, 54.8 ms through plain Octokit), and a push waits on four calls one after another. These keep the plugin's rules: at most 10
 * requests of a client in flight (its global group's `maxConcurrent`), and a failed request retried after the
 * wait the plugin's `failed` listener answers (Bottleneck's contract: a number of milliseconds means try again).
 */
import { limitConcurrency } from '../../concurrency/limit-concurrency.ts';

type Task = (...args: unknown[]) => unknown;

/** Splits Bottleneck's `schedule([options,] fn, ...args)` into the task and its arguments. */
function task(input: unknown[]): { fn: Task; args: unknown[] } {
  const at = input.findIndex((a) => typeof a === 'function');
  return { fn: input[at] as Task, args: input.slice(at + 1) };
}

/** A group (`key(id).schedule(...)`) whose jobs run at once, with no limit. */
export function passThroughGroup(): unknown {
  const limiter = {
    schedule: async (...input: unknown[]): Promise<unknown> => {
      const { fn, args } = task(input);
      return fn(...args);
    },
  };
  return { key: () => limiter };
}

/** A group (`key(id).schedule(...)`) whose jobs run at once, at most `max` at a time. */
export function concurrencyGroup(max: number): unknown {
  const limit = limitConcurrency(max);
  const limiter = {
    schedule: (...input: unknown[]): Promise<unknown> => {
      const { fn, args } = task(input);
      return limit(async () => fn(...args));
    },
  };
  return { key: () => limiter };
}

export interface FailedInfo { args: unknown[]; retryCount: number }

/** Bottleneck's retry contract: run the job now; when it fails, the `failed` listener's number of ms means again. */
export class RetryLimiter {
  private listener: ((error: unknown, info: FailedInfo) => unknown) | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(sleep: (ms: number) => Promise<void>) {
    this.sleep = sleep;
  }

  on(event: string, listener: (error: unknown, info: FailedInfo) => unknown): this {
    if (event === 'failed') this.listener = listener;
    return this;
  }

  async schedule(...input: unknown[]): Promise<unknown> {
    const { fn, args } = task(input);
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await fn(...args);
      } catch (error) {
        const wait = await this.listener?.(error, { args, retryCount });
        if (typeof wait !== 'number' || !Number.isFinite(wait) || wait < 0) throw error;
        await this.sleep(wait);
      }
    }
  }
}
