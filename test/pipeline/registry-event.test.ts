import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MalformedEventError, parseAcrWebhook, parseEventGridEvent } from '../../shared/pipeline/registry-event.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/registry/${name}`, import.meta.url), 'utf8'));
const eventGrid = () => fixture('event-grid-image-pushed.json');
const acr = () => fixture('acr-webhook-push.json');

test('the published Event Grid ImagePushed sample becomes an image push', () => {
  assert.deepEqual(parseEventGridEvent(eventGrid()), {
    kind: 'image',
    image: {
      id: 'c25fdb80-ebbd-4dd0-a29c-a7349e6388f6',
      registry: 'jolovcr.azurecr.io',
      repository: 'samples/nginx',
      tag: 'latest',
      digest: 'sha256:57a94fc99816c6aa225678b738ac40d85422e75dbb96115f1bb9b6ed77176166',
      pushedAt: new Date('2021-09-08T06:37:45.468Z'),
    },
  });
});

test('the published ACR classic webhook push sample becomes an image push', () => {
  const d = parseAcrWebhook(JSON.stringify(acr()));
  assert.equal(d.kind, 'image');
  if (d.kind === 'image') assert.deepEqual([d.image.registry, d.image.repository, d.image.tag], ['myregistry.azurecr.io', 'hello-world', 'v1']);
});

test('without request.host the registry comes from the Event Grid topic', () => {
  const e = eventGrid();
  delete e.data.request;
  const d = parseEventGridEvent(e);
  assert.ok(d.kind === 'image' && d.image.registry === 'jolovcr.azurecr.io');
});

test('events without a tag and events of other types are ignored with the reason', () => {
  const untagged = eventGrid();
  delete untagged.data.target.tag;
  assert.deepEqual(parseEventGridEvent(untagged), {
    kind: 'ignored',
    reason: 'jolovcr.azurecr.io/samples/nginx@sha256:57a94fc99816c6aa225678b738ac40d85422e75dbb96115f1bb9b6ed77176166 was pushed without a tag',
  });
  const deleted = eventGrid();
  deleted.eventType = 'Microsoft.ContainerRegistry.ImageDeleted';
  assert.deepEqual(parseEventGridEvent(deleted), { kind: 'ignored', reason: 'event type Microsoft.ContainerRegistry.ImageDeleted is not Microsoft.ContainerRegistry.ImagePushed' });
  const chart = acr();
  chart.action = 'chart_push';
  assert.deepEqual(parseAcrWebhook(chart), { kind: 'ignored', reason: 'action chart_push is not push' });
});

test('malformed events are rejected naming what is wrong', () => {
  const cases: [unknown, RegExp][] = [
    ['{"id": ', /Event Grid event is not JSON/],
    [{ id: 'x' }, /eventType: /],
    [{ ...eventGrid(), data: { ...eventGrid().data, target: { repository: 'UPPER/case', digest: 'sha256:zz' } } }, /target\.repository: expected a lower-case repository path; data\.target\.digest|target\.repository: expected a lower-case repository path/],
    [{ ...eventGrid(), data: { ...eventGrid().data, target: { ...eventGrid().data.target, tag: 'bad tag!' } } }, /target\.tag "bad tag!" is not a valid image tag/],
    [{ ...eventGrid(), topic: undefined, data: { ...eventGrid().data, request: undefined } }, /no registry host/],
    [{ ...eventGrid(), data: { ...eventGrid().data, target: { ...eventGrid().data.target, tag: 'x'.repeat(200) } } }, /target\.tag: /],
  ];
  for (const [event, message] of cases) {
    assert.throws(() => parseEventGridEvent(event), (err: unknown) => err instanceof MalformedEventError && message.test(err.message));
  }
  assert.throws(() => parseAcrWebhook({ ...acr(), request: {} }), /request\.host: expected the registry login server/);
});
