/**
 * Issue 10, item 2, tried as the attacker did: a static cluster with `auth: azure` pointing anywhere, a kubeconfig
 * path in gitops.yaml naming an exec plugin or any file. The managed identity's token goes only to https servers
 * the operator allow-listed or Azure discovery found in the allowed scopes; exec plugins run only with the
 * operator's opt-in; a file's contents never appear in an error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClusterConnector, type AzureArm, type ClusterTarget, type TokenSource } from '../../shared/clusters/index.ts';
import { ConfigError, parseConfig } from '../../shared/config/index.ts';
import { selfSignedCertificate } from '../support/tls.ts';
import { fakeEnvironment, fastClock } from './cluster-fixtures.ts';

const tls = selfSignedCertificate();
const TOKEN = 'managed-identity-aks-token';
const tokens: TokenSource = { token: async () => TOKEN };

/** A server (http or https) that records the Authorization header of every request and answers 404. */
async function recorder(secure: boolean): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(String(req.headers.authorization ?? ''));
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","code":404}');
  };
  const server = secure ? https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const get = (conn: Awaited<ReturnType<ReturnType<typeof createClusterConnector>['connect']>>) => conn.client.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/x' }).catch(() => undefined);

describe('the managed identity\'s token', () => {
  let plain: Awaited<ReturnType<typeof recorder>>;
  let secure: Awaited<ReturnType<typeof recorder>>;
  before(async () => { plain = await recorder(false); secure = await recorder(true); });
  after(async () => { await plain.close(); await secure.close(); });

  it('a gitops.yaml static cluster with auth: azure over http is refused when the file is read', () => {
    const text = `environments:\n  production:\n    branch: release\n    path: prod\n    clusters:\n      static: [{ name: prod-1, server: "${plain.url}", auth: azure }]\n`;
    assert.throws(() => parseConfig(text, 'gitops.yaml'), (e: unknown) => e instanceof ConfigError && /clusters\.static\.prod-1\.server: the managed identity's token never goes over http/.test(e.message));
  });

  it('never reaches an http server, even one on the allow-list', async () => {
    const connector = createClusterConnector({ clock: fastClock, aksTokens: tokens, apiServers: [plain.url] });
    const target: ClusterTarget = { name: 'prod-1', origin: 'static', server: plain.url, auth: 'azure' };
    await assert.rejects(connector.connect(target), /refusing to send the managed identity's token/);
    assert.deepEqual(plain.seen, []);
  });

  it('never reaches an https server the operator did not allow-list (no GITOPS_API_SERVERS means none)', async () => {
    for (const apiServers of [undefined, ['https://prod-1.example:443']]) {
      const connector = createClusterConnector({ clock: fastClock, aksTokens: tokens, ...(apiServers ? { apiServers } : {}) });
      const target: ClusterTarget = { name: 'evil', origin: 'static', server: secure.url, certificateAuthorityData: tls.caData, auth: 'azure' };
      await assert.rejects(connector.connect(target), /not|only https servers in GITOPS_API_SERVERS/);
    }
    assert.deepEqual(secure.seen, []);
  });

  it('reaches an allow-listed https server', async () => {
    const connector = createClusterConnector({ clock: fastClock, aksTokens: tokens, apiServers: [`${secure.url}/`] });
    await get(await connector.connect({ name: 'prod-1', origin: 'static', server: secure.url, certificateAuthorityData: tls.caData, auth: 'azure' }));
    assert.deepEqual(secure.seen.slice(-1), [`Bearer ${TOKEN}`]);
  });

  it('reaches clusters Azure discovery finds only inside GITOPS_CLUSTER_SCOPES, and only over https', async () => {
    const arm: AzureArm = {
      listClusters: async () => [{ name: 'weekly-1', resourceGroup: 'rg-dev', tags: {} }, { name: 'weekly-2', resourceGroup: 'rg-other', tags: {} }],
      userKubeconfig: async (_s, _rg, name) => `clusters:\n- name: c\n  cluster:\n    server: ${name === 'weekly-1' ? plain.url : secure.url}\n    certificate-authority-data: ${tls.caData}\n`,
    };
    const sub = '3f6b1c2e-8d4a-4c1e-9b7a-5e2d8f0a1c34';
    const connector = createClusterConnector({ clock: fastClock, arm, aksTokens: tokens, clusterScopes: [{ subscription: sub, resourceGroup: 'rg-dev' }] });
    const env = fakeEnvironment([], { clusters: { azure: { subscription: sub, resourceGroups: [], names: 'weekly-*', tags: {} }, static: [] } });
    assert.deepEqual((await connector.discover(env)).map((t) => t.name), ['weekly-1'], 'rg-other is outside the scopes');
    await assert.rejects(connector.connect({ name: 'weekly-2', origin: 'azure', subscription: sub, resourceGroup: 'rg-other' }), /outside GITOPS_CLUSTER_SCOPES/);
    await assert.rejects(connector.connect({ name: 'weekly-1', origin: 'azure', subscription: sub, resourceGroup: 'rg-dev' }), /never goes over http/);
    assert.deepEqual(plain.seen, []);
  });
});

describe('kubeconfig files', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(path.join(tmpdir(), 'trust-kubeconfig-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('a kubeconfig path in gitops.yaml is refused: only the operator names kubeconfig files', () => {
    const text = 'environments:\n  dev:\n    branch: master\n    path: dev\n    clusters:\n      kubeconfig: { path: /proc/self/environ, contexts: "*" }\n';
    assert.throws(() => parseConfig(text, 'gitops.yaml'), (e: unknown) => e instanceof ConfigError && /clusters\.kubeconfig\.path: a kubeconfig file is chosen by the operator/.test(e.message));
    assert.equal(parseConfig(text, 'GITOPS_CONFIG', { operator: true }).environments[0]!.clusters.kubeconfig!.path, '/proc/self/environ', 'the operator\'s own setting may');
  });

  it('an exec plugin never runs without GITOPS_KUBECONFIG_EXEC, and runs with it', async () => {
    const marker = path.join(dir, 'exec-ran');
    const file = path.join(dir, 'exec-config');
    await writeFile(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'sh', args: ['-c', `touch ${marker}; echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}'`] } } }],
      contexts: [{ name: 'dev-1', context: { cluster: 'c', user: 'u' } }],
    }));
    const env = fakeEnvironment([], { clusters: { kubeconfig: { path: file, contexts: 'dev-*' }, static: [] } });
    const off = createClusterConnector({ clock: fastClock, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const [target] = await off.discover(env);
    await assert.rejects(off.connect(target!), /user u runs an exec plugin, which is off \(set GITOPS_KUBECONFIG_EXEC=true/);
    assert.equal(existsSync(marker), false, 'nothing ran');
    const on = createClusterConnector({ clock: fastClock, allowExec: true, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 2000 });
    await get(await on.connect(target!));
    assert.equal(existsSync(marker), true, 'the operator opted in');
  });

  it('a file that is not a kubeconfig is reported by name and line, never by its contents', async () => {
    const secret = 'AZURE_CLIENT_SECRET=hunter2-very-secret';
    const file = path.join(dir, 'environ');
    await writeFile(file, `PATH=/usr/bin\n${secret}\n: [\n`);
    const connector = createClusterConnector({ clock: fastClock });
    const env = fakeEnvironment([], { clusters: { kubeconfig: { path: file, contexts: '*' }, static: [] } });
    const err = await connector.discover(env).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(err, 'refused');
    const everything = [err.message, String(err.stack), JSON.stringify(err), String((err as { cause?: unknown }).cause ?? '')].join('\n');
    assert.match(err.message, /failed to read kubeconfig .*environ: not a valid kubeconfig/);
    assert.doesNotMatch(everything, /hunter2/);
  });
});
