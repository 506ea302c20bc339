/**
 * Sync jobs on an Azure Storage queue (Azurite locally and in tests). Messages
 * are base64-encoded JSON, the Functions queue trigger's default encoding.
 */
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import type { TokenCredential } from '@azure/identity';
import type { JobQueue, SyncJob } from '../pipeline/sync-job.ts';

export type StorageTarget = { connectionString: string } | { queueServiceUrl: string; credential: TokenCredential };

/** Builds a QueueServiceClient from a connection string (Azurite, keys) or an identity (Azure, no shared keys). */
export function queueService(target: StorageTarget): QueueServiceClient {
  return 'connectionString' in target
    ? QueueServiceClient.fromConnectionString(target.connectionString)
    : new QueueServiceClient(target.queueServiceUrl, target.credential);
}

export class StorageJobQueue<J = SyncJob> implements JobQueue<J> {
  private readonly queue: QueueClient;
  private ready: Promise<unknown> | undefined;

  /** `queueName`: the composition root passes SYNC_QUEUE, the name the queue trigger listens on. */
  constructor(service: QueueServiceClient, queueName: string) {
    this.queue = service.getQueueClient(queueName);
  }

  async send(job: J): Promise<void> {
    this.ready ??= this.queue.createIfNotExists().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    await this.ready;
    await this.queue.sendMessage(encodeQueueMessage(job));
  }
}

/** The text a Functions queue trigger decodes back into the job (base64 of UTF-8 JSON). */
export function encodeQueueMessage(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** Decodes a queue message written by encodeQueueMessage. */
export function decodeQueueMessage(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
}
