/**
 * Registry events through the local host's Event Grid route, as Event Grid sends them: Microsoft's documented
 * samples in both delivery schemas with their content types and headers, the CloudEvents handshake, mixed
 * batches, and the attacks of the trust-boundaries issue (a regex filter that backtracks, a spoofed registry, a
 * tag the registry does not hold). The source is the GitHub fake; the registry is the ACR fake; jobs run in
 * process onto folder targets.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../shared/config/settings.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { acrTagLister } from '../../shared/registry/acr-tag-lister.ts';
import { startLocalServer, type LocalServer } from '../../cli/host/start-local.ts';
import { startAcrFake, type AcrFake } from '../support/acr-fake/index.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';
import { deliveryHeaders, SAMPLE_LOGIN_SERVER, SAMPLE_REGISTRY_ID, SAMPLE_TYPES, SCHEMAS, sampleBody, sampleEvent } from '../support/registry-samples.ts';

const REPO = 'acme/config';
const TOKEN = 'ghs_registry-events';
const FAKE_ACR_ID = '/subscriptions/00000000-0000-0000-0000-00000000000f/resourceGroups/registries/providers/Microsoft.ContainerRegistry/registries/fakeacr';
const FAKE_ACR_SECRET = 'fake-acr-webhook-secret-0123456789';
const OTHER_SECRET = 'other-registry-webhook-secret-987654';
const deployment = (name: string, image: string, filter?: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
  annotations:
    fluxcd.io/automated: "true"
${filter ? `    filter.fluxcd.io/${name}: ${JSON.stringify(filter)}\n` : ''}spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: ${name}
          image: ${image}
`;

let github: Awaited<ReturnType<typeof startGitHubFake>>;
let acr: AcrFake;
let server: LocalServer;
const log = memoryLogger();
const file = async (name: string) => (await github.readFile(REPO, 'main', `dev/${name}.yaml`)) ?? '';

before(async () => {
  acr = await startAcrFake();
  acr.push('web', 'master-1');
  github = await startGitHubFake({
    repos: [{
      fullName: REPO,
      branches: ['main'],
      files: {
        'dev/hello.yaml': deployment('hello', `${SAMPLE_LOGIN_SERVER}/aci-helloworld:v0`),
        'dev/web.yaml': deployment('web', `${acr.host}/web:master-1`, 'glob:master-*'),
        'dev/redos.yaml': deployment('redos', `${SAMPLE_LOGIN_SERVER}/redos:aaaa`, 'regex:^(a+)+$'),
      },
    }],
    token: TOKEN,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-registry-events-'));
  const env = {
    GITHUB_REPOSITORY: REPO,
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: github.url,
    GITOPS_CONFIG: `environments:\n  development:\n    branch: main\n    path: dev\n    registries: [${SAMPLE_LOGIN_SERVER}, "${acr.host}"]\n`,
    GITOPS_REGISTRY_TOPICS: JSON.stringify({ [SAMPLE_REGISTRY_ID]: SAMPLE_LOGIN_SERVER, [FAKE_ACR_ID]: acr.host }),
    ACR_WEBHOOK_SECRETS: JSON.stringify({ [acr.host]: FAKE_ACR_SECRET, 'other.azurecr.io': OTHER_SECRET }),
    KUBECONFIG: path.join(dir, 'none'),
  };
  const lister = acrTagLister(acr.host, acr.credential, { endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca }, retryOptions: { maxRetries: 0 } } });
  server = await startLocalServer({ settings: loadSettings(env), env, workDir: path.join(dir, 'work'), port: 0, reconcileSeconds: 3600, log, registryTags: (host) => (host === acr.host ? lister : undefined) });
  await server.host.idle();
});

after(async () => {
  await server?.close();
  await github?.close();
  await acr?.close();
});

const route = () => `${server.url}/runtime/webhooks/eventgrid?functionName=registry-push`;
const deliver = (body: string, headers: Record<string, string>) => fetch(route(), { method: 'POST', headers, body });

test('the CloudEvents validation handshake: OPTIONS with WebHook-Request-Origin is allowed', async () => {
  const res = await fetch(route(), { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' } });
  assert.deepEqual([res.status, res.headers.get('webhook-allowed-origin')], [200, 'eventgrid.azure.net']);
});

for (const schema of SCHEMAS) {
  test(`Microsoft's samples of all four ACR event types (${schema}), posted as Event Grid sends them: ImagePushed deploys, the rest are acknowledged and logged by type`, async () => {
    await github.commit(REPO, 'main', { files: { 'dev/hello.yaml': deployment('hello', `${SAMPLE_LOGIN_SERVER}/aci-helloworld:v0`) }, message: 'hello at v0' });
    const seen = log.entries.length;
    for (const type of SAMPLE_TYPES) {
      const res = await deliver(sampleBody(schema, type), deliveryHeaders(schema));
      assert.equal(res.status, 202, `${type}: ${await res.text()}`);
    }
    if (schema === 'cloudevents') {
      // Structured mode: one event as a JSON object, application/cloudevents+json.
      const res = await deliver(JSON.stringify(sampleEvent(schema, 'chart-pushed')), deliveryHeaders(schema, false));
      assert.equal(res.status, 202);
    }
    await server.host.idle();
    assert.match(await file('hello'), new RegExp(`image: ${SAMPLE_LOGIN_SERVER.replaceAll('.', '\\.')}/aci-helloworld:v1`));
    const lines = log.entries.slice(seen);
    for (const type of ['ImageDeleted', 'ChartPushed', 'ChartDeleted']) {
      assert.ok(lines.some((e) => e.event === 'image.ignored' && e.fields.eventType === `Microsoft.ContainerRegistry.${type}`), `${type} logged by name`);
    }
    assert.ok(!lines.some((e) => e.event === 'image.malformed' || e.event === 'host.error'));
  });
}

test('a batch with one malformed event and one good one deploys the good one and logs the wrong field', async () => {
  const good = sampleEvent('cloudevents', 'image-pushed');
  good.id = randomUUID();
  (good.data.target as Record<string, unknown>).tag = 'v2';
  const bad = sampleEvent('cloudevents', 'image-pushed');
  bad.id = 'malformed-in-batch';
  delete (bad.data.target as Record<string, unknown>).digest;
  const res = await deliver(JSON.stringify([bad, good]), deliveryHeaders('cloudevents'));
  assert.equal(res.status, 202, 'the batch is acknowledged: the malformed event would never succeed on a retry');
  await server.host.idle();
  assert.match(await file('hello'), /aci-helloworld:v2/);
  const malformed = log.entries.find((e) => e.event === 'image.malformed' && e.fields.eventId === 'malformed-in-batch');
  assert.match(String(malformed?.fields.result), /data\.target\.digest: /);
});

test('the registry is the topic\'s: an event whose data claims another registry moves only the topic registry\'s images, and an unknown topic moves nothing', async () => {
  const spoofed = sampleEvent('event-grid-schema', 'image-pushed');
  spoofed.id = randomUUID();
  (spoofed.data.request as Record<string, unknown>).host = acr.host;
  (spoofed.data.target as Record<string, unknown>).repository = 'web';
  (spoofed.data.target as Record<string, unknown>).tag = 'master-9';
  assert.equal((await deliver(JSON.stringify([spoofed]), deliveryHeaders('event-grid-schema'))).status, 202);
  const unknown = sampleEvent('cloudevents', 'image-pushed');
  unknown.source = SAMPLE_REGISTRY_ID.replace('/demoregistry', '/attacker');
  (unknown.data.target as Record<string, unknown>).tag = 'v9';
  assert.equal((await deliver(JSON.stringify([unknown]), deliveryHeaders('cloudevents'))).status, 202);
  await server.host.idle();
  assert.match(await file('web'), new RegExp(`/web:master-1\\n`), 'the fake ACR\'s web image did not move');
  assert.doesNotMatch(await file('hello'), /:v9/);
  assert.ok(log.entries.some((e) => e.event === 'image.ignored' && e.level === 'warn' && /registries\/attacker is not in GITOPS_REGISTRY_TOPICS/.test(String(e.fields.result))), 'a warning: an event from a registry the operator did not list');
});

test('a pushed tag the registry does not hold is not committed, and the delivery fails so Event Grid retries; once the tag is there it deploys', async () => {
  const event = { specversion: '1.0', id: randomUUID(), source: FAKE_ACR_ID, type: 'Microsoft.ContainerRegistry.ImagePushed', subject: 'web:master-2', time: new Date().toISOString(), data: { id: randomUUID(), action: 'push', target: { repository: 'web', tag: 'master-2', digest: `sha256:${'ab'.repeat(32)}` } } };
  const head = await github.head(REPO, 'main');
  const first = await deliver(JSON.stringify([event]), deliveryHeaders('cloudevents'));
  assert.equal(first.status, 500, 'failed: Event Grid redelivers it later');
  assert.equal(await github.head(REPO, 'main'), head, 'nothing committed');
  assert.ok(log.entries.some((e) => e.event === 'image.unconfirmed' && /web:master-2 is not in the registry/.test(String(e.fields.result))));
  const digest = acr.push('web', 'master-2');
  const retried = await deliver(JSON.stringify([{ ...event, data: { ...event.data, target: { ...event.data.target, digest } } }]), deliveryHeaders('cloudevents'));
  assert.equal(retried.status, 202);
  await server.host.idle();
  assert.match(await file('web'), /\/web:master-2\n/);
});

test('a regex filter that backtracks exponentially (^(a+)+$) against a long tag answers at once and matches nothing it should not', { timeout: 60_000 }, async () => {
  const event = sampleEvent('cloudevents', 'image-pushed');
  event.id = randomUUID();
  Object.assign(event.data.target as Record<string, unknown>, { repository: 'redos', tag: `${'a'.repeat(34)}-` });
  const res = await deliver(JSON.stringify([event]), deliveryHeaders('cloudevents'));
  assert.equal(res.status, 202);
  const matching = sampleEvent('cloudevents', 'image-pushed');
  matching.id = randomUUID();
  Object.assign(matching.data.target as Record<string, unknown>, { repository: 'redos', tag: 'a'.repeat(127) });
  assert.equal((await deliver(JSON.stringify([matching]), deliveryHeaders('cloudevents'))).status, 202);
  await server.host.idle();
  assert.match(await file('redos'), new RegExp(`/redos:${'a'.repeat(127)}\\n`), 'the tag the filter accepts is taken; the one it rejects is not');
});

test('the ACR classic webhook: another registry\'s secret cannot update this registry\'s images; its own can (queued, then released by the image-release queue)', async () => {
  const digest = acr.push('web', 'master-3');
  const body = JSON.stringify({ id: randomUUID(), timestamp: new Date().toISOString(), action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: 'web', tag: 'master-3', digest }, request: { id: randomUUID(), host: acr.host, method: 'PUT' } });
  const post = (secret: string) => fetch(`${server.url}/api/acr-webhook`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body });
  const foreign = await post(OTHER_SECRET);
  assert.equal(foreign.status, 403);
  assert.match(((await foreign.json()) as { error: string }).error, /the secret is other\.azurecr\.io's, but the event is from 127\.0\.0\.1:\d+/);
  assert.doesNotMatch(await file('web'), /master-3/);
  assert.equal((await post('not-a-secret-of-anyone')).status, 401);
  const own = await post(FAKE_ACR_SECRET);
  assert.equal(own.status, 202, 'verified and queued for release');
  await server.host.idle();
  assert.match(await file('web'), /\/web:master-3\n/);
});
