/**
 * Health jobs in process (the local host without a storage account): each runs after its delay; a job
 * that throws is tried again after the first check's delay, at most five times.
 */
import { FIRST_HEALTH_CHECK_MS, type HealthJob, type HealthQueue } from './health-job.ts';

export class MemoryHealthQueue implements HealthQueue {
  private handler: ((job: HealthJob) => Promise<void>) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly poisoned: { job: HealthJob; error: string }[] = [];

  async send(job: HealthJob, delayMs: number): Promise<void> {
    this.schedule(job, delayMs, 1);
  }

  process(handler: (job: HealthJob) => Promise<void>): void {
    this.handler = handler;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(job: HealthJob, delayMs: number, delivery: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.handler) return;
      this.handler(job).catch((err: unknown) => {
        if (delivery >= 5) this.poisoned.push({ job, error: (err as Error)?.message ?? String(err) });
        else this.schedule(job, FIRST_HEALTH_CHECK_MS, delivery + 1);
      });
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
