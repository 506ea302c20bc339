/**
 * The Azure Functions entry points as the host calls them (HttpRequest / InvocationContext are public for
 * testing), with app settings from process.env, against the GitHub fake, Azurite and a Kubernetes fake.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import functions from '@azure/functions';
import { sign } from '@octokit/webhooks-methods';
import { decodeQueueMessage, queueService } from '../../shared/storage/storage-job-queue.ts';
import { startAzurite, type Azurite } from '../support/azurite.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { startAcrFake, type AcrFake } from '../support/acr-fake/index.ts';
import { setRuntimeParts } from '../../functions/runtime.ts';
import { SAMPLE_LOGIN_SERVER, SAMPLE_REGISTRY_ID, SAMPLE_TYPES, SCHEMAS, sampleEvent } from '../support/registry-samples.ts';

const { HttpRequest, InvocationContext } = functions;
const REPO = 'acme/config';
const RADIXPROD = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod/providers/Microsoft.ContainerRegistry/registries/radixprod';
const hello = (tag: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\n  namespace: default\n  annotations:\n    fluxcd.io/automated: "true"\nspec:\n  selector:\n    matchLabels: {app: hello}\n  template:\n    metadata:\n      labels: {app: hello}\n    spec:\n      containers:\n        - name: hello\n          image: demoregistry.azurecr.io/aci-helloworld:${tag}\n`;
const SECRET = 'functions secret';
const ACR_SECRET = 'functions acr webhook secret';
let azurite: Azurite;
let github: Awaited<ReturnType<typeof startGitHubFake>>;
let kube: KubeFake;
let acr: AcrFake;
const logs: string[] = [];
const context = (name: string) => new InvocationContext({ functionName: name, invocationId: randomUUID(), logHandler: (_level, ...args) => void logs.push(args.map(String).join(' ')) });

before(async () => {
  azurite = await startAzurite();
  kube = await startKubeFake({ name: 'prod-1' });
  // The registries the images are confirmed in before a commit (ACR with the identity): the ACR fake stands in.
  acr = await startAcrFake();
  acr.push('app', 'release-2');
  acr.push('aci-helloworld', 'v1');
  setRuntimeParts({ credential: acr.credential, acrOptions: () => ({ endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca }, retryOptions: { maxRetries: 0 } } }) });
  github = await startGitHubFake({
    repos: [{ fullName: REPO, branches: ['main'], files: { 'prod/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  image: radixprod.azurecr.io/app:release-1\n', 'prod/app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: default\n  annotations:\n    fluxcd.io/automated: "true"\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n        - name: app\n          image: radixprod.azurecr.io/app:release-1\n' } }],
    token: 'ghs_functions',
  });
});
after(async () => {
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await github?.close();
  await kube?.close();
  await acr?.close();
  await azurite?.close();
});

const SETTING_NAMES = ['GITHUB_REPOSITORY', 'GITHUB_TOKEN', 'GITHUB_API_URL', 'GITHUB_WEBHOOK_SECRET', 'AzureWebJobsStorage', 'GITOPS_CONFIG', 'GITOPS_REGISTRY_TOPICS', 'ACR_WEBHOOK_SECRETS'] as const;
/** The settings as they were before this file set them (restored after its tests). */
const savedEnv: Record<string, string | undefined> = Object.fromEntries(SETTING_NAMES.map((k) => [k, process.env[k]]));

function useSettings(): void {
  Object.assign(process.env, {
    GITHUB_REPOSITORY: REPO,
    GITHUB_TOKEN: 'ghs_functions',
    GITHUB_API_URL: github.url,
    GITHUB_WEBHOOK_SECRET: SECRET,
    AzureWebJobsStorage: azurite.connectionString,
    GITOPS_CONFIG: `environments:\n  production:\n    branch: main\n    path: prod\n    clusters:\n      static: [{ name: prod-1, server: "${kube.url}", auth: none }]\n    registries: [radixprod.azurecr.io, demoregistry.azurecr.io]\n`,
    GITOPS_REGISTRY_TOPICS: JSON.stringify({ [RADIXPROD]: 'radixprod.azurecr.io', [SAMPLE_REGISTRY_ID]: SAMPLE_LOGIN_SERVER }),
    ACR_WEBHOOK_SECRETS: JSON.stringify({ 'radixprod.azurecr.io': ACR_SECRET }),
  });
}

