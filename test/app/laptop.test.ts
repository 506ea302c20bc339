/**
 * The laptop's composition root (shared/app/laptop.ts): the defaults the CLI's commands and the local host read
 * in one place, who may run a kubeconfig's exec plugin, and which registries get the developer's credential.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { azureConnector, defaultKubeconfig, developerRegistries, kubeconfigConnector, stateNamespace } from '../../shared/app/laptop.ts';
import { fakeEnvironment } from '../clusters/cluster-fixtures.ts';

let dir: string;
let kubeconfig: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'laptop-'));
  kubeconfig = path.join(dir, 'config');
  // An exec user whose plugin is harmless (`true`): connecting checks whether it may run; it is never asked for a token here.
  await writeFile(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
    users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'true' } } }],
    contexts: [{ name: 'dev-1', context: { cluster: 'c', user: 'u' } }, { name: 'dev-2', context: { cluster: 'c', user: 'u' } }, { name: 'prod-1', context: { cluster: 'c', user: 'u' } }],
  }));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('laptop defaults', () => {
  it('reads $KUBECONFIG, else ~/.kube/config, as kubectl does', () => {
    assert.equal(defaultKubeconfig({ KUBECONFIG: '/somewhere/config' }), '/somewhere/config');
    assert.equal(defaultKubeconfig({}), path.join(os.homedir(), '.kube', 'config'));
  });

  it('keeps sync state in $GITOPS_STATE_NAMESPACE, else gitops-system', () => {
    assert.equal(stateNamespace({ GITOPS_STATE_NAMESPACE: 'platform-gitops' }), 'platform-gitops');
    assert.equal(stateNamespace({}), 'gitops-system');
  });
});

describe('laptop cluster connectors', () => {
  it('a --kubeconfig connector runs an exec plugin only with GITOPS_KUBECONFIG_EXEC=true', async () => {
    const env = fakeEnvironment([], { clusters: { kubeconfig: { path: kubeconfig, contexts: 'dev-1' }, static: [] } });
    for (const setting of [undefined, 'false', 'yes']) {
      const connector = kubeconfigConnector(setting === undefined ? {} : { GITOPS_KUBECONFIG_EXEC: setting });
      const [target] = await connector.discover(env);
      await assert.rejects(connector.connect(target!), /user u runs an exec plugin, which is off \(set GITOPS_KUBECONFIG_EXEC=true/, `GITOPS_KUBECONFIG_EXEC=${setting}`);
    }
    const on = kubeconfigConnector({ GITOPS_KUBECONFIG_EXEC: 'TRUE' });
    const [target] = await on.discover(env);
    assert.equal((await on.connect(target!)).target.name, 'dev-1');
  });

  it('the environment\'s own selection reads the contexts of $KUBECONFIG when it names no file', async () => {
    const env = fakeEnvironment([], { clusters: { kubeconfig: { contexts: 'dev-*' }, static: [] } });
    const targets = await (await azureConnector({ KUBECONFIG: kubeconfig })).discover(env);
    assert.deepEqual(targets.map((t) => [t.name, t.origin === 'kubeconfig' ? t.path : '']), [['dev-1', kubeconfig], ['dev-2', kubeconfig]]);
  });
});

describe('laptop registry readers', () => {
  it('give a listed Azure Container Registry one reader, whatever the case of its name', async () => {
    const access = await developerRegistries(['RadixDev.azurecr.io']);
    const first = access('radixdev.azurecr.io');
    assert.ok(first, 'listed');
    assert.equal(typeof first.lister.listTags, 'function');
    assert.equal(typeof first.reader.getManifest, 'function');
    assert.equal(access('RADIXDEV.AZURECR.IO'), first, 'one reader per registry');
  });

  it('give nothing to a host the environment does not list, nor to a listed host that is not an ACR (the credential never goes there)', async () => {
    const access = await developerRegistries(['radixdev.azurecr.io', 'registry.example.com']);
    assert.equal(access('other.azurecr.io'), undefined);
    assert.equal(access('registry.example.com'), undefined);
    assert.equal(access('docker.io'), undefined);
  });
});
