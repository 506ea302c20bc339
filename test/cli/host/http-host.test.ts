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

test('the Event Grid route answers the CloudEvents validation handshake and takes CloudEvents structured and batch bodies', async () => {
  const seen: unknown[] = [];
  const host = await startHttpHost({ http: {}, eventGrid: { 'registry-push': async (e) => void seen.push((e as { id: string }).id) } }, { port: 0 });
  try {
    const eg = `${host.url}/runtime/webhooks/eventgrid?functionName=registry-push`;
    const options = await fetch(eg, { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' } });
    assert.deepEqual([options.status, options.headers.get('webhook-allowed-origin')], [200, 'eventgrid.azure.net']);
    const us = await fetch(eg, { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'eventgrid.azure.us' } });
    assert.equal(us.headers.get('webhook-allowed-origin'), 'eventgrid.azure.us', 'a sovereign cloud\'s origin is echoed');
    const other = await fetch(eg, { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'evil.example.com' } });
    assert.equal(other.headers.get('webhook-allowed-origin'), 'eventgrid.azure.net', 'any other origin gets the public cloud\'s, as the extension answers');
    assert.equal((await fetch(`${host.url}/runtime/webhooks/eventgrid?functionName=nope`, { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' } })).status, 404);

    const post = (body: unknown, contentType: string) => fetch(eg, { method: 'POST', headers: { 'content-type': contentType, 'aeg-event-type': 'Notification' }, body: JSON.stringify(body) });
    assert.equal((await post({ specversion: '1.0', id: 'structured' }, 'application/cloudevents+json; charset=utf-8')).status, 202);
    assert.equal((await post([{ specversion: '1.0', id: 'b1' }, { specversion: '1.0', id: 'b2' }], 'application/cloudevents-batch+json; charset=utf-8')).status, 202);
    assert.deepEqual(seen, ['structured', 'b1', 'b2']);
    const validation = await fetch(eg, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'aeg-event-type': 'SubscriptionValidation' }, body: JSON.stringify({ specversion: '1.0', id: 'v', data: JSON.stringify({ validationCode: 'xyz' }) }) });
    assert.deepEqual([validation.status, await validation.json()], [200, { validationResponse: 'xyz' }], 'a CloudEvent validation event carries its data double-encoded');
    assert.equal((await post(42, 'application/json')).status, 400);
    assert.equal((await fetch(eg, { method: 'GET' })).status, 405);
  } finally {
    await host.close();
  }
});
