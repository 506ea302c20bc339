/**
 * Pull-request previews end to end: the local host (the Function App's handlers, in-process queues) with the
 * GitHub fake playing a GitHub App (check runs) and sending real signed `pull_request` webhooks, and a
 * Kubernetes fake for the server-side dry runs. Environments: development and qa on main, production on release.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../shared/config/settings.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startLocalServer, type LocalServer } from '../../cli/host/start-local.ts';
import { startGitHubFake, webhookRequest, type GitHubFake, type WebhookDelivery } from '../support/github-fake/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { webManifest } from './web-manifest.ts';

const REPO = 'acme/config';
const SECRET = 'preview webhook secret';
const web = webManifest;
const worker = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker\n  namespace: web\ndata:\n  threads: "4"\n';

let github: GitHubFake;
let kube: KubeFake;
let server: LocalServer;
let dir: string;
const log = memoryLogger();

function gitopsConfig(kubeconfig: string): string {
  return `repository: ${REPO}
environments:
  development:
    branch: main
    path: development-configs
    clusters: { kubeconfig: { path: ${JSON.stringify(kubeconfig)}, contexts: "dev-*" } }
    previews: { dryRun: all }
  qa:
    branch: main
    path: qa-configs
    clusters: { kubeconfig: { path: ${JSON.stringify(kubeconfig)}, contexts: "qa-*" } }
  production:
    branch: release
    path: production-configs
    clusters: { kubeconfig: { path: ${JSON.stringify(kubeconfig)}, contexts: "prod-*" } }
`;
}

before(async () => {
  kube = await startKubeFake({ name: 'dev-1', token: 'dev-token' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-preview-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'dev-1',
    clusters: [{ name: 'dev-1', cluster: { server: kube.url } }], users: [{ name: 'dev', user: { token: 'dev-token' } }],
    contexts: [{ name: 'dev-1', context: { cluster: 'dev-1', user: 'dev' } }],
  }));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  github = await startGitHubFake({
    repos: [{
      fullName: REPO,
      branches: ['main', 'release'],
      files: {
        'development-configs/web.yaml': web('master-1', 1), 'development-configs/worker.yaml': worker,
        'qa-configs/web.yaml': web('master-1', 1), 'qa-configs/worker.yaml': worker,
        'production-configs/web.yaml': web('master-1', 2),
      },
    }],
    token: 'ghp_not-used-by-the-app',
    app: { id: 4242, installationId: 7, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  });
  const env = {
    GITHUB_REPOSITORY: REPO, GITHUB_API_URL: github.url, GITHUB_WEBHOOK_SECRET: SECRET, GITOPS_CONFIG: gitopsConfig(kubeconfig),
    GITHUB_APP_ID: '4242', GITHUB_APP_INSTALLATION_ID: '7', GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  server = await startLocalServer({ settings: loadSettings(env), env, workDir: path.join(dir, 'work'), port: 0, reconcileSeconds: 3600, log });
  await server.host.idle();
  github.setWebhook({ url: `${server.url}/api/github-webhook`, secret: SECRET });
});

after(async () => {
  await server?.close();
  await github?.close();
  await kube?.close();
});

async function settle(): Promise<WebhookDelivery[]> {
  const deliveries = await github.deliveries();
  await server.host.idle(60_000);
  return deliveries;
}

/** The check runs on a commit by name, each the latest of its name. */
function runsOn(sha: string) {
  return new Map(github.checkRuns(REPO, sha).map((r) => [r.name, r]));
}

/** The count row (added | changed | removed | images) of a summary's first table. */
function counts(summary: string): number[] {
  const m = /\| added \| changed \| removed \| images \|\n\|[-:|]+\|\n\| (\d+) \| (\d+) \| (\d+) \| (\d+) \|/.exec(summary);
  assert.ok(m, `a count table in:\n${summary}`);
  return m.slice(1).map(Number);
}

/** Rows of the object table: `id | change | fields`. */
function objectRows(summary: string): string[] {
  return [...summary.matchAll(/^\| (\S+) \| (added|changed|removed) \| (.*?) ?\|$/gm)].filter((m) => m[1] !== 'added').map((m) => `${m[1]} ${m[2]}${m[3] ? ` ${m[3]}` : ''}`);
}

let first: { number: number; head: string };

