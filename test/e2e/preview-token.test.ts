/**
 * Pull-request previews with token authentication (no Checks API), end to end through the local host and the
 * GitHub fake: a commit status per environment on each head and ONE comment per environment, which a
 * synchronize push edits in place.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../shared/config/settings.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startLocalServer, type LocalServer } from '../../cli/host/start-local.ts';
import { startGitHubFake, type GitHubFake } from '../support/github-fake/index.ts';

const REPO = 'acme/config';
const TOKEN = 'ghp_preview-token';
const SECRET = 'token preview secret';
const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: web\ndata:\n  level: "${v}"\n`;

let github: GitHubFake;
let server: LocalServer;

before(async () => {
  github = await startGitHubFake({ repos: [{ fullName: REPO, branches: ['main'], files: { 'dev/settings.yaml': cm('1') } }], token: TOKEN });
  const env = {
    GITHUB_REPOSITORY: REPO, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, GITHUB_WEBHOOK_SECRET: SECRET,
    GITOPS_CONFIG: `repository: ${REPO}\nenvironments:\n  dev: { branch: main, path: dev, clusters: { kubeconfig: { path: /nonexistent, contexts: "none-*" } } }\n`,
  };
  server = await startLocalServer({ settings: loadSettings(env), env, workDir: path.join(mkdtempSync(path.join(os.tmpdir(), 'gitops-preview-token-')), 'work'), port: 0, reconcileSeconds: 3600, log: memoryLogger() });
  await server.host.idle();
  github.setWebhook({ url: `${server.url}/api/github-webhook`, secret: SECRET });
});

after(async () => {
  await server?.close();
  await github?.close();
});

test('with a token, a synchronize push edits the one preview comment and each head gets its own status', async () => {
  const first = await github.commit(REPO, 'tune', { files: { 'dev/settings.yaml': cm('2') } });
  const number = await github.openPullRequest({ head: 'tune', base: 'main' });
  await github.deliveries();
  await server.host.idle(60_000);
  const [comment] = github.comments(REPO, number);
  assert.ok(comment, 'a preview comment');
  assert.match(comment.body, new RegExp(`^<!-- serverless-gitops preview: dev -->\\n### Preview of gitops/dev at ${first.slice(0, 7)}: builds`));
  assert.match(comment.body, /\| web\\:configmap\/settings \| changed \| data\.level \|/);
  assert.deepEqual(github.statuses(REPO, first).map((s) => [s.context, s.state]).sort(), [['gitops/dev', 'pending'], ['gitops/dev', 'success']]);

  const second = await github.commit(REPO, 'tune', { files: { 'dev/settings.yaml': cm('3'), 'dev/broken.yaml': 'kind: ConfigMap\nmetadata:\n  name: a: b\n' } });
  await github.deliveries();
  await server.host.idle(60_000);
  const comments = github.comments(REPO, number);
  assert.equal(comments.length, 1, 'the same comment, edited');
  assert.equal(comments[0]!.id, comment.id);
  assert.match(comments[0]!.body, new RegExp(`Preview of gitops/dev at ${second.slice(0, 7)}: fails`));
  assert.match(comments[0]!.body, /dev\/broken\.yaml\\:3: does not parse as YAML/);
  assert.doesNotMatch(comments[0]!.body, new RegExp(first.slice(0, 7)), 'nothing of the earlier head is left');
  assert.equal(github.statuses(REPO, second).find((s) => s.state !== 'pending')?.state, 'failure');
  assert.equal(github.checkRuns(REPO, second).length, 0, 'no check run without a GitHub App');
});
