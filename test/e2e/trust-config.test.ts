/**
 * Issue 10, item 1, tried as the attacker did: through the local host with the GitHub fake sending signed push
 * webhooks and two Kubernetes fakes (development and production) reached through the operator's kubeconfig.
 * The operator pins each environment to its branch (GITOPS_ENVIRONMENTS); someone who can push only to master
 * (development) must not reach production.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../shared/config/settings.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startLocalServer, type LocalServer } from '../../cli/host/start-local.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';

const REPO = 'acme/config';
const TOKEN = 'ghs_trust-token';
const SECRET = 'trust webhook secret';

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  value: "${value}"\n`;
const clusterAdmin = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: evil-admin
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
  - {kind: User, name: attacker, apiGroup: rbac.authorization.k8s.io}
`;
const gitopsYaml = (devPath = 'development-configs') => `repository: ${REPO}
environments:
  development:
    branch: master
    path: ${devPath}
    clusters: { kubeconfig: { contexts: "dev-*" } }
  production:
    branch: release
    path: production-configs
    clusters: { kubeconfig: { contexts: "prod-*" } }
`;
// What the attacker pushes to master: production retargeted to master's evil/ folder.
const hostile = `environments:
  development:
    branch: master
    path: development-configs
    clusters: { kubeconfig: { contexts: "dev-*" } }
  production:
    branch: master
    path: evil
    clusters: { kubeconfig: { contexts: "prod-*" } }
`;

let github: Awaited<ReturnType<typeof startGitHubFake>>;
let dev: KubeFake;
let prod: KubeFake;
let server: LocalServer;
const log = memoryLogger();

before(async () => {
  dev = await startKubeFake({ name: 'dev-1' });
  prod = await startKubeFake({ name: 'prod-1' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-trust-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'dev-1', cluster: { server: dev.url } }, { name: 'prod-1', cluster: { server: prod.url } }],
    users: [{ name: 'u', user: {} }],
    contexts: [{ name: 'dev-1', context: { cluster: 'dev-1', user: 'u' } }, { name: 'prod-1', context: { cluster: 'prod-1', user: 'u' } }],
    'current-context': 'dev-1',
  }));
  const files = { 'gitops.yaml': gitopsYaml(), 'development-configs/app.yaml': configMap('app', 'dev-1'), 'production-configs/app.yaml': configMap('app', 'prod-1') };
  github = await startGitHubFake({ repos: [{ fullName: REPO, branches: ['master', 'release'], files }], token: TOKEN });
  const env = {
    GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_WEBHOOK_SECRET: SECRET, KUBECONFIG: kubeconfig,
    GITOPS_ENVIRONMENTS: 'development=master,production=release',
    // Every push here that edits gitops.yaml is a full sync: none may be deferred to the reconcile timer.
    GITOPS_FULL_SYNC_INTERVAL_SECONDS: '0',
  };
  server = await startLocalServer({ settings: loadSettings(env), env, workDir: path.join(dir, 'work'), port: 0, reconcileSeconds: 3600, log });
  github.setWebhook({ url: `${server.url}/api/github-webhook`, secret: SECRET });
  await server.host.idle();
});

after(async () => {
  await server?.close();
  await github?.close();
  await dev?.close();
  await prod?.close();
});

const valueOn = (c: KubeFake, name = 'app') => (c.get('v1', 'ConfigMap', 'default', name) as { data?: { value?: string } } | undefined)?.data?.value;
async function settle(): Promise<Awaited<ReturnType<typeof github.deliveries>>> {
  const deliveries = await github.deliveries();
  await server.host.idle(60_000);
  return deliveries;
}

test('each environment starts from the definition on its own branch', () => {
  assert.equal(valueOn(dev), 'dev-1');
  assert.equal(valueOn(prod), 'prod-1');
});

test('a push to master that retargets production to master:evil changes nothing in production', async () => {
  await github.commit(REPO, 'master', { files: { 'gitops.yaml': hostile, 'evil/admin.yaml': clusterAdmin, 'development-configs/app.yaml': configMap('app', 'dev-2') }, message: 'innocent' });
  const delivery = (await settle()).at(-1)!;
  assert.equal(delivery.status, 202);
  assert.equal(prod.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, 'evil-admin'), undefined, 'no cluster-admin binding on production');
  assert.equal(dev.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, 'evil-admin'), undefined, 'evil/ is not development\'s folder either');
  assert.equal(valueOn(prod), 'prod-1', 'production untouched');
  assert.equal(valueOn(dev), 'dev-2', 'development, which master does define, still deploys');
  assert.ok(log.entries.some((e) => e.event === 'push.job' && e.fields.environment === 'development'));
  assert.ok(!log.entries.some((e) => e.event === 'push.job' && e.fields.environment === 'production'), 'no production job from a master push');
});

test('a gitops.yaml on master that does not parse stops development only: production still deploys', async () => {
  await github.commit(REPO, 'master', { files: { 'gitops.yaml': 'environments: [unclosed\n' }, message: 'broken config' });
  const broken = (await settle()).at(-1)!;
  assert.equal(broken.status, 422, 'the push that broke it is told so');
  await github.commit(REPO, 'release', { files: { 'production-configs/app.yaml': configMap('app', 'prod-2') }, message: 'production change' });
  const release = (await settle()).at(-1)!;
  assert.equal(release.status, 202);
  assert.equal(valueOn(prod), 'prod-2');
});

test('a push that changes gitops.yaml is planned and applied with the new file, not a cached one', async () => {
  await github.commit(REPO, 'master', { files: { 'gitops.yaml': gitopsYaml('development-v2'), 'development-configs/app.yaml': null, 'development-configs/old.yaml': configMap('old', 'x'), 'development-v2/app.yaml': configMap('app', 'dev-v2') }, message: 'move development' });
  const delivery = (await settle()).at(-1)!;
  assert.equal(delivery.status, 202);
  assert.equal(valueOn(dev), 'dev-v2', 'applied from the new path at once (the 30 s cache would have used the old one)');
  assert.equal(valueOn(dev, 'old'), undefined, 'nothing from the old path');
});