test('a pull request changing an image tag, a replica count and removing a file gets a check run per affected environment listing exactly those changes', async () => {
  await github.commit(REPO, 'feature', {
    files: { 'development-configs/web.yaml': web('master-2', 3), 'development-configs/worker.yaml': null, 'qa-configs/web.yaml': web('master-2', 3), 'qa-configs/worker.yaml': null },
    message: 'Release web master-2 on 3 replicas, drop the worker',
  });
  kube.resetCounts();
  const number = await github.openPullRequest({ head: 'feature', base: 'main' });
  const head = (await github.head(REPO, 'feature'))!;
  first = { number, head };
  const deliveries = await settle();
  assert.equal(deliveries.find((d) => d.event === 'pull_request')!.status, 202);

  const runs = runsOn(head);
  assert.deepEqual([...runs.keys()].sort(), ['gitops/development', 'gitops/qa'], 'one check run per environment the pull request touches (none for production on release)');
  for (const [name, run] of runs) {
    assert.deepEqual([run.status, run.conclusion], ['completed', 'success'], name);
    const summary = run.output.summary!;
    assert.deepEqual(counts(summary), [0, 1, 1, 1], `${name}: 0 added, 1 changed, 1 removed, 1 image`);
    assert.deepEqual(objectRows(summary), [
      'web\\:deployment/web changed spec.replicas, spec.template.spec.containers\\[name=web\\].image',
      'web\\:configmap/worker removed',
    ]);
    assert.match(summary, /\| web\\:deployment\/web \| web \| radixdev\.azurecr\.io\/web\\:master-1 → radixdev\.azurecr\.io\/web\\:master-2 \| glob\\:master-\\\* \(automated\) \| yes \|/);
    assert.match(summary, /<details><summary>web:deployment\/web \(changed\)<\/summary>\n\n```+diff\n[\s\S]*-  replicas: 1\n\+  replicas: 3\n/);
    assert.equal(run.annotations.length, 0);
  }
  assert.match(runs.get('gitops/development')!.output.summary!, /Dry run on 1 cluster/);
  assert.match(runs.get('gitops/development')!.output.summary!, /\*\*Dry run\*\* \(server-side, 1 object\): every object accepted/);
  assert.ok(kube.requestCount().byVerb['apply']! >= 1, 'the development cluster received the dry-run apply');
  assert.equal(kube.get('apps/v1', 'Deployment', 'web', 'web')?.spec?.replicas, 1, 'a dry run stores nothing');
  assert.doesNotMatch(runs.get('gitops/qa')!.output.summary!, /Dry run/, 'qa has no previews.dryRun');
});

test('the same head delivered twice gives one check run per environment', async () => {
  const opened = (await github.deliveries()).find((d) => d.event === 'pull_request' && (d.payload as { action: string }).action === 'opened')!;
  const replay = await fetch(`${server.url}/api/github-webhook`, { method: 'POST', headers: { ...opened.headers, 'x-github-delivery': randomUUID() }, body: opened.body });
  assert.deepEqual([replay.status, ((await replay.json()) as { duplicate?: boolean }).duplicate], [200, true], 'the same signed body under a new delivery id queues nothing');
  // Another event for the same head (a new body): previewed again, into the same check runs.
  const reopened = webhookRequest('pull_request', { ...(opened.payload as Record<string, unknown>), action: 'reopened' }, SECRET);
  const again = await fetch(`${server.url}/api/github-webhook`, { method: 'POST', ...(await reopened) });
  assert.equal(again.status, 202);
  await server.host.idle(60_000);
  assert.deepEqual(github.checkRuns(REPO, first.head).map((r) => r.name).sort(), ['gitops/development', 'gitops/qa']);
  assert.ok(log.entries.filter((e) => e.event === 'preview.reported' && e.fields['commit'] === first.head).length >= 4, 'both deliveries were previewed');
});

test('a broken YAML file pushed to the pull request fails its environment\'s new check run with an annotation on the right line', async () => {
  await github.commit(REPO, 'feature', { files: { 'development-configs/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken: yes\n' }, message: 'Add a broken file' });
  const head = (await github.head(REPO, 'feature'))!;
  const deliveries = await settle();
  assert.ok(deliveries.some((d) => d.event === 'pull_request' && (d.payload as { action: string }).action === 'synchronize'), 'the push synchronized the pull request');
  const runs = runsOn(head);
  assert.deepEqual([runs.get('gitops/development')!.conclusion, runs.get('gitops/qa')!.conclusion], ['failure', 'success']);
  const dev = runs.get('gitops/development')!;
  assert.deepEqual(dev.annotations.map((a) => [a['path'], a['start_line'], a['annotation_level']]), [['development-configs/broken.yaml', 4, 'failure']]);
  assert.match(dev.output.summary!, /\*\*Build errors \(1\)\*\*\n\n- development-configs\/broken\.yaml\\:4: does not parse as YAML/);
  assert.match(dev.output.summary!, /No dry run\\: the head does not build/);
  assert.equal(runsOn(first.head).get('gitops/development')!.conclusion, 'success', 'the earlier head keeps its own result; the pull request shows the new head\'s');
});

test('a pull request from a fork gets its preview but no dry run', async () => {
  await github.commit(REPO, 'fork-change', { files: { 'development-configs/web.yaml': web('master-1', 5) }, message: 'Scale web' });
  kube.resetCounts();
  await github.openPullRequest({ head: 'fork-change', base: 'main', fork: 'mallory/config' });
  const head = (await github.head(REPO, 'fork-change'))!;
  await settle();
  const runs = runsOn(head);
  assert.deepEqual([...runs.keys()], ['gitops/development']);
  const dev = runs.get('gitops/development')!;
  assert.equal(dev.conclusion, 'success');
  assert.deepEqual(objectRows(dev.output.summary!), ['web\\:deployment/web changed spec.replicas']);
  assert.match(dev.output.summary!, /No dry run\\: the pull request comes from a fork/);
  // The state object in gitops-system is not the preview's: the first sync's health check writes it 15 s later,
  // whichever test is running then.
  const applies = Object.entries(kube.requestCount().byVerbAndPath).filter(([k]) => k.startsWith('apply ') && !k.includes('/namespaces/gitops-system/'));
  assert.deepEqual(applies, [], 'no dry run reached the cluster');
});

test('an object the API server rejects in the dry run fails the check run, annotated on its file', async () => {
  await github.commit(REPO, 'bad-replicas', { files: { 'development-configs/web.yaml': web('master-1', 1).replace('replicas: 1', 'replicas: many') }, message: 'Oops' });
  await github.openPullRequest({ head: 'bad-replicas', base: 'main' });
  const head = (await github.head(REPO, 'bad-replicas'))!;
  await settle();
  const dev = runsOn(head).get('gitops/development')!;
  assert.equal(dev.conclusion, 'failure');
  assert.match(dev.output.summary!, /\*\*Dry run\*\* \(server-side, 1 object\): 1 rejected/);
  assert.deepEqual(dev.annotations.map((a) => [a['path'], a['start_line'], a['annotation_level']]), [['development-configs/web.yaml', 6, 'failure']]);
  assert.match(String(dev.annotations[0]!['message']), /dev-1: web:deployment\/web: /);
});

test('closed pull requests, other base branches and pull requests touching no environment are answered 202 with the reason', async () => {
  const post = async (d: WebhookDelivery) => {
    const res = await fetch(`${server.url}/api/github-webhook`, { method: 'POST', headers: { ...d.headers, 'x-github-delivery': randomUUID() }, body: d.body });
    return [res.status, ((await res.json()) as { ignored?: string }).ignored];
  };
  github.clearDeliveries();
  await github.closePullRequest(REPO, first.number);
  await github.commit(REPO, 'docs', { files: { 'README.md': '# config\n' } });
  await github.openPullRequest({ head: 'docs', base: 'main' });
  await github.commit(REPO, 'hotfix', { files: { 'production-configs/web.yaml': web('master-1', 3) }, parents: [(await github.head(REPO, 'release'))!] });
  await github.openPullRequest({ head: 'hotfix', base: 'feature' });
  const events = (await settle()).filter((d) => d.event === 'pull_request');
  assert.deepEqual(await Promise.all(events.map(post)), [
    [202, `pull request #${first.number} is closed`],
    [202, 'pull request #4 touches no environment on main (development, qa: none of their files changed)'],
    [202, 'pull request #5 targets feature, which no environment deploys'],
  ]);
});
