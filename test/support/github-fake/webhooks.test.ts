/**
 * Push webhooks: real-shaped payloads (after @octokit/webhooks-examples) signed with the secret, sent whenever a
 * branch moves through the API or through fake.commit; the standalone payload builder; capture and off modes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '@octokit/webhooks-methods';
import { runningGits } from './git-shim.ts';
import { buildPushPayload, examplePushPayload, webhookRequest, ZERO_SHA, type PushPayload } from './index.ts';
import { setup, REPO, FULL } from './test-kit.ts';
import { startReceiver } from './webhook-receiver.ts';

const SECRET = "It's a Secret to Everybody";

/** Key paths of a JSON value (arrays: their first element). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length ? keyPaths(value[0], `${prefix}[]`) : [];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
}

test('a developer push through fake.commit is delivered as a signed push event', async () => {
  const receiver = await startReceiver();
  const { fake } = await setup({ webhook: { url: receiver.url, secret: SECRET, installationId: 42 } });
  try {
    const before = (await fake.head(FULL, 'main'))!;
    const after = await fake.commit('main', { files: { 'apps/web/deployment.yaml': 'image: web:2\n', 'apps/x.yaml': 'x\n', 'README.md': null }, message: 'Bump web\n\nbody' });
    const [delivery] = await fake.deliveries();
    assert.equal(delivery!.status, 202);
    assert.equal(receiver.received.length, 1);
    const { headers, body } = receiver.received[0]!;
    assert.equal(headers['x-github-event'], 'push');
    assert.match(String(headers['x-github-delivery']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(headers['content-type'], 'application/json');
    assert.match(String(headers['user-agent']), /^GitHub-Hookshot\//);
    assert.ok(await verify(SECRET, body, String(headers['x-hub-signature-256'])));
    assert.equal(await verify('wrong secret', body, String(headers['x-hub-signature-256'])), false);
    const payload = JSON.parse(body) as PushPayload;
    assert.deepEqual([payload.ref, payload.before, payload.after, payload.created, payload.deleted, payload.forced, payload.base_ref],
      ['refs/heads/main', before, after, false, false, false, null]);
    assert.equal(payload.commits.length, 1);
    const c = payload.commits[0]!;
    assert.deepEqual([c.id, c.distinct, c.message, c.added, c.modified, c.removed], [after, true, 'Bump web\n\nbody', ['apps/x.yaml'], ['apps/web/deployment.yaml'], ['README.md']]);
    assert.equal(payload.head_commit!.id, after);
    assert.deepEqual([payload.repository.full_name, payload.repository.name, payload.repository.default_branch, payload.repository.owner['login']], [FULL, 'config', 'main', 'acme']);
    assert.equal(payload.compare, `https://github.com/${FULL}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`);
    const missing = keyPaths(examplePushPayload()).filter((k) => !keyPaths(payload).includes(k));
    assert.deepEqual(missing, [], 'every field of GitHub\'s example push payload is present');
  } finally {
    await fake.close();
    await receiver.close();
  }
});

test('API ref moves send push events: fast-forward, new branch, forced and deleted', async () => {
  const { fake, octokit } = await setup({ webhook: { capture: true, secret: SECRET } });
  try {
    const head = (await fake.head(FULL, 'main'))!;
    await octokit.rest.git.createRef({ ...REPO, ref: 'refs/heads/gitops/web', sha: head });
    const tree = await octokit.rest.git.createTree({ ...REPO, base_tree: head, tree: [{ path: 'w.txt', mode: '100644', type: 'blob', content: 'w\n' }] });
    const next = (await octokit.rest.git.createCommit({ ...REPO, message: 'web 2', tree: tree.data.sha, parents: [head] })).data.sha;
    await octokit.rest.git.updateRef({ ...REPO, ref: 'heads/gitops/web', sha: next });
    await octokit.rest.git.updateRef({ ...REPO, ref: 'heads/gitops/web', sha: head, force: true });
    await octokit.rest.git.deleteRef({ ...REPO, ref: 'heads/gitops/web' });
    const events = (await fake.deliveries()).map((d) => d.payload as PushPayload);
    assert.equal((await fake.deliveries()).every((d) => !d.sent), true, 'captured, not sent');
    assert.deepEqual(events.map((e) => [e.ref, e.before, e.after, e.created, e.forced, e.deleted]), [
      ['refs/heads/gitops/web', ZERO_SHA, head, true, false, false],
      ['refs/heads/gitops/web', head, next, false, false, false],
      ['refs/heads/gitops/web', next, head, false, true, false],
      ['refs/heads/gitops/web', head, ZERO_SHA, false, false, true],
    ]);
    assert.equal(events[0]!.base_ref, 'refs/heads/main');
    assert.equal(events[0]!.compare, `https://github.com/${FULL}/compare/gitops/web`);
    assert.deepEqual(events[0]!.commits, [], 'a new branch at an existing commit has no new commits');
    assert.equal(events[0]!.head_commit!.id, head);
    assert.deepEqual(events[1]!.commits.map((c) => c.id), [next]);
    assert.equal(events[3]!.head_commit, null);
    for (const d of await fake.deliveries()) assert.ok(await verify(SECRET, d.body, d.headers['x-hub-signature-256']!));
  } finally {
    await fake.close();
  }
});

test('the payload builder works for any before/after pair, including forced pushes', async () => {
  const { fake } = await setup({ repos: [{ fullName: FULL, files: { 'a.txt': 'a\n' }, branches: ['main', 'other'] }] });
  try {
    const base = (await fake.head(FULL, 'main'))!;
    const one = await fake.commit(FULL, 'main', { files: { 'b.txt': 'b\n' } });
    const two = await fake.commit(FULL, 'main', { files: { 'c.txt': 'c\n' } });
    const side = await fake.commit(FULL, 'other', { files: { 'd.txt': 'd\n' } });
    const gitDir = fake.gitDir(FULL);
    const running = runningGits();
    const ff = await buildPushPayload({ gitDir, fullName: FULL, ref: 'refs/heads/main', before: base, after: two });
    assert.deepEqual(ff.commits.map((c) => [c.id, c.added]), [[one, ['b.txt']], [two, ['c.txt']]]);
    assert.equal(ff.forced, false);
    const forced = await buildPushPayload({ gitDir, fullName: FULL, ref: 'refs/heads/main', before: two, after: side });
    assert.equal(forced.forced, true);
    assert.deepEqual(forced.commits.map((c) => [c.id, c.distinct]), [[side, false]], 'a commit already on another branch is not distinct');
    const fresh = await buildPushPayload({ gitDir, fullName: FULL, ref: 'refs/heads/new', before: ZERO_SHA, after: two, pusher: 'dev' });
    assert.deepEqual([fresh.created, fresh.base_ref, fresh.pusher.name, fresh.sender['login']], [true, 'refs/heads/main', 'dev', 'dev']);
    assert.deepEqual(runningGits(), running, 'a builder given only a git directory ends the reader it started');
    const { headers, body } = await webhookRequest('push', ff, SECRET);
    assert.ok(await verify(SECRET, body, headers['x-hub-signature-256']!));
  } finally {
    await fake.close();
  }
});

test('webhook delivery can be turned off at run time', async () => {
  const receiver = await startReceiver();
  const { fake } = await setup({ webhook: { url: receiver.url, secret: SECRET } });
  try {
    fake.setWebhook(null);
    await fake.commit('main', { files: { 'x.txt': 'x\n' } });
    assert.deepEqual(await fake.deliveries(), []);
    fake.setWebhook({ url: receiver.url });
    await fake.commit('main', { files: { 'y.txt': 'y\n' } });
    const [d] = await fake.deliveries();
    assert.equal(d!.status, 202);
    assert.equal(receiver.received[0]!.headers['x-hub-signature-256'], undefined, 'no secret, no signature');
  } finally {
    await fake.close();
    await receiver.close();
  }
});