test('importing the entry point registers all nine triggers (test mode outside the host names each one)', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  await import('../../functions/index.ts');
  const registered = warn.mock.calls.flatMap((c) => [...String(c.arguments[0]).matchAll(/register function "([a-z-]+)"/g)].map((m) => m[1])).sort();
  assert.deepEqual(registered, ['acr-webhook', 'github-webhook', 'health-check', 'image-release', 'image-scan', 'preview', 'reconcile', 'registry-push', 'sync-cluster']);
});

test('a missing setting fails the invocation with a message naming it', async () => {
  for (const key of SETTING_NAMES) delete process.env[key];
  const { githubWebhookHandler } = await import('../../functions/github-webhook.ts');
  const req = new HttpRequest({ method: 'POST', url: 'http://localhost/api/github-webhook', body: { string: '{}' }, headers: {} });
  await assert.rejects(githubWebhookHandler(req, context('github-webhook')), /setting GITHUB_REPOSITORY: required in Azure/);
});

test('github-webhook: a signed push becomes a job on the storage queue', async () => {
  useSettings();
  const { githubWebhookHandler } = await import('../../functions/github-webhook.ts');
  const head = (await github.head(REPO, 'main'))!;
  const body = JSON.stringify({ ref: 'refs/heads/main', before: '1'.repeat(40), after: head, created: false, deleted: false, forced: false, commits: [{ id: head, added: [], removed: [], modified: ['prod/app.yaml'] }], repository: { full_name: REPO } });
  const req = new HttpRequest({ method: 'POST', url: 'http://localhost/api/github-webhook', body: { string: body }, headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await sign(SECRET, body) } });
  const res = await githubWebhookHandler(req, context('github-webhook'));
  assert.equal(res.status, 202, JSON.stringify(res.jsonBody));
  const q = queueService({ connectionString: azurite.connectionString }).getQueueClient('sync');
  const { receivedMessageItems } = await q.receiveMessages();
  assert.deepEqual(receivedMessageItems.map((m) => { const j = decodeQueueMessage(m.messageText) as { environment: string; cluster: string; revision: string }; return [j.environment, j.cluster, j.revision]; }), [['production', 'prod-1', head]]);
  for (const m of receivedMessageItems) await q.deleteMessage(m.messageId, m.popReceipt);
  assert.ok(logs.some((l) => l.includes('"event":"push.job"') && l.includes('"cluster":"prod-1"')), 'one structured log line per decision');
});

test('sync-cluster: a queue message applies HEAD to the cluster and reports a commit status', async () => {
  useSettings();
  const { syncClusterHandler } = await import('../../functions/sync-cluster.ts');
  await syncClusterHandler({ v: 1, environment: 'production', cluster: 'prod-1', reason: 'push', full: false, changed: [], removed: [] }, context('sync-cluster'));
  assert.equal((kube.get('apps/v1', 'Deployment', 'default', 'app') as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]!.image, 'radixprod.azurecr.io/app:release-1');
  const statuses = github.statuses(REPO, (await github.head(REPO, 'main'))!);
  assert.ok(statuses.some((s: { context: string; state: string }) => s.context === 'gitops/production/prod-1' && s.state === 'success'), JSON.stringify(statuses));
  await assert.rejects(syncClusterHandler({ v: 1, environment: 'production' }, context('sync-cluster')), /invalid sync job: cluster: /);
});

