import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeQueueMessage, encodeQueueMessage, queueService } from '../../shared/storage/storage-job-queue.ts';
import { QueueWorker } from '../../shared/storage/queue-worker.ts';
import { startAzurite, type Azurite } from '../support/azurite.ts';

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.close();
});

test('a failing message is retried until it succeeds, and one that always fails lands in the poison queue', async () => {
  const service = queueService({ connectionString: azurite.connectionString });
  const q = service.getQueueClient('jobs');
  await q.createIfNotExists();
  const seen: Record<string, number> = {};
  const worker = new QueueWorker(service, {
    queueName: 'jobs',
    maxDequeueCount: 3,
    visibilityTimeoutSeconds: 1,
    pollMs: 20,
    handler: async (m) => {
      const { name } = m as { name: string };
      seen[name] = (seen[name] ?? 0) + 1;
      if (name === 'flaky' && seen[name] < 2) throw new Error('transient');
      if (name === 'bad') throw new Error('always');
    },
  });
  await worker.start();
  for (const name of ['ok', 'flaky', 'bad']) await q.sendMessage(encodeQueueMessage({ name }));
  const deadline = Date.now() + 20_000;
  while ((seen.bad ?? 0) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.idle(10_000);
  await worker.stop();
  assert.deepEqual(seen, { ok: 1, flaky: 2, bad: 3 });
  const poison = await service.getQueueClient('jobs-poison').receiveMessages({ numberOfMessages: 10 });
  assert.deepEqual(poison.receivedMessageItems.map((m) => decodeQueueMessage(m.messageText)), [{ name: 'bad' }]);
  assert.equal((await q.getProperties()).approximateMessagesCount, 0, 'nothing left behind, nothing lost');
});
