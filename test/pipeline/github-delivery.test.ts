import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { sign } from '@octokit/webhooks-methods';
import { ConfigError, DEFAULT_CONFIG, type Environment } from '../../shared/config/index.ts';
import { gitHubDeliveryResponse } from '../../shared/app/http-outcomes.ts';
import { handleGitHubDelivery as handle, type DeliveryDeps, type WebhookRequest } from '../../shared/pipeline/github-delivery.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { onPush, type OnPushDeps } from '../../shared/pipeline/on-push.ts';
import { parseSyncJob, type JobQueue, type SyncJob } from '../../shared/pipeline/sync-job.ts';
import { decodeQueueMessage, queueService, StorageJobQueue } from '../../shared/storage/storage-job-queue.ts';
import { DELIVERY_RETENTION_MS } from '../../shared/pipeline/delivery-log.ts';
import { TableDeliveryLog } from '../../shared/storage/table-delivery-log.ts';
import { startAzurite, type Azurite } from '../support/azurite.ts';
import { pushPayload, realExamples, signedDelivery } from '../support/push-payloads.ts';

const SECRET = 'It is a secret to everybody';
let azurite: Azurite;
let queueName: string;
let run = 0;

before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.close();
});

const clustersOf: Record<string, string[]> = { development: ['weekly-46', 'weekly-47'], playground: ['playground-1'], production: ['prod-1', 'prod-2'] };

function deps(overrides: Partial<OnPushDeps> & { secrets?: string[] } = {}) {
  queueName = `sync${++run}`;
  const queue = new StorageJobQueue(queueService({ connectionString: azurite.connectionString }), queueName);
  const log = memoryLogger();
  const pushDeps: OnPushDeps = {
    config: async () => DEFAULT_CONFIG,
    clusters: async (env: Environment) => (clustersOf[env.name] ?? []).map((name) => ({ name })),
    queue,
    deliveries: new TableDeliveryLog(TableClient.fromConnectionString(azurite.connectionString, `deliveries${run}`, { allowInsecureConnection: true }), { retentionMs: DELIVERY_RETENTION_MS }),
    log,
    ...overrides,
  };
  const d: DeliveryDeps = { secrets: overrides.secrets ?? [SECRET], repository: 'equinor/radix-flux', onPush: (p, id, bodyDigest) => onPush(p, { id, bodyDigest }, pushDeps) };
  return { d, log };
}

async function queued(): Promise<SyncJob[]> {
  const q = queueService({ connectionString: azurite.connectionString }).getQueueClient(queueName);
  if (!(await q.exists())) return [];
  const jobs: SyncJob[] = [];
  for (;;) {
    const { receivedMessageItems } = await q.receiveMessages({ numberOfMessages: 32 });
    if (receivedMessageItems.length === 0) return jobs.sort((a, b) => `${a.environment}/${a.cluster}`.localeCompare(`${b.environment}/${b.cluster}`));
    for (const m of receivedMessageItems) {
      jobs.push(parseSyncJob(decodeQueueMessage(m.messageText)));
      await q.deleteMessage(m.messageId, m.popReceipt);
    }
  }
}

/** The delivery's outcome as GitHub sees it (the one mapping in shared/app). */
const handleGitHubDelivery = async (req: WebhookRequest, d: DeliveryDeps) => gitHubDeliveryResponse(await handle(req, d));

const request = (headers: Record<string, string>, body: string): WebhookRequest => ({
  header: (n) => headers[n.toLowerCase()],
  body,
});

test('a signed push becomes one job per affected environment × cluster on the storage queue', async () => {
  const { d } = deps();
  const payload = pushPayload({ branch: 'release', commits: [{ modified: ['production-configs/radix-platform/radix-operator.yaml'] }, { removed: ['production-configs/old.yaml'] }] });
  const { headers, body } = await signedDelivery(payload, { secret: SECRET, delivery: 'd-1' });
  const res = await handleGitHubDelivery(request(headers, body), d);
  assert.equal(res.status, 202);
  assert.deepEqual(res.body.jobs, [
    { environment: 'production', cluster: 'prod-1', full: false, changed: 1, removed: 1 },
    { environment: 'production', cluster: 'prod-2', full: false, changed: 1, removed: 1 },
  ]);
  assert.deepEqual(res.body.unaffected, ['playground']);
  const jobs = await queued();
  assert.deepEqual(jobs.map((j) => [j.environment, j.cluster, j.revision, j.full, j.changed, j.removed, j.trigger]), [
    ['production', 'prod-1', payload.after, false, ['production-configs/radix-platform/radix-operator.yaml'], ['production-configs/old.yaml'], 'd-1'],
    ['production', 'prod-2', payload.after, false, ['production-configs/radix-platform/radix-operator.yaml'], ['production-configs/old.yaml'], 'd-1'],
  ]);
});

