/**
 * A storage-queue consumer with the Functions queue trigger's semantics, for
 * the local host and tests: messages are base64 JSON; a handler failure leaves
 * the message to reappear after the visibility timeout; after `maxDequeueCount`
 * deliveries it moves to `<queue>-poison`. Nothing is lost: a message is deleted
 * only after its handler succeeded or it was copied to the poison queue.
 */
import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { decodeQueueMessage } from './storage-job-queue.ts';

export interface QueueWorkerOptions {
  queueName: string;
  handler(message: unknown, meta: { dequeueCount: number; id: string }): Promise<void>;
  /** Deliveries before a message is poisoned (host.json maxDequeueCount; default 5). */
  maxDequeueCount?: number;
  /** Seconds a failed message stays invisible before it is retried (default 1 locally). */
  visibilityTimeoutSeconds?: number;
  /** Messages handled at once (default 8). */
  batchSize?: number;
  /** Idle poll interval (default 200 ms). */
  pollMs?: number;
  onError?(error: unknown, meta: { dequeueCount: number; id: string; poisoned: boolean }): void;
}

export class QueueWorker {
  private readonly queue: QueueClient;
  private readonly poison: QueueClient;
  private readonly options: Required<Omit<QueueWorkerOptions, 'onError'>> & Pick<QueueWorkerOptions, 'onError'>;
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = 0;

  constructor(service: QueueServiceClient, options: QueueWorkerOptions) {
    this.queue = service.getQueueClient(options.queueName);
    this.poison = service.getQueueClient(`${options.queueName}-poison`);
    this.options = { maxDequeueCount: 5, visibilityTimeoutSeconds: 1, batchSize: 8, pollMs: 200, ...options };
  }

  async start(): Promise<void> {
    await this.queue.createIfNotExists();
    await this.poison.createIfNotExists();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves when the queue has no visible message and nothing is being handled. */
  async idle(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const props = await this.queue.getProperties();
      if (this.inFlight === 0 && (props.approximateMessagesCount ?? 0) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`queue ${this.options.queueName} still busy after ${timeoutMs} ms`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let received;
      try {
        received = await this.queue.receiveMessages({ numberOfMessages: this.options.batchSize, visibilityTimeout: this.options.visibilityTimeoutSeconds });
      } catch (err) {
        this.options.onError?.(err, { dequeueCount: 0, id: '', poisoned: false });
        await new Promise((r) => setTimeout(r, this.options.pollMs));
        continue;
      }
      if (received.receivedMessageItems.length === 0) {
        await new Promise((r) => setTimeout(r, this.options.pollMs));
        continue;
      }
      this.inFlight += received.receivedMessageItems.length;
      await Promise.all(
        received.receivedMessageItems.map(async (m) => {
          const meta = { dequeueCount: m.dequeueCount, id: m.messageId };
          try {
            await this.options.handler(decodeQueueMessage(m.messageText), meta);
            await this.queue.deleteMessage(m.messageId, m.popReceipt);
          } catch (err) {
            const poisoned = m.dequeueCount >= this.options.maxDequeueCount;
            this.options.onError?.(err, { ...meta, poisoned });
            if (poisoned) {
              await this.poison.sendMessage(m.messageText);
              await this.queue.deleteMessage(m.messageId, m.popReceipt);
            }
          } finally {
            this.inFlight--;
          }
        }),
      );
    }
  }
}
