import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import {
  AKS_SCOPE, cachedTokenSource, createClusterConnector, KubeApiError, type AzureArm, type AzureCluster, type ClusterConnection,
} from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { selfSignedCertificate } from '../support/tls.ts';
import { fakeEnvironment, fastClock } from './cluster-fixtures.ts';

/** A fake ARM listing: clusters by resource group, each with a user kubeconfig pointing at a server. */
function fakeArm(clusters: Array<AzureCluster & { server?: string; caData?: string }>): AzureArm & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async listClusters(subscription, groups) {
      calls.push(`list ${subscription} ${groups.join(',')}`);
      return clusters.filter((c) => groups.length === 0 || groups.includes(c.resourceGroup));
    },
    async userKubeconfig(_subscription, rg, name) {
      calls.push(`credentials ${rg}/${name}`);
      const c = clusters.find((x) => x.name === name && x.resourceGroup === rg);
      if (!c?.server) throw new Error('no such cluster');
      return [
        'apiVersion: v1', 'kind: Config',
        'clusters:', `- name: ${name}`, '  cluster:', `    server: ${c.server}`, `    certificate-authority-data: "${c.caData ?? ''}"`,
        'users:', `- name: clusterUser_${rg}_${name}`, '  user:', '    exec: { command: kubelogin, apiVersion: client.authentication.k8s.io/v1beta1 }',
        'contexts:', `- name: ${name}`, '  context: { cluster: ' + name + ', user: clusterUser_' + rg + '_' + name + ' }',
        `current-context: ${name}`,
      ].join('\n');
    },
  };
}

/** A credential handing out tok1, tok2, … each valid for an hour of `clock` time. */
function fakeCredential(clock: { now(): number }): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  let n = 0;
  return {
    scopes,
    async getToken(scope: string | string[], _o?: GetTokenOptions): Promise<AccessToken> {
      scopes.push(String(scope));
      return { token: `tok${++n}`, expiresOnTimestamp: clock.now() + 3600_000 };
    },
  };
}

const listConfigMaps = (c: ClusterConnection) => c.client.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps' });

describe('finding and reaching clusters', () => {
  let a: KubeFake;
  let b: KubeFake;
  let aks: KubeFake;
  const tls = selfSignedCertificate();
  let dir: string;
  before(async () => {
    a = await startKubeFake({ name: 'a', token: 'token-of-a' });
    b = await startKubeFake({ name: 'b', token: 'token-of-b' });
    aks = await startKubeFake({ name: 'aks', token: 'token-of-aks', tls });
    dir = await mkdtemp(path.join(tmpdir(), 'kubeconfig-'));
  });
  after(async () => { await a.close(); await b.close(); await aks.close(); await rm(dir, { recursive: true, force: true }); });

  it('discovers AKS clusters by name pattern, tags and resource groups from an injected ARM listing', async () => {
    const arm = fakeArm([
      { name: 'weekly-46', resourceGroup: 'rg-dev', tags: { env: 'dev' } },
      { name: 'weekly-47', resourceGroup: 'rg-dev', tags: { env: 'dev', team: 'x' } },
      { name: 'weekly-48', resourceGroup: 'rg-dev', tags: { env: 'test' } },
      { name: 'playground-1', resourceGroup: 'rg-dev', tags: { env: 'dev' } },
      { name: 'weekly-49', resourceGroup: 'rg-other', tags: { env: 'dev' } },
    ]);
    const connector = createClusterConnector({ clock: fastClock, arm });
    const env = fakeEnvironment([], { clusters: { azure: { subscription: 'sub-1', resourceGroups: ['rg-dev'], names: 'weekly-*', tags: { env: 'dev' } }, static: [] } });
    const found = await connector.discover(env);
    assert.deepEqual(found.map((t) => t.name), ['weekly-46', 'weekly-47']);
    assert.deepEqual(arm.calls, ['list sub-1 rg-dev'], 'credentials are fetched only when connecting');
  });

  it('reaches an AKS cluster at the server from its user credentials with a managed-identity token for the AKS scope, refreshed near expiry', async () => {
    let now = 1_000_000;
    const clock = { now: () => now, sleep: fastClock.sleep };
    const credential = fakeCredential(clock);
    const arm = fakeArm([{ name: 'weekly-47', resourceGroup: 'rg-dev', tags: {}, server: aks.url, caData: tls.caData }]);
    const connector = createClusterConnector({ clock: fastClock, arm, aksTokens: cachedTokenSource(credential, clock) });
    const env = fakeEnvironment([], { clusters: { azure: { subscription: 's', resourceGroups: [], names: 'weekly-*', tags: {} }, static: [] } });
    const conn = await connector.connect((await connector.discover(env))[0]!);
    assert.equal(conn.server, aks.url);
    aks.setToken('tok1');
    await listConfigMaps(conn);
    await listConfigMaps(conn);
    assert.deepEqual(credential.scopes, [AKS_SCOPE], 'the token is cached between requests');
    now += 3600_000 - 60_000; // within five minutes of expiry
    aks.setToken('tok2');
    await listConfigMaps(conn);
    assert.deepEqual(credential.scopes, [AKS_SCOPE, AKS_SCOPE]);
  });

  it('selects kubeconfig contexts by pattern and never sends one cluster\'s credentials to another', async () => {
    const file = path.join(dir, 'config');
    await writeFile(file, [
      'apiVersion: v1', 'kind: Config',
      'clusters:',
      `- { name: ca, cluster: { server: "${a.url}" } }`,
      `- { name: cb, cluster: { server: "${b.url}" } }`,
      'users:',
      '- { name: ua, user: { token: token-of-a } }',
      '- { name: ub, user: { token: token-of-b } }',
      'contexts:',
      '- { name: kind-weekly-1, context: { cluster: ca, user: ua } }',
      '- { name: kind-weekly-2, context: { cluster: cb, user: ub } }',
      '- { name: kind-other, context: { cluster: cb, user: ua } }',
      'current-context: kind-other',
    ].join('\n'));
    const connector = createClusterConnector({ clock: fastClock, defaultKubeconfig: file });
    const env = fakeEnvironment([], { clusters: { kubeconfig: { contexts: 'kind-weekly-*' }, static: [] } });
    const targets = await connector.discover(env);
    assert.deepEqual(targets.map((t) => t.name), ['kind-weekly-1', 'kind-weekly-2']);
    const [c1, c2] = await Promise.all(targets.map((t) => connector.connect(t)));
    for (let i = 0; i < 3; i++) {
      assert.equal((await listConfigMaps(c1!)).status, 200);
      assert.equal((await listConfigMaps(c2!)).status, 200);
    }
    // The mismatched context proves the fakes check tokens: a's token on b is refused.
    const [wrong] = (await connector.discover(fakeEnvironment([], { clusters: { kubeconfig: { contexts: 'kind-other' }, static: [] } })));
    await assert.rejects(listConfigMaps(await connector.connect(wrong!)), (e: unknown) => e instanceof KubeApiError && e.status === 401);
  });
});
