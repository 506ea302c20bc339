/**
 * Pull request webhooks: opening, pushing to the head branch (synchronize) and closing send `pull_request`
 * events shaped like GitHub's examples; a fork's pull request names the fork as its head repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setup, FULL } from './test-kit.ts';

type Payload = { action: string; number: number; before?: string; after?: string; pull_request: { state: string; head: { sha: string; ref: string; repo: { full_name: string; fork: boolean } }; base: { ref: string; sha: string } } };

/** Key paths of a JSON value (arrays: their first element). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length ? keyPaths(value[0], `${prefix}[]`) : [];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
}

test('opening a pull request, pushing to its branch and closing it send opened, synchronize and closed events', async () => {
  const { fake } = await setup({ webhook: { capture: true, secret: 's' } });
  try {
    const first = await fake.commit('feature', { files: { 'README.md': '# one\n' } });
    fake.clearDeliveries();
    const number = await fake.openPullRequest({ head: 'feature', base: 'main' });
    const second = await fake.commit('feature', { files: { 'README.md': '# two\n' } });
    await fake.closePullRequest(FULL, number);
    const events = (await fake.deliveries()).filter((d) => d.event === 'pull_request').map((d) => d.payload as Payload);
    assert.deepEqual(events.map((e) => [e.action, e.number, e.pull_request.head.sha]), [['opened', number, first], ['synchronize', number, second], ['closed', number, second]]);
    assert.deepEqual([events[1]!.before, events[1]!.after], [first, second]);
    assert.equal(events[2]!.pull_request.state, 'closed');
    const examples = (createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{ name: string; examples: Record<string, unknown>[] }>).find((e) => e.name === 'pull_request')!.examples;
    const opened = examples.find((e) => e['action'] === 'opened')!;
    const ours = new Set(keyPaths(events[0]));
    const missing = keyPaths(opened).filter((k) => !ours.has(k) && !/^\.(installation|organization|enterprise)/.test(k) && !/\.(license|milestone|assignee|merged_by)\./.test(k) && !/\[\]/.test(k) && !/\.(topics|custom_properties)/.test(k));
    assert.deepEqual(missing.filter((k) => k.split('.').length <= 3), [], 'the top of the payload has every field of GitHub\'s example');
  } finally {
    await fake.close();
  }
});

test('a pull request from a fork names the fork as its head repository', async () => {
  const { fake } = await setup({ webhook: { capture: true } });
  try {
    await fake.commit('fork-change', { files: { 'README.md': '# fork\n' } });
    fake.clearDeliveries();
    await fake.openPullRequest({ head: 'fork-change', base: 'main', fork: 'mallory/config' });
    const deliveries = (await fake.deliveries()).filter((d) => d.event === 'pull_request');
    assert.deepEqual(deliveries.map((d) => d.error), [undefined]);
    const [event] = deliveries.map((d) => d.payload as Payload);
    assert.deepEqual([event!.pull_request.head.repo.full_name, event!.pull_request.head.repo.fork], ['mallory/config', true]);
  } finally {
    await fake.close();
  }
});
