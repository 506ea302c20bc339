/**
 * Health jobs on the `health` storage queue, each invisible until its check is due (the message's
 * visibility timeout; storage queues allow up to 7 days). Base64 JSON, as the queue trigger decodes it.
 */
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { HealthJob, HealthQueue } from '../pipeline/health-job.ts';
import { encodeQueueMessage } from './storage-job-queue.ts';

export class StorageHealthQueue implements HealthQueue {
  private readonly queue: QueueClient;
  private ready: Promise<unknown> | undefined;

  /** `queueName`: the composition root passes HEALTH_QUEUE, the name the health trigger listens on. */
  constructor(service: QueueServiceClient, queueName: string) {
    this.queue = service.getQueueClient(queueName);
  }

  async send(job: HealthJob, delayMs: number): Promise<void> {
    this.ready ??= this.queue.createIfNotExists().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
    await this.queue.sendMessage(encodeQueueMessage(job), { visibilityTimeout: Math.min(7 * 24 * 3600, Math.max(0, Math.ceil(delayMs / 1000))) });
  }
}
