import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MalformedEventError, parseAcrWebhook, parseEventGridEvent, type RegistryMap } from '../../shared/pipeline/registry-event.ts';
import { SAMPLE_LOGIN_SERVER, SAMPLE_REGISTRY_ID, SCHEMAS, sampleEvent } from '../support/registry-samples.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/registry/${name}`, import.meta.url), 'utf8'));
const acr = () => fixture('acr-webhook-push.json');
const registries: RegistryMap = new Map([[SAMPLE_REGISTRY_ID.toLowerCase(), SAMPLE_LOGIN_SERVER]]);
const pushed = { id: '831e1650-001e-001b-66ab-eeb76e069631', registry: SAMPLE_LOGIN_SERVER, repository: 'aci-helloworld', tag: 'v1', digest: 'sha256:213bbc182920ab41e18edc2001e06abcca6735d87782d9cef68abd83941cf0e5', pushedAt: new Date('2018-04-25T21:39:47.276Z') };

for (const schema of SCHEMAS) {
  test(`Microsoft's ImagePushed sample (${schema}) becomes an image push from the registry its topic names`, () => {
    assert.deepEqual(parseEventGridEvent(sampleEvent(schema, 'image-pushed'), registries), { kind: 'image', image: pushed });
    assert.deepEqual(parseEventGridEvent(JSON.stringify(sampleEvent(schema, 'image-pushed')), registries), { kind: 'image', image: pushed }, 'as JSON text too');
  });

  test(`Microsoft's ImageDeleted, ChartPushed and ChartDeleted samples (${schema}) are acknowledged and ignored, naming the type`, () => {
    for (const [type, name, why] of [
      ['image-deleted', 'ImageDeleted', /deleted image changes no manifest/],
      ['chart-pushed', 'ChartPushed', /chart versions are not automated/],
      ['chart-deleted', 'ChartDeleted', /deleted chart changes no manifest/],
    ] as const) {
      const d = parseEventGridEvent(sampleEvent(schema, type), registries);
      assert.equal(d.kind, 'ignored', type);
      if (d.kind === 'ignored') {
        assert.equal(d.eventType, `Microsoft.ContainerRegistry.${name}`);
        assert.match(d.reason, new RegExp(`^Microsoft\\.ContainerRegistry\\.${name}: `));
        assert.match(d.reason, why);
      }
    }
  });

  test(`an ImagePushed without a tag (${schema}) is ignored with the reason`, () => {
    const e = sampleEvent(schema, 'image-pushed');
    delete (e.data.target as Record<string, unknown>).tag;
    const d = parseEventGridEvent(e, registries);
    assert.deepEqual(d.kind === 'ignored' && [d.eventType, d.reason], ['Microsoft.ContainerRegistry.ImagePushed', `${SAMPLE_LOGIN_SERVER}/aci-helloworld@${pushed.digest} was pushed without a tag (a platform manifest of an index, or a push by digest)`]);
  });

  test(`the registry comes from the topic, never from data.request.host (${schema})`, () => {
    const spoofed = sampleEvent(schema, 'image-pushed');
    (spoofed.data.request as Record<string, unknown>).host = 'radixprod.azurecr.io';
    const d = parseEventGridEvent(spoofed, registries);
    assert.ok(d.kind === 'image' && d.image.registry === SAMPLE_LOGIN_SERVER);
    const other = sampleEvent(schema, 'image-pushed');
    other[schema === 'cloudevents' ? 'source' : 'topic'] = SAMPLE_REGISTRY_ID.replace('/demoregistry', '/attacker');
    const ignored = parseEventGridEvent(other, registries);
    assert.ok(ignored.kind === 'ignored' && /registries\/attacker is not in GITOPS_REGISTRY_TOPICS/.test(ignored.reason) && ignored.unexpected === true);
    assert.equal(parseEventGridEvent(sampleEvent(schema, 'image-pushed'), new Map()).kind, 'ignored', 'no registries configured: nothing is acted on');
  });
}

test('the topic is compared case-insensitively, as ARM ids are', () => {
  const e = sampleEvent('event-grid-schema', 'image-pushed');
  e.topic = SAMPLE_REGISTRY_ID.toUpperCase();
  assert.equal(parseEventGridEvent(e, registries).kind, 'image');
});

test('the REST API specs Event Grid sample reads with its registry mapped', () => {
  const e = fixture('event-grid-image-pushed.json');
  const d = parseEventGridEvent(e, new Map([[e.topic.toLowerCase(), 'jolovcr.azurecr.io']]));
  assert.ok(d.kind === 'image' && d.image.registry === 'jolovcr.azurecr.io' && d.image.repository === 'samples/nginx' && d.image.tag === 'latest');
});

test('malformed events are rejected naming the field that is wrong, in either schema', () => {
  const eg = () => sampleEvent('event-grid-schema', 'image-pushed');
  const ce = () => sampleEvent('cloudevents', 'image-pushed');
  const target = (e: ReturnType<typeof eg>) => e.data.target as Record<string, unknown>;
  const cases: [unknown, RegExp][] = [
    ['{"id": ', /Event Grid event is not JSON/],
    [[eg()], /expected a JSON object/],
    [{ id: 'x' }, /neither eventType \(Event Grid schema\) nor specversion \(CloudEvents 1\.0\)/],
    [{ ...eg(), topic: undefined }, /Event Grid event: topic: /],
    [{ ...ce(), source: 42 }, /CloudEvent: source: /],
    [{ ...ce(), specversion: '0.3' }, /CloudEvent: specversion: expected CloudEvents 1\.0/],
    [(() => { const e = eg(); target(e).repository = 'UPPER/case'; return e; })(), /event 831e1650-001e-001b-66ab-eeb76e069631: data\.target\.repository: expected a lower-case repository path/],
    [(() => { const e = ce(); target(e).tag = 'bad tag!'; return e; })(), /data\.target\.tag: expected an image tag/],
    [(() => { const e = ce(); target(e).tag = 'x'.repeat(129); return e; })(), /data\.target\.tag: expected at most 128 characters/],
    [(() => { const e = eg(); delete target(e).digest; return e; })(), /data\.target\.digest: /],
    [{ ...eg(), data: 'not json' }, /data is not JSON/],
  ];
  for (const [event, message] of cases) {
    assert.throws(() => parseEventGridEvent(event, registries), (err: unknown) => err instanceof MalformedEventError && message.test(err.message), String(message));
  }
});

test('the ACR classic webhook sample becomes an image push from its request.host; other actions are ignored', () => {
  const d = parseAcrWebhook(JSON.stringify(acr()));
  assert.ok(d.kind === 'image');
  assert.deepEqual([d.image.registry, d.image.repository, d.image.tag], ['myregistry.azurecr.io', 'hello-world', 'v1']);
  for (const action of ['delete', 'chart_push', 'chart_delete', 'quarantine', 'ping']) {
    assert.deepEqual(parseAcrWebhook({ id: 'e1', action }), { kind: 'ignored', eventId: 'e1', eventType: action, reason: `action ${action}: only push is acted on` });
  }
  assert.throws(() => parseAcrWebhook({ ...acr(), request: {} }), /request\.host: expected the registry login server/);
  assert.throws(() => parseAcrWebhook({ action: 'push' }), /ACR webhook body: id: /);
});
