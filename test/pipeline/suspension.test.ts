import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clearSuspension, readStateObject, writeSuspension, type ClusterTarget } from '../../shared/clusters/index.ts';
import { DEFAULT_CONFIG } from '../../shared/config/index.ts';
import { environmentSuspension } from '../../shared/pipeline/environment-suspension.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { onImagePushed } from '../../shared/pipeline/on-image-pushed.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { fakeEnvironment, testConnector } from '../clusters/cluster-fixtures.ts';
import { makeRepo } from '../support/git-repo.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';

const operator = (tag: string) => `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: radix-operator
  namespace: default
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:master-*
spec:
  values:
    image:
      repository: radixdev.azurecr.io/radix-operator
      tag: "${tag}"
`;

describe('suspension in the sync state ConfigMap', () => {
  const fakes: KubeFake[] = [];
  before(async () => { fakes.push(await startKubeFake({ name: 'weekly-1' }), await startKubeFake({ name: 'weekly-2' })); });
  after(async () => { for (const f of fakes) await f.close(); });
  const connector = testConnector();
  const env = () => fakeEnvironment(fakes, { name: 'development' });
  const client = async (i: number) => (await connector.connect((await connector.discover(env()))[i]!)).client;

  it('is written beside the sync state under its own field manager, survives a state write, and resume removes only it', async () => {
    const c = await client(0);
    await writeSuspension(c, 'gitops-system', 'development', { reason: 'incident 42', by: 'alice@laptop', at: '2026-11-30T09:00:00.000Z' });
    const { writeSyncState } = await import('../../shared/clusters/index.ts');
    await writeSyncState(c, 'gitops-system', { environment: 'development', revision: 'a'.repeat(40), syncedAt: '2026-11-30T09:01:00.000Z', fullSyncAt: undefined, inventory: [], errors: [], trimmed: undefined });
    let read = await readStateObject(c, 'gitops-system', 'development');
    assert.deepEqual(read.suspension, { reason: 'incident 42', by: 'alice@laptop', at: '2026-11-30T09:00:00.000Z' });
    assert.equal(read.state?.revision, 'a'.repeat(40));
    assert.equal(await clearSuspension(c, 'gitops-system', 'development'), true);
    read = await readStateObject(c, 'gitops-system', 'development');
    assert.equal(read.suspension, undefined);
    assert.equal(read.state?.revision, 'a'.repeat(40), 'the sync state stays');
  });

  it('skips image updates only while every cluster of the environment is suspended, with a log line; resumed, the image is committed', async () => {
    const repo = makeRepo({ 'development-configs/op.yaml': operator('master-1') });
    const log = memoryLogger();
    const targets = async (): Promise<ClusterTarget[]> => connector.discover(env());
    const deps = {
      config: async () => ({ ...DEFAULT_CONFIG, environments: DEFAULT_CONFIG.environments.filter((e) => e.name === 'development') }), source: new LocalGitSource(repo.dir), log, sleep: async () => {},
      suspended: (e: typeof DEFAULT_CONFIG.environments[number]) => environmentSuspension(e, { discover: targets, connector, stateNamespace: 'gitops-system' }),
    };
    const event = (tag: string) => ({ id: tag, registry: 'radixdev.azurecr.io', repository: 'radix-operator', tag, digest: `sha256:${'b'.repeat(64)}`, pushedAt: new Date() });
    const head = () => repo.git('rev-parse', 'master');
    const start = head();

    await writeSuspension(await client(0), 'gitops-system', 'development', { reason: 'freeze', by: 'ops', at: '2026-11-30T09:00:00.000Z' });
    const one = await onImagePushed(event('master-2'), deps);
    assert.equal(one.kind, 'released', 'one cluster of two suspended: the environment still takes images');
    const afterOne = head();
    assert.notEqual(afterOne, start);

    await writeSuspension(await client(1), 'gitops-system', 'development', { reason: 'freeze', by: 'ops', at: '2026-11-30T09:00:00.000Z' });
    const all = await onImagePushed(event('master-3'), deps);
    assert.deepEqual(all, { kind: 'ignored', reason: 'every environment listing radixdev.azurecr.io is suspended', suspended: [{ environment: 'development', reason: 'freeze' }] });
    assert.equal(head(), afterOne, 'no commit while suspended');
    assert.ok(log.entries.some((e) => e.event === 'image.suspended' && /development is suspended \(freeze; by ops/.test(String(e.fields.result))));

    for (const i of [0, 1]) await clearSuspension(await client(i), 'gitops-system', 'development');
    const resumed = await onImagePushed(event('master-3'), deps);
    assert.equal(resumed.kind, 'released');
    assert.match(repo.show('master', 'development-configs/op.yaml'), /tag: "master-3"/);
  });
});
