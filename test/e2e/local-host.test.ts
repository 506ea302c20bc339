/**
 * End to end: the local host (the Function App's handlers, queue worker on Azurite) with the GitHub fake
 * sending real signed webhooks, and three Kubernetes fakes reached through kubeconfig contexts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadSettings } from '../../shared/config/settings.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startLocalServer, type LocalServer } from '../../cli/host/start-local.ts';
import { startAzurite, type Azurite } from '../support/azurite.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { webManifest } from './web-manifest.ts';

const REPO = 'acme/config';
const TOKEN = 'ghs_e2e-token';
const SECRET = 'e2e webhook secret';
const RADIXDEV = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/common/providers/Microsoft.ContainerRegistry/registries/radixdev';
const deployment = webManifest;

const ACR_SECRET = 'local host acr webhook secret';
let azurite: Azurite;
let github: Awaited<ReturnType<typeof startGitHubFake>>;
const clusters: KubeFake[] = [];
let server: LocalServer;
const log = memoryLogger();

before(async () => {
  azurite = await startAzurite();
  for (let i = 1; i <= 3; i++) clusters.push(await startKubeFake({ name: `weekly-${i}`, token: `token-${i}` }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-e2e-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: clusters.map((c, i) => ({ name: `weekly-${i + 1}`, cluster: { server: c.url } })),
      users: clusters.map((_, i) => ({ name: `user-${i + 1}`, user: { token: `token-${i + 1}` } })),
      contexts: clusters.map((_, i) => ({ name: `weekly-${i + 1}`, context: { cluster: `weekly-${i + 1}`, user: `user-${i + 1}` } })),
      'current-context': 'weekly-1',
    }),
  );
  github = await startGitHubFake({
    repos: [
      {
        fullName: REPO,
        branches: ['main'],
        files: {
          'gitops.yaml': `repository: ${REPO}\nenvironments:\n  development:\n    branch: main\n    path: development-configs\n    clusters:\n      kubeconfig: { contexts: "weekly-*" }\n    registries: [radixdev.azurecr.io]\n`,
          'development-configs/web.yaml': deployment('master-1'),
        },
      },
    ],
    token: TOKEN,
  });
  const env = { GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_WEBHOOK_SECRET: SECRET, AzureWebJobsStorage: azurite.connectionString, KUBECONFIG: kubeconfig, GITOPS_REGISTRY_TOPICS: JSON.stringify({ [RADIXDEV]: 'radixdev.azurecr.io' }), ACR_WEBHOOK_SECRETS: JSON.stringify({ 'radixdev.azurecr.io': ACR_SECRET }) };
  server = await startLocalServer({ settings: loadSettings(env), env, workDir: path.join(dir, 'work'), port: 0, reconcileSeconds: 3600, log });
  github.setWebhook({ url: `${server.url}/api/github-webhook`, secret: SECRET });
  await server.host.idle();
});

after(async () => {
  await server?.close();
  await github?.close();
  await Promise.all(clusters.map((c) => c.close()));
  await azurite?.close();
});

const imageOn = (c: KubeFake) => (c.get('apps/v1', 'Deployment', 'web', 'web') as { spec?: { template?: { spec?: { containers?: { image: string }[] } } } } | undefined)?.spec?.template?.spec?.containers?.[0]?.image;
const replicasOn = (c: KubeFake) => (c.get('apps/v1', 'Deployment', 'web', 'web') as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;
async function settle(): Promise<void> {
  await github.deliveries();
  await server.host.idle(60_000);
}

test('the host starts with every cluster of the environment at HEAD (new clusters get everything)', () => {
  for (const c of clusters) assert.equal(imageOn(c), 'radixdev.azurecr.io/web:master-1', c.name);
});

test('a signed push is applied to every cluster of its environment', async () => {
  await github.commit(REPO, 'main', { files: { 'development-configs/web.yaml': deployment('master-1', 2) }, message: 'Scale web' });
  await settle();
  const delivery = (await github.deliveries()).at(-1)!;
  assert.equal(delivery.status, 202);
  for (const c of clusters) assert.equal(replicasOn(c), 2, c.name);
});

test('an ImagePushed event becomes a commit, whose push webhook applies it to every cluster', async () => {
  const before = (await github.head(REPO, 'main'));
  const event = {
    id: randomUUID(), topic: RADIXDEV, eventType: 'Microsoft.ContainerRegistry.ImagePushed', subject: 'web:master-2', eventTime: new Date().toISOString(), dataVersion: '1.0', metadataVersion: '1',
    data: { id: randomUUID(), timestamp: new Date().toISOString(), action: 'push', target: { digest: `sha256:${'c'.repeat(64)}`, repository: 'web', tag: 'master-2' }, request: { host: 'radixdev.azurecr.io' } },
  };
  const res = await fetch(`${server.url}/runtime/webhooks/eventgrid?functionName=registry-push`, { method: 'POST', headers: { 'aeg-event-type': 'Notification', 'content-type': 'application/json' }, body: JSON.stringify([event]) });
  assert.equal(res.status, 202);
  await settle();
  assert.notEqual((await github.head(REPO, 'main')), before);
  assert.match((await github.readFile(REPO, 'main', 'development-configs/web.yaml')) ?? '', /image: radixdev\.azurecr\.io\/web:master-2/);
  for (const c of clusters) assert.equal(imageOn(c), 'radixdev.azurecr.io/web:master-2', c.name);
});

test('the same push delivered twice, and an old signed push replayed under a new delivery id, change nothing', async () => {
  const deliveries = (await github.deliveries()).filter((d) => d.event === 'push');
  const oldest = deliveries[0]!;
  const newest = deliveries.at(-1)!;
  const again = await fetch(`${server.url}/api/github-webhook`, { method: 'POST', headers: newest.headers, body: newest.body });
  assert.deepEqual([again.status, ((await again.json()) as { duplicate?: boolean }).duplicate], [200, true]);
  const jobsBefore = log.entries.filter((e) => e.event === 'push.job').length;
  for (let i = 0; i < 3; i++) {
    const replay = await fetch(`${server.url}/api/github-webhook`, { method: 'POST', headers: { ...oldest.headers, 'x-github-delivery': randomUUID() }, body: oldest.body });
    assert.deepEqual([replay.status, ((await replay.json()) as { duplicate?: boolean }).duplicate], [200, true], 'the signed body was seen: a replay under a new id is a duplicate');
  }
  assert.equal(log.entries.filter((e) => e.event === 'push.job').length, jobsBefore, 'no job enqueued by the replays');
  await server.host.idle(60_000);
  for (const c of clusters) {
    assert.equal(imageOn(c), 'radixdev.azurecr.io/web:master-2', `${c.name} not rolled back`);
    assert.equal(replicasOn(c), 2, c.name);
  }
});

test('a cluster that is down is retried while the others finish, then catches up', async () => {
  const down = clusters[2]!;
  await down.setDown(true);
  await github.commit(REPO, 'main', { files: { 'development-configs/web.yaml': deployment('master-2', 4) }, message: 'Scale web to 4' });
  await github.deliveries();
  const deadline = Date.now() + 30_000;
  while ((replicasOn(clusters[0]!) !== 4 || replicasOn(clusters[1]!) !== 4) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(replicasOn(clusters[0]!), 4);
  assert.equal(replicasOn(clusters[1]!), 4);
  assert.equal(replicasOn(down), 2, 'the down cluster has not been reached yet');
  while (!log.entries.some((e) => e.event === 'sync.retry') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(log.entries.some((e) => e.event === 'sync.retry' && /weekly-3/.test(String(e.fields.result))), 'the down cluster\'s job failed and was left on the queue for a retry');
  await down.setDown(false);
  await server.host.idle(60_000);
  assert.equal(replicasOn(down), 4, 'retried from the queue once it came back');
});

test('a bad signature changes nothing', async () => {
  const head = (await github.head(REPO, 'main'));
  const requestsBefore = clusters.map((c) => c.requestCount().total);
  const body = JSON.stringify({ ref: 'refs/heads/main', before: head, after: head, created: false, deleted: false, forced: true, commits: [], repository: { full_name: REPO } });
  const res = await fetch(`${server.url}/api/github-webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, body });
  assert.equal(res.status, 401);
  await server.host.idle(10_000);
  assert.deepEqual(clusters.map((c) => c.requestCount().total), requestsBefore, 'no cluster was contacted');
});

test('an ACR classic webhook is answered 202 once queued; the image-release queue on Azurite releases it, and its push reaches every cluster', async () => {
  const body = JSON.stringify({ id: randomUUID(), timestamp: new Date().toISOString(), action: 'push', target: { digest: `sha256:${'d'.repeat(64)}`, repository: 'web', tag: 'master-3' }, request: { id: randomUUID(), host: 'radixdev.azurecr.io', method: 'PUT' } });
  const res = await fetch(`${server.url}/api/acr-webhook`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ACR_SECRET}` }, body });
  assert.equal(res.status, 202);
  assert.deepEqual(((await res.json()) as { queued: { image: string } }).queued.image, 'radixdev.azurecr.io/web:master-3');
  await server.host.idle(60_000);
  await settle();
  assert.match((await github.readFile(REPO, 'main', 'development-configs/web.yaml')) ?? '', /image: radixdev\.azurecr\.io\/web:master-3/);
  for (const c of clusters) assert.equal(imageOn(c), 'radixdev.azurecr.io/web:master-3', c.name);
});
