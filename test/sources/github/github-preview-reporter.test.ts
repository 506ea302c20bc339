/**
 * Previews reported on the GitHub fake: as an App, one check run per environment and head (annotations in
 * batches of 50, never duplicated when the head is previewed again); with a token, a commit status and one
 * comment per environment, edited by later pushes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createGitHubClient } from '../../../shared/sources/github/create-github-client.ts';
import { commentMarker, GitHubPreviewReporter } from '../../../shared/sources/github/github-preview-reporter.ts';
import { compareBuilds, type EnvironmentPreview } from '../../../shared/preview/index.ts';
import { startGitHubFake } from '../../support/github-fake/index.ts';

const REPO = 'acme/config';
const TOKEN = 'ghp_reporter';

function preview(head: string, errors: number): EnvironmentPreview {
  const list = Array.from({ length: errors }, (_, i) => ({ file: `dev/f${i}.yaml`, line: i + 1, message: `problem ${i}` }));
  return compareBuilds({ environment: 'dev', branch: 'main', path: 'dev', baseRevision: 'a'.repeat(40), headRevision: head }, [{ clusters: ['c1'], variables: [], base: { resources: [], errors: [], warnings: [] }, head: { resources: [], errors: list, warnings: [] } }]);
}

test('as a GitHub App: one check run per head, 120 annotations in batches of 50, none duplicated on a second report', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'dev/a.yaml': 'a: 1\n' } }], token: TOKEN, app: { id: 11, installationId: 22, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  try {
    const client = createGitHubClient({ repository: REPO, baseUrl: fake.url, auth: { appId: 11, installationId: 22, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, writeIntervalMs: 0 });
    const reporter = new GitHubPreviewReporter(client, 'checks');
    const head = (await fake.head(REPO, 'main'))!;
    const target = { environment: 'dev', number: 1, headSha: head };
    await reporter.started(target);
    await reporter.report(target, preview(head, 120));
    await reporter.report(target, preview(head, 120));
    const runs = fake.checkRuns(REPO, head);
    assert.equal(runs.length, 1);
    assert.deepEqual([runs[0]!.name, runs[0]!.status, runs[0]!.conclusion], ['gitops/dev', 'completed', 'failure']);
    assert.equal(runs[0]!.annotations.length, 120);
    assert.equal(fake.requests().filter((r) => r.route === 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}').length, 4, '3 to send 120 annotations, 1 for the second report');
    assert.equal(runs[0]!.output.title, 'dev: no changes, 120 build errors');
  } finally {
    await fake.close();
  }
});

test('with a token: a commit status per head and one comment per environment, edited by a later push', async () => {
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'dev/a.yaml': 'a: 1\n' } }], token: TOKEN });
  try {
    const client = createGitHubClient({ repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0 });
    const reporter = new GitHubPreviewReporter(client, 'comment');
    const first = await fake.commit('feature', { files: { 'dev/a.yaml': 'a: 2\n' } });
    const number = await fake.openPullRequest({ head: 'feature', base: 'main' });
    assert.equal(await reporter.currentHead(number), first);
    await reporter.started({ environment: 'dev', number, headSha: first });
    await reporter.report({ environment: 'dev', number, headSha: first }, preview(first, 1));
    const second = await fake.commit('feature', { files: { 'dev/a.yaml': 'a: 3\n' } });
    assert.equal(await reporter.currentHead(number), second);
    await reporter.report({ environment: 'dev', number, headSha: second }, preview(second, 0));
    await reporter.report({ environment: 'qa', number, headSha: second }, { ...preview(second, 0), environment: 'qa' });
    const comments = fake.comments(REPO, number);
    assert.equal(comments.length, 2, 'one comment per environment, never one per push');
    const dev = comments.find((c) => c.body.startsWith(commentMarker('dev')))!;
    assert.match(dev.body, new RegExp(`Preview of gitops/dev at ${second.slice(0, 7)}: builds`));
    assert.doesNotMatch(dev.body, /problem 0/, 'the later push replaced the earlier result');
    assert.deepEqual(fake.statuses(REPO, first).map((s) => [s.context, s.state]).sort(), [['gitops/dev', 'failure'], ['gitops/dev', 'pending']]);
    assert.deepEqual(fake.statuses(REPO, second).map((s) => [s.context, s.state]).sort(), [['gitops/dev', 'success'], ['gitops/qa', 'success']]);
    await fake.closePullRequest(REPO, number);
    assert.equal(await reporter.currentHead(number), undefined);
  } finally {
    await fake.close();
  }
});