test('registry-push: an ImagePushed event commits the update through GitHub; a malformed one is logged and dropped', async () => {
  useSettings();
  const { registryPushHandler } = await import('../../functions/registry-push.ts');
  const before = (await github.head(REPO, 'main'));
  const event = { id: randomUUID(), topic: RADIXPROD, subject: 'app:release-2', eventType: 'Microsoft.ContainerRegistry.ImagePushed', eventTime: new Date().toISOString(), dataVersion: '1.0', metadataVersion: '1', data: { action: 'push', target: { repository: 'app', tag: 'release-2', digest: `sha256:${'d'.repeat(64)}` }, request: { host: 'radixprod.azurecr.io' } } };
  await registryPushHandler(event as never, context('registry-push'));
  assert.notEqual((await github.head(REPO, 'main')), before);
  assert.match((await github.readFile(REPO, 'main', 'prod/app.yaml')) ?? '', /app:release-2/);
  assert.match((await github.readFile(REPO, 'main', 'prod/cm.yaml')) ?? '', /app:release-1/, 'a ConfigMap value is not an image');
  const head = await github.head(REPO, 'main');
  await registryPushHandler({ ...event, id: 'malformed-1', data: { action: 'push' } } as never, context('registry-push'));
  assert.equal(await github.head(REPO, 'main'), head, 'nothing written');
  assert.ok(logs.some((l) => l.includes('"event":"image.malformed"') && l.includes('malformed-1') && l.includes('data.target: ')), 'the log names the event and the wrong field');
});

for (const schema of SCHEMAS) {
  test(`registry-push: Microsoft's samples of the four ACR event types (${schema}): ImagePushed deploys, the others are acknowledged and logged by type`, async () => {
    useSettings();
    const { registryPushHandler } = await import('../../functions/registry-push.ts');
    await github.commit(REPO, 'main', { files: { 'prod/hello.yaml': hello('v0') }, message: 'hello back to v0' });
    const before = await github.head(REPO, 'main');
    const seen = logs.length;
    for (const type of SAMPLE_TYPES) await registryPushHandler(sampleEvent(schema, type) as never, context('registry-push'));
    assert.notEqual(await github.head(REPO, 'main'), before, 'ImagePushed committed');
    assert.match((await github.readFile(REPO, 'main', 'prod/hello.yaml')) ?? '', /image: demoregistry\.azurecr\.io\/aci-helloworld:v1/);
    const lines = logs.slice(seen);
    for (const type of ['ImageDeleted', 'ChartPushed', 'ChartDeleted']) {
      assert.ok(lines.some((l) => l.includes('"event":"image.ignored"') && l.includes(`"eventType":"Microsoft.ContainerRegistry.${type}"`)), `${type} is logged by name`);
    }
    assert.ok(!lines.some((l) => l.includes('image.malformed')), 'no sample is malformed (ChartDeleted\'s "019-03-12" time included)');
  });
}

test('registry-push: a pushed tag the registry does not hold is not committed, and the invocation fails so Event Grid retries', async () => {
  useSettings();
  const { registryPushHandler } = await import('../../functions/registry-push.ts');
  const head = await github.head(REPO, 'main');
  const forged = { specversion: '1.0', id: randomUUID(), source: RADIXPROD, type: 'Microsoft.ContainerRegistry.ImagePushed', time: new Date().toISOString(), data: { action: 'push', target: { repository: 'app', tag: 'release-99', digest: `sha256:${'f'.repeat(64)}` } } };
  await assert.rejects(registryPushHandler(forged as never, context('registry-push')), /radixprod\.azurecr\.io\/app:release-99 is not in the registry/);
  assert.equal(await github.head(REPO, 'main'), head);
});

