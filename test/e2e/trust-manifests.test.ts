/**
 * Issue 10, items 3 and 4, tried as the attacker did: through the local host with the GitHub fake sending signed
 * push webhooks and a Kubernetes fake that two environments (development and staging) deploy to. Manifests may
 * not write the engine's lease or sync state, may not take over the other environment's objects, and what is
 * too large is not read.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GC_MARK_LABEL } from '../../shared/clusters/index.ts';
import { loadSettings } from '../../shared/config/settings.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startLocalServer, type LocalServer } from '../../cli/host/start-local.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';

const REPO = 'acme/config';
const TOKEN = 'ghs_trust-manifests';
const SECRET = 'trust manifests secret';
const MAX_FILE = 16 * 1024;
const MAX_ENV = 64 * 1024;

const configMap = (name: string, value: string, namespace = 'default') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  value: "${value}"\n`;
const gitopsYaml = `repository: ${REPO}
environments:
  development:
    branch: master
    path: development-configs
    clusters: { kubeconfig: { contexts: "dev-*" } }
  staging:
    branch: master
    path: staging-configs
    clusters: { kubeconfig: { contexts: "dev-*" } }
`;
const hostileLease = `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: gitops-development
  namespace: gitops-system
spec:
  holderIdentity: attacker
  leaseDurationSeconds: 2000000000
  renewTime: "2026-01-01T00:00:00.000000Z"
`;

let github: Awaited<ReturnType<typeof startGitHubFake>>;
let dev: KubeFake;
let server: LocalServer;
const log = memoryLogger();

before(async () => {
  dev = await startKubeFake({ name: 'dev-1' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-trust-manifests-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'dev-1', cluster: { server: dev.url } }], users: [{ name: 'u', user: {} }],
    contexts: [{ name: 'dev-1', context: { cluster: 'dev-1', user: 'u' } }],
  }));
  const files = {
    'gitops.yaml': gitopsYaml,
    'development-configs/app.yaml': configMap('app', 'dev-1') + '---\n' + configMap('shared', 'development'),
    'staging-configs/app.yaml': configMap('staging-app', 'staging-1'),
  };
  github = await startGitHubFake({ repos: [{ fullName: REPO, branches: ['master'], files }], token: TOKEN });
  const env = {
    GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_WEBHOOK_SECRET: SECRET, KUBECONFIG: kubeconfig,
    GITOPS_ENVIRONMENTS: 'development=master,staging=master', GITOPS_MAX_FILE_BYTES: String(MAX_FILE), GITOPS_MAX_ENVIRONMENT_BYTES: String(MAX_ENV),
  };
  server = await startLocalServer({ settings: loadSettings(env), env, workDir: path.join(dir, 'work'), port: 0, reconcileSeconds: 3600, log });
  github.setWebhook({ url: `${server.url}/api/github-webhook`, secret: SECRET });
  await server.host.idle();
});

after(async () => {
  await server?.close();
  await github?.close();
  await dev?.close();
});

const valueOn = (name: string, namespace = 'default') => (dev.get('v1', 'ConfigMap', namespace, name) as { data?: { value?: string } } | undefined)?.data?.value;
/** The result of the environment's last sync, whether it finished (`sync.done`) or was refused (`sync.failed`). */
const lastDone = (environment: string) => String(log.entries.filter((e) => (e.event === 'sync.done' || e.event === 'sync.failed') && e.fields.environment === environment).at(-1)?.fields.result ?? '');
async function push(files: Record<string, string | null>, message: string): Promise<string> {
  const sha = await github.commit(REPO, 'master', { files, message });
  await github.deliveries();
  await server.host.idle(60_000);
  return sha;
}

test('a manifest writing the environment\'s lease in the state namespace is refused at render, and the environment still syncs', async () => {
  await push({ 'development-configs/lease.yaml': hostileLease, 'development-configs/app.yaml': configMap('app', 'dev-2') + '---\n' + configMap('shared', 'development') }, 'lock it');
  const lease = dev.get('coordination.k8s.io/v1', 'Lease', 'gitops-system', 'gitops-development');
  assert.notEqual(lease?.spec?.holderIdentity, 'attacker', 'the engine\'s lease is not the attacker\'s');
  assert.notEqual(lease?.spec?.leaseDurationSeconds, 2_000_000_000);
  assert.equal(valueOn('app'), 'dev-2', 'the rest of the commit is applied');
  assert.match(lastDone('development'), /1 file error \(development-configs\/lease\.yaml:1: refused: gitops-system:lease\/gitops-development is in/);
  await push({ 'development-configs/app.yaml': configMap('app', 'dev-3') + '---\n' + configMap('shared', 'development') }, 'next');
  assert.equal(valueOn('app'), 'dev-3', 'and the next push is not locked out');
});

test('a ConfigMap bearing the environment\'s state name is refused in any namespace', async () => {
  await push({ 'development-configs/lease.yaml': null, 'development-configs/state.yaml': configMap('gitops-development', '{}', 'default') }, 'state');
  assert.equal(valueOn('gitops-development'), undefined);
  assert.match(lastDone('development'), /state\.yaml:1: refused: default:configmap\/gitops-development bears the name/);
});

test('staging declaring an object development owns on the same cluster is a conflict: not taken over, not pruned by either', async () => {
  const before = dev.get('v1', 'ConfigMap', 'default', 'shared')!;
  await push({ 'development-configs/state.yaml': null, 'staging-configs/shared.yaml': configMap('shared', 'staging') }, 'steal');
  const after = dev.get('v1', 'ConfigMap', 'default', 'shared')!;
  assert.equal(after.data.value, 'development', 'development\'s content stays');
  assert.equal(after.metadata.labels[GC_MARK_LABEL], before.metadata.labels[GC_MARK_LABEL], 'development\'s mark stays');
  assert.ok(log.entries.some((e) => e.event === 'sync.object-failed' && e.fields.environment === 'staging' && /default:configmap\/shared: conflict: the object in the cluster belongs to another sync set/.test(String(e.fields.result))));
  assert.equal(valueOn('staging-app'), 'staging-1', 'the rest of staging is fine');
});

test('a file over GITOPS_MAX_FILE_BYTES is reported and never read; the rest of the environment deploys', async () => {
  const big = configMap('big', 'x'.repeat(MAX_FILE + 100));
  github.resetRequests();
  await push({ 'staging-configs/shared.yaml': null, 'development-configs/big.yaml': big, 'development-configs/app.yaml': configMap('app', 'dev-4') + '---\n' + configMap('shared', 'development') }, 'big file');
  assert.equal(valueOn('big'), undefined);
  assert.equal(valueOn('app'), 'dev-4');
  assert.match(lastDone('development'), /development-configs\/big\.yaml: not read: 16\d{3} bytes \(17 KiB\), over the per-file limit/);
  assert.equal(github.requests().filter((r) => /\/git\/blobs\//.test(r.path)).length, 0, 'no blob fetched');
});

test('an environment whose files exceed GITOPS_MAX_ENVIRONMENT_BYTES is refused as a whole: nothing applied, nothing pruned', async () => {
  const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`development-configs/part-${i}.yaml`, configMap(`part-${i}`, 'y'.repeat(12 * 1024))]));
  await push({ 'development-configs/big.yaml': null, ...many, 'development-configs/app.yaml': configMap('app', 'dev-5') + '---\n' + configMap('shared', 'development') }, 'too much');
  assert.equal(valueOn('app'), 'dev-4', 'nothing from this commit is applied');
  assert.equal(valueOn('part-0'), undefined);
  assert.match(lastDone('development'), /development-configs: environment refused as a whole: its files add up to \d+ bytes/);
});