test('a redelivered webhook (same X-GitHub-Delivery) enqueues nothing twice', async () => {
  const { d, log } = deps();
  const delivery = await signedDelivery(pushPayload({ commits: [{ added: ['development-configs/a.yaml'] }] }), { secret: SECRET, delivery: 'same-id' });
  const first = await handleGitHubDelivery(request(delivery.headers, delivery.body), d);
  const second = await handleGitHubDelivery(request(delivery.headers, delivery.body), d);
  const [third, fourth] = await Promise.all([handleGitHubDelivery(request(delivery.headers, delivery.body), d), handleGitHubDelivery(request(delivery.headers, delivery.body), d)]);
  assert.equal(first.status, 202);
  for (const r of [second, third, fourth]) assert.deepEqual([r.status, r.body.duplicate], [200, true]);
  assert.equal((await queued()).length, 2, 'two development clusters, once');
  assert.equal(log.entries.filter((e) => e.event === 'push.duplicate').length, 3);
});

test('a forced push and a new branch enqueue full syncs', async () => {
  const { d } = deps({ fullSyncIntervalMs: 0 });
  for (const spec of [{ forced: true }, { created: true }]) {
    const { headers, body } = await signedDelivery(pushPayload({ branch: 'release', ...spec }), { secret: SECRET });
    const res = await handleGitHubDelivery(request(headers, body), d);
    assert.equal(res.status, 202);
  }
  const jobs = await queued();
  assert.equal(jobs.length, 6, '(playground 1 + production 2) × 2 pushes');
  assert.ok(jobs.every((j) => j.full && j.changed.length === 0));
});

test('a signed body replayed under new delivery ids enqueues nothing again (deduplicated by body digest too)', async () => {
  const { d, log } = deps();
  const original = await signedDelivery(pushPayload({ branch: 'release', forced: true }), { secret: SECRET, delivery: 'original-id' });
  assert.equal((await handleGitHubDelivery(request(original.headers, original.body), d)).status, 202);
  for (const id of ['replay-1', 'replay-2', 'replay-3']) {
    const res = await handleGitHubDelivery(request({ ...original.headers, 'x-github-delivery': id }, original.body), d);
    assert.deepEqual([res.status, res.body.duplicate], [200, true], id);
  }
  assert.equal((await queued()).length, 3, 'one full sync of playground (1 cluster) and production (2), not four');
  assert.equal(log.entries.filter((e) => e.event === 'push.duplicate').length, 3);
});

test('full syncs from deliveries are rate-limited per environment: a second one in the interval is left to the reconcile timer', async () => {
  let now = Date.parse('2026-11-30T10:00:05Z');
  const { d, log } = deps({ now: () => now, fullSyncIntervalMs: 60_000 });
  const send = async (spec: object) => {
    const { headers, body } = await signedDelivery(pushPayload(spec), { secret: SECRET });
    return handleGitHubDelivery(request(headers, body), d);
  };
  assert.equal((await send({ branch: 'release', forced: true })).status, 202);
  const second = await send({ branch: 'release', forced: true });
  assert.equal(second.status, 202);
  assert.deepEqual(second.body.jobs, [], 'no job: both environments had a full sync in this interval');
  assert.deepEqual((second.body.deferred as { name: string }[]).map((e) => e.name), ['playground', 'production']);
  assert.equal(log.entries.filter((e) => e.event === 'push.full-sync-deferred').length, 2);
  const incremental = await send({ branch: 'release', commits: [{ modified: ['production-configs/a.yaml'] }] });
  assert.equal((incremental.body.jobs as unknown[]).length, 2, 'incremental syncs are not limited');
  const otherBranch = await send({ branch: 'master', forced: true });
  assert.equal((otherBranch.body.jobs as unknown[]).length, 2, 'another environment has its own limit');
  now += 60_000;
  assert.equal(((await send({ branch: 'release', forced: true })).body.jobs as unknown[]).length, 3, 'the next interval allows one again');
  const jobs = await queued();
  assert.equal(jobs.filter((j) => j.full).length, 3 + 2 + 3);
});

test('GitHub\'s default form-encoded body is accepted', async () => {
  const { d } = deps();
  const { headers, body } = await signedDelivery(pushPayload({ commits: [{ modified: ['development-configs/apps/web.yaml'] }] }), { secret: SECRET, form: true });
  const res = await handleGitHubDelivery(request(headers, body), d);
  assert.equal(res.status, 202);
  assert.equal((await queued()).length, 2);
});

test('without a configured secret every delivery is refused (fail closed)', async () => {
  const { d } = deps({ secrets: [] });
  const { headers, body } = await signedDelivery(pushPayload(), { secret: SECRET });
  const res = await handleGitHubDelivery(request(headers, body), d);
  assert.equal(res.status, 503);
  assert.match(String(res.body.error), /secret not configured/);
  assert.equal((await queued()).length, 0);
});

