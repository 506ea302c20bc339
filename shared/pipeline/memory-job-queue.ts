/**
 * An in-process job queue for the local host's embedded defaults (no storage
 * account): the same at-least-once contract as the storage queue — a failed
 * job is retried after a delay, and after `maxAttempts` it is kept as poisoned.
 */
import type { JobQueue, SyncJob } from './sync-job.ts';

export class MemoryJobQueue<J = SyncJob> implements JobQueue<J> {
  readonly poisoned: { job: J; error: string }[] = [];
  private readonly pending: { job: J; attempt: number }[] = [];
  private handler: ((job: J, attempt: number) => Promise<void>) | undefined;
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly concurrency: number;

  constructor(options: { maxAttempts?: number; retryDelayMs?: number; concurrency?: number } = {}) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.concurrency = options.concurrency ?? 8;
  }

  async send(job: J): Promise<void> {
    this.pending.push({ job, attempt: 1 });
    this.pump();
  }

  /** Starts handling jobs. */
  process(handler: (job: J, attempt: number) => Promise<void>): void {
    this.handler = handler;
    this.pump();
  }

  /** Resolves when nothing is pending, retrying or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private retrying = 0;

  private isIdle(): boolean {
    return this.pending.length === 0 && this.active === 0 && this.retrying === 0;
  }

  private pump(): void {
    while (this.handler && this.active < this.concurrency && this.pending.length > 0) {
      const item = this.pending.shift()!;
      this.active++;
      void this.handler(item.job, item.attempt)
        .catch((err: unknown) => {
          if (item.attempt >= this.maxAttempts) this.poisoned.push({ job: item.job, error: (err as Error)?.message ?? String(err) });
          else {
            this.retrying++;
            setTimeout(() => {
              this.retrying--;
              this.pending.push({ job: item.job, attempt: item.attempt + 1 });
              this.pump();
            }, this.retryDelayMs);
          }
        })
        .finally(() => {
          this.active--;
          this.pump();
          if (this.isIdle()) for (const w of this.waiters.splice(0)) w();
        });
    }
  }
}
