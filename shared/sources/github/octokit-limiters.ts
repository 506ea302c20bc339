/**
 * The retry and throttling plugins' limiters, without Bottleneck's timer hops. Bottleneck's datastore yields to the
 * event loop with `setTimeout(0)` at each step of a job, so the throttling plugin's retry limiter and its global
 * group added about 10 ms to every GitHub call (at 50 ms of latency, 2026-11-30: a read took 65.3 ms through the
 * plugin with them, 55.5 ms with these, 54.8 ms through plain Octokit), and a push waits on four calls one after
 * another. These keep the plugin's rules: at most 10 requests of a client in flight (its global group's
 * `maxConcurrent`), and a failed request retried after the wait the plugin's `failed` listener answers
 * (Bottleneck's contract: a number of milliseconds means try again).
 *
 * `@octokit/plugin-retry` builds a Bottleneck of its own for every request, with no way to pass another, and that
 * cost 5-6 ms of wall time and about 1.2 ms of CPU per call (2026-11-30, a GraphQL query to the GitHub fake with no
 * latency, 200 calls: 2.3-4.5 ms through Octokit alone, 8.3-9.5 ms with the plugin). {@link timerFreeRetry} is
 * that plugin's rules with a loop in place of its Bottleneck.
 */
import { RequestError } from '@octokit/request-error';
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

/** `retry` options of an Octokit built with {@link timerFreeRetry} (those of `@octokit/plugin-retry`). */
export interface RetryOptions {
  enabled?: boolean;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Statuses never retried (default 400, 401, 403, 404, 410, 422, 451). */
  doNotRetry?: number[];
  /** Milliseconds per unit of wait (default 1000): attempt n waits n² units. */
  retryAfterBaseValue?: number;
  /** The wait between attempts (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

interface RetryState { enabled: boolean; retries: number; doNotRetry: number[]; retryAfterBaseValue: number; sleep: (ms: number) => Promise<void> }

/** The hooks' view of a request's options (`request.retries`, `request.retryCount` are the plugins' own). */
type HookOptions = { request: { retries?: number; retryCount?: number } } & Record<string, unknown>;
type MarkedError = Error & { status?: number; request?: { request?: { retries?: number; retryAfter?: number } } };
type Hook = {
  error(name: 'request', fn: (error: MarkedError, options: HookOptions) => unknown): void;
  wrap(name: 'request', fn: (request: (options: HookOptions) => Promise<{ data?: unknown }>, options: HookOptions) => Promise<unknown>): void;
};

/**
 * `@octokit/plugin-retry` 8.1's rules (its `errorRequest`, `wrapRequest` and GraphQL error handling, one for one):
 * an answer of 400 or more whose status is not in `doNotRetry` (network failures come as 500), or a GraphQL answer
 * whose first error is "Something went wrong while executing your query", is tried again up to `retries` times,
 * attempt n after n² × `retryAfterBaseValue` ms; `request.retries` on a request overrides `retries`. The wait is
 * the option `sleep` (the client's clock) instead of a Bottleneck per request. A plugin: `Octokit.plugin(timerFreeRetry)`.
 */
export function timerFreeRetry(octokit: { hook: unknown }, octokitOptions: { [option: string]: unknown }) {
  const state: RetryState = {
    enabled: true, retryAfterBaseValue: 1000, doNotRetry: [400, 401, 403, 404, 410, 422, 451], retries: 3,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...(octokitOptions['retry'] as RetryOptions | undefined),
  } as RetryState;
  const api = {
    retry: {
      retryRequest: (error: MarkedError, retries: number, retryAfter: number): MarkedError => {
        error.request!.request = { ...error.request!.request, retries, retryAfter };
        return error;
      },
    },
  };
  const errorRequest = (error: MarkedError, options: HookOptions): never => {
    if (error?.request === undefined || !error.request.request) throw error;
    if ((error.status ?? 0) >= 400 && !state.doNotRetry.includes(error.status!)) {
      const retries = options.request.retries != null ? options.request.retries : state.retries;
      throw api.retry.retryRequest(error, retries, ((options.request.retryCount || 0) + 1) ** 2);
    }
    throw error;
  };
  if (state.enabled) {
    const hook = octokit.hook as Hook;
    hook.error('request', errorRequest);
    hook.wrap('request', async (request, options) => {
      for (let retryCount = 0; ; retryCount++) {
        try {
          const response = await request(options);
          const errors = (response.data as { errors?: Array<{ message?: string }> } | undefined)?.errors;
          if (errors && errors.length > 0 && /Something went wrong while executing your query/.test(errors[0]?.message ?? '')) {
            errorRequest(new RequestError(errors[0]!.message!, 500, { request: options as never, response: response as never }) as unknown as MarkedError, options);
          }
          return response;
        } catch (error) {
          const marked = (error as MarkedError | undefined)?.request?.request;
          const maxRetries = ~~(marked?.retries ?? 0);
          const after = ~~(marked?.retryAfter ?? 0);
          options.request.retryCount = retryCount + 1;
          if (!(maxRetries > retryCount)) throw error;
          await state.sleep(after * state.retryAfterBaseValue);
        }
      }
    });
  }
  return api;
}
