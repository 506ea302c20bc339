import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpHost } from '../../../cli/host/http-host.ts';

test('the local host serves HTTP functions under /api and Event Grid functions as the extension does', async () => {
  const seen: unknown[] = [];
  const host = await startHttpHost(
    {
      http: { echo: async (req) => ({ status: 202, body: { event: req.header('X-GitHub-Event'), length: req.body.length } }) },
      eventGrid: {
        'registry-push': async (e) => {
          if ((e as { id?: string }).id === 'bad') throw new Error('malformed');
          seen.push(e);
        },
      },
    },
    { port: 0 },
  );
  try {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${host.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const r1 = await post('/api/echo', { a: 1 }, { 'x-github-event': 'push' });
    assert.deepEqual([r1.status, await r1.json()], [202, { event: 'push', length: 7 }]);
    assert.equal((await post('/api/nope', {})).status, 404);
    const eg = '/runtime/webhooks/eventgrid?functionName=registry-push';
    const v = await post(eg, [{ data: { validationCode: 'abc' } }], { 'aeg-event-type': 'SubscriptionValidation' });
    assert.deepEqual([v.status, await v.json()], [200, { validationResponse: 'abc' }]);
    assert.equal((await post(eg, [{ id: 'one' }, { id: 'two' }], { 'aeg-event-type': 'Notification' })).status, 202);
    assert.equal((await post(eg, [{ id: 'three' }, { id: 'bad' }], { 'aeg-event-type': 'Notification' })).status, 500, 'one failure fails the batch');
    assert.equal((await post(eg, [], { 'aeg-event-type': 'Unsubscribe' })).status, 202);
    assert.equal((await post(eg, [], {})).status, 400);
    assert.equal((await post('/runtime/webhooks/eventgrid?functionName=other', [], { 'aeg-event-type': 'Notification' })).status, 404);
    assert.deepEqual(seen.map((e) => (e as { id: string }).id), ['one', 'two', 'three']);
  } finally {
    await host.close();
  }
});