test('bad signatures are refused and change nothing: wrong secret, tampered body, malformed header, missing header', async () => {
  const { d } = deps();
  const good = await signedDelivery(pushPayload(), { secret: SECRET });
  const wrong = await signedDelivery(pushPayload(), { secret: 'not the secret' });
  const cases: [Record<string, string>, string, number, RegExp][] = [
    [wrong.headers, wrong.body, 401, /signature does not match/],
    [good.headers, good.body.replace('master', 'release'), 401, /signature does not match/],
    [{ ...good.headers, 'x-hub-signature-256': 'sha1=abc' }, good.body, 401, /not a sha256= HMAC/],
    [Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== 'x-hub-signature-256')), good.body, 400, /X-Hub-Signature-256/],
    [Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== 'x-github-delivery')), good.body, 400, /X-GitHub-Delivery/],
  ];
  for (const [headers, body, status, message] of cases) {
    const res = await handleGitHubDelivery(request(headers, body), d);
    assert.equal(res.status, status);
    assert.match(String(res.body.error), message);
  }
  assert.equal((await queued()).length, 0);
});

test('a rotated-out secret still verifies while it is listed second', async () => {
  const { d } = deps({ secrets: ['new secret', SECRET] });
  const { headers, body } = await signedDelivery(pushPayload(), { secret: SECRET });
  assert.equal((await handleGitHubDelivery(request(headers, body), d)).status, 202);
});

test('malformed JSON, a non-object body and missing fields answer 400 naming the problem', async () => {
  const { d } = deps();
  const bad = pushPayload();
  delete bad.after;
  bad.commits[0].added = 'not a list';
  const cases: [string, RegExp][] = [
    ['{"ref": "refs/heads/master", ', /body is not valid JSON/],
    ['[1, 2]', /not a JSON object/],
    [JSON.stringify(bad), /invalid push payload: after: .*commits\.0\.added: /],
  ];
  for (const [text, message] of cases) {
    const { headers } = await signedDelivery({}, { secret: SECRET });
    const res = await handleGitHubDelivery(request({ ...headers, 'x-hub-signature-256': await sign(SECRET, text) }, text), d);
    assert.equal(res.status, 400, text);
    assert.match(String(res.body.error), message);
  }
  assert.equal((await queued()).length, 0);
});

test('ping answers 200; other events, other repositories, tags and deletions answer 202 with the reason', async () => {
  const { d } = deps();
  const ping = realExamples('ping')[0]!;
  const p = await signedDelivery(ping, { secret: SECRET, event: 'ping' });
  assert.deepEqual((await handleGitHubDelivery(request(p.headers, p.body), d)).status, 200);
  const issue = await signedDelivery(realExamples('issues')[0], { secret: SECRET, event: 'issues' });
  const r1 = await handleGitHubDelivery(request(issue.headers, issue.body), d);
  assert.deepEqual([r1.status, r1.body.ignored], [202, 'event issues is not handled (only push, pull_request and ping)']);
  const other = await signedDelivery(pushPayload({ repository: 'someone/else' }), { secret: SECRET });
  const r2 = await handleGitHubDelivery(request(other.headers, other.body), d);
  assert.equal(r2.status, 202);
  assert.match(String(r2.body.ignored), /not the configured repository equinor\/radix-flux/);
  const tag = pushPayload();
  tag.ref = 'refs/tags/v1.0';
  const t = await signedDelivery(tag, { secret: SECRET });
  assert.deepEqual((await handleGitHubDelivery(request(t.headers, t.body), d)).body, { ignored: 'refs/tags/v1.0 is not a branch' });
  const del = await signedDelivery(pushPayload({ deleted: true, after: '0'.repeat(40) }), { secret: SECRET });
  assert.deepEqual((await handleGitHubDelivery(request(del.headers, del.body), d)).body, { ignored: 'branch master was deleted' });
  const ct = await signedDelivery(pushPayload(), { secret: SECRET });
  assert.equal((await handleGitHubDelivery(request({ ...ct.headers, 'content-type': 'text/plain' }, ct.body), d)).status, 415);
  assert.equal((await queued()).length, 0);
});

test('an invalid gitops.yaml at the pushed commit answers 422 and enqueues nothing', async () => {
  const { d, log } = deps({ config: async () => { throw new ConfigError(['gitops.yaml:3: environments.dev.branch: expected a git branch name']); } });
  const { headers, body } = await signedDelivery(pushPayload(), { secret: SECRET });
  const res = await handleGitHubDelivery(request(headers, body), d);
  assert.equal(res.status, 422);
  assert.match(String(res.body.error), /gitops\.yaml:3/);
  assert.equal(log.entries.at(-1)!.event, 'push.config-invalid');
  assert.equal((await queued()).length, 0);
});

test('when enqueueing fails the claim is released, so GitHub\'s redelivery does the work', async () => {
  let fail = true;
  const sent: SyncJob[] = [];
  const flaky: JobQueue = { send: async (j) => { if (fail) throw new Error('queue unavailable'); sent.push(j); } };
  const { d } = deps({ queue: flaky });
  const delivery = await signedDelivery(pushPayload(), { secret: SECRET, delivery: 'retry-me' });
  await assert.rejects(handleGitHubDelivery(request(delivery.headers, delivery.body), d), /failed to enqueue sync jobs/);
  fail = false;
  const res = await handleGitHubDelivery(request(delivery.headers, delivery.body), d);
  assert.equal(res.status, 202);
  assert.equal(sent.length, 2);
});