test('acr-webhook: a verified push is queued and answered 202; the image-release trigger commits it, and fails (so the queue retries) for a tag the registry does not hold, logging image.poisoned on the last delivery', async () => {
  useSettings();
  const { acrWebhookHandler } = await import('../../functions/acr-webhook.ts');
  const { imageReleaseHandler } = await import('../../functions/image-release.ts');
  const digest = acr.push('app', 'release-3');
  const post = (tag: string, d: string) => {
    const body = JSON.stringify({ id: randomUUID(), timestamp: new Date().toISOString(), action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: 'app', tag, digest: d }, request: { id: randomUUID(), host: 'radixprod.azurecr.io', method: 'PUT' } });
    return acrWebhookHandler(new HttpRequest({ method: 'POST', url: 'http://localhost/api/acr-webhook', body: { string: body }, headers: { 'content-type': 'application/json', authorization: `Bearer ${ACR_SECRET}` } }), context('acr-webhook'));
  };
  const q = queueService({ connectionString: azurite.connectionString }).getQueueClient('image-release');
  const take = async () => {
    const { receivedMessageItems: [m] } = await q.receiveMessages();
    assert.ok(m, 'a message on the image-release queue');
    await q.deleteMessage(m.messageId, m.popReceipt);
    return decodeQueueMessage(m.messageText);
  };
  const head = await github.head(REPO, 'main');
  const res = await post('release-3', digest);
  assert.equal(res.status, 202, JSON.stringify(res.jsonBody));
  assert.deepEqual(res.jsonBody, { queued: { id: (res.jsonBody as { queued: { id: string } }).queued.id, image: 'radixprod.azurecr.io/app:release-3', digest } });
  assert.equal(await github.head(REPO, 'main'), head, 'nothing is written in the request');
  await imageReleaseHandler(await take(), context('image-release'));
  assert.match((await github.readFile(REPO, 'main', 'prod/app.yaml')) ?? '', /app:release-3/);

  const forged = await post('release-98', `sha256:${'e'.repeat(64)}`);
  assert.equal(forged.status, 202);
  const message = await take();
  const seen = logs.length;
  const delivery = (dequeueCount: number) => new InvocationContext({ functionName: 'image-release', invocationId: randomUUID(), triggerMetadata: { dequeueCount }, logHandler: (_level, ...args) => void logs.push(args.map(String).join(' ')) });
  await assert.rejects(imageReleaseHandler(message, delivery(1)), /radixprod\.azurecr\.io\/app:release-98 is not in the registry/);
  await assert.rejects(imageReleaseHandler(message, delivery(5)), /release-98 is not in the registry/);
  const lines = logs.slice(seen);
  assert.ok(lines.some((l) => l.includes('"event":"image.retry"') && l.includes('delivery 1 of 5')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('"event":"image.poisoned"') && l.includes('delivery 5 of 5') && l.includes('app:release-98')), lines.join('\n'));
  assert.doesNotMatch((await github.readFile(REPO, 'main', 'prod/app.yaml')) ?? '', /release-98/);
});

test('preview: a signed pull_request becomes a job on the preview queue, whose trigger reports the preview on the pull request', async () => {
  useSettings();
  const { githubWebhookHandler } = await import('../../functions/github-webhook.ts');
  const { previewHandler } = await import('../../functions/preview.ts');
  const head = await github.commit(REPO, 'tune', { files: { 'prod/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  image: radixprod.azurecr.io/app:release-1\n  level: "2"\n' } });
  const number = await github.openPullRequest({ head: 'tune', base: 'main' });
  const body = JSON.stringify(await github.state.pullRequestPayload!(github.state.repo(REPO), number, 'opened', {}));
  const req = new HttpRequest({ method: 'POST', url: 'http://localhost/api/github-webhook', body: { string: body }, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await sign(SECRET, body) } });
  const res = await githubWebhookHandler(req, context('github-webhook'));
  assert.equal(res.status, 202, JSON.stringify(res.jsonBody));
  const q = queueService({ connectionString: azurite.connectionString }).getQueueClient('preview');
  const { receivedMessageItems: [message] } = await q.receiveMessages();
  assert.ok(message, 'a message on the preview queue');
  await q.deleteMessage(message.messageId, message.popReceipt);
  await previewHandler(decodeQueueMessage(message.messageText), context('preview'));
  const comments = github.comments(REPO, number);
  assert.equal(comments.length, 1);
  assert.match(comments[0]!.body, /\| default\\:configmap\/settings \| changed \| data\.level \|/);
  assert.deepEqual(github.statuses(REPO, head).map((s) => [s.context, s.state]).sort(), [['gitops/production', 'pending'], ['gitops/production', 'success']]);
});
