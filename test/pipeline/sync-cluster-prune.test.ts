import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { syncCluster, type SyncClusterDeps } from '../../shared/pipeline/sync-cluster.ts';
import { gcMark, syncSetName, GC_MARK_LABEL } from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { memorySource, memoryStatus, type MemorySource } from '../support/memory-source.ts';
import { configMap, deployment, fakeEnvironment, fastClock, GIT_URL, testConnector, testSettings, yamlDocs } from '../clusters/cluster-fixtures.ts';

// Each test has its own environment directory: the GC mark depends on the git URL, branch and path only.
let ENV_PATH = 'development-configs';

function manifests(names: string[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    [`${ENV_PATH}/ns.yaml`]: yamlDocs({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'p' } }),
    ...Object.fromEntries(names.map((n) => [`${ENV_PATH}/${n}.yaml`, yamlDocs(configMap(n, 'p'))])),
    [`${ENV_PATH}/app.yaml`]: yamlDocs(deployment('app', 'p')),
    [`${ENV_PATH}/README.md`]: 'keeps the directory',
    ...extra,
  };
}

function setup(fake: KubeFake, name: string, source: MemorySource, prune = true) {
  const env = fakeEnvironment([fake], { name, prune, path: ENV_PATH });
  const status = memoryStatus();
  // Every test's environment declares namespace p and deployment app on the one shared cluster: each takes them
  // over from the previous test's environment (without it they are conflicts, see sync-ownership.test.ts).
  const d: SyncClusterDeps = { source, connector: testConnector(), clock: fastClock, log: memoryLogger(), status, settings: testSettings({ takeOverObjects: true }) };
  return { env, d, status, sync: (o: Parameters<typeof syncCluster>[3] = {}) => syncCluster(env, fake.name, d, o) };
}

let testNo = 0;
const has = (fake: KubeFake, name: string) => Boolean(fake.get('v1', 'ConfigMap', 'p', name));

describe('prune (opt-in per environment)', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake({ name: 'weekly-1' }); });
  after(() => fake.close());

  it('deletes owned objects git no longer declares, and keeps those the cluster or git protects', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['a', 'b', 'c', 'd', 'e', 'f']) });
    const { sync } = setup(fake, 'development', source);
    assert.equal((await sync()).counts.applied, 8);
    // The cluster object of "b" is annotated by hand; "c" stays in git with ignore "true".
    const b = fake.get('v1', 'ConfigMap', 'p', 'b')!;
    fake.put({ ...b, metadata: { ...b.metadata, annotations: { ...b.metadata.annotations, 'flux.weave.works/ignore': 'sync_only' } } });
    source.commit('master', manifests(['a', 'd', 'e', 'f'], { [`${ENV_PATH}/c.yaml`]: yamlDocs(configMap('c', 'p', { k: 'v' }, { 'fluxcd.io/ignore': 'true' })) }));
    const r = await sync();
    assert.equal(r.prune?.refused, undefined);
    assert.deepEqual(r.objects.filter((o) => o.action === 'pruned').map((o) => o.id), []);
    assert.deepEqual(r.prune?.protected.map((p) => p.id).sort(), ['p:configmap/b', 'p:configmap/c']);
    assert.ok(has(fake, 'b') && has(fake, 'c'));
    source.commit('master', manifests(['a', 'd', 'e', 'f']));
    const r2 = await sync();
    assert.deepEqual(r2.objects.filter((o) => o.action === 'pruned').map((o) => o.id), ['p:configmap/c']);
    assert.ok(!has(fake, 'c') && has(fake, 'b'));
    assert.match(r2.description, /1 pruned/);
  });

  it('never touches objects another environment (another branch or path) owns, nor copies of its mark', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['own1', 'own2', 'own3']) });
    const { sync, env } = setup(fake, 'isolated', source);
    await sync();
    const otherSet = syncSetName(GIT_URL, 'release', ['playground-configs']);
    fake.put({ ...configMap('theirs', 'p'), metadata: { name: 'theirs', namespace: 'p', labels: { [GC_MARK_LABEL]: gcMark(otherSet, 'p:configmap/theirs') } } });
    const mine = syncSetName(GIT_URL, env.branch, [env.path]);
    fake.put({ ...configMap('copied', 'p'), metadata: { name: 'copied', namespace: 'p', labels: { [GC_MARK_LABEL]: gcMark(mine, 'p:configmap/own1') } } });
    source.commit('master', manifests(['own1', 'own2', 'own3']));
    const r = await sync({ full: true });
    assert.equal(r.counts.pruned, 0);
    assert.ok(has(fake, 'theirs') && has(fake, 'copied'));
  });

  it('prunes what a Flux v1 daemon given --git-path=./<path> created, once fluxGitPaths spells the path as it did; without it those objects are not ours', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['k1', 'k2']) });
    // Flux v1 marked its objects with the set of the raw --git-path; "gone" was deleted from git before the takeover.
    const fluxSet = syncSetName(GIT_URL, 'master', [`./${ENV_PATH}`]);
    fake.put({ ...configMap('gone', 'p'), metadata: { name: 'gone', namespace: 'p', labels: { [GC_MARK_LABEL]: gcMark(fluxSet, 'p:configmap/gone') } } });
    const plain = setup(fake, 'flux-path', source);
    assert.equal((await plain.sync({ full: true })).counts.pruned, 0);
    assert.ok(has(fake, 'gone'), 'the set of [path] does not own what Flux marked with ./path');
    const env = { ...plain.env, fluxGitPaths: [`./${ENV_PATH}`] };
    const r = await syncCluster(env, fake.name, plain.d, { full: true });
    assert.deepEqual(r.objects.filter((o) => o.action === 'pruned').map((o) => o.id), ['p:configmap/gone']);
    assert.ok(!has(fake, 'gone') && has(fake, 'k1'));
    assert.equal(fake.get('v1', 'ConfigMap', 'p', 'k1')!.metadata.labels?.[GC_MARK_LABEL], gcMark(fluxSet, 'p:configmap/k1'), 'applied with the marks Flux v1 wrote');
  });

  it('refuses to prune after a render with errors, and says so in the status', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['r1', 'r2', 'r3', 'r4']) });
    const { sync, status } = setup(fake, 'render-errors', source);
    await sync();
    source.commit('master', manifests(['r1', 'r2', 'r3'], { [`${ENV_PATH}/broken.yaml`]: 'kind: ConfigMap\nmetadata: [unclosed\n' }));
    const r = await sync();
    assert.match(r.prune?.refused ?? '', /render had 1 error/);
    assert.deepEqual(r.prune?.candidates, ['p:configmap/r4']);
    assert.ok(has(fake, 'r4'));
    assert.match(r.description, /prune refused, 1 file error/);
    assert.equal(status.statuses.at(-1)?.state, 'failure');
  });

  it('refuses to prune more than half of what it owns unless forced', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['s1', 's2', 's3', 's4', 's5', 's6']) });
    const { sync } = setup(fake, 'share', source);
    await sync();
    source.commit('master', manifests([]));
    const refused = await sync();
    assert.match(refused.prune?.refused ?? '', /would delete 6 of 8 owned objects \(75%, more than 50%\)/);
    assert.ok(has(fake, 's1'));
    const forced = await sync({ full: true, forcePrune: true });
    assert.equal(forced.counts.pruned, 6);
    assert.ok(!has(fake, 's1') && !has(fake, 's6'));
  });

  it('refuses to prune when the desired state is empty', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: { [`${ENV_PATH}/only.yaml`]: yamlDocs(configMap('only', 'default')) } });
    const { sync } = setup(fake, 'empty', source);
    await sync();
    source.commit('master', { [`${ENV_PATH}/README.md`]: 'everything moved away' });
    const r = await sync();
    assert.match(r.prune?.refused ?? '', /desired state is empty/);
    assert.ok(fake.get('v1', 'ConfigMap', 'default', 'only'));
  });

  it('reports what would go in a dry run and deletes nothing', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['d1', 'd2', 'd3', 'd4']) });
    const { sync } = setup(fake, 'dry-prune', source);
    await sync();
    source.commit('master', manifests(['d1', 'd2', 'd3']));
    const r = await sync({ dryRun: true });
    assert.deepEqual(r.objects.filter((o) => o.step === 'prune' && o.action === 'pruned').map((o) => o.id), ['p:configmap/d4']);
    assert.ok(has(fake, 'd4'));
    assert.match(r.description, /1 would be pruned/);
  });

  it('prunes nothing when the environment has prune off', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['o1', 'o2']) });
    const { sync } = setup(fake, 'off', source, false);
    await sync();
    source.commit('master', manifests(['o1']));
    const r = await sync();
    assert.equal(r.prune, undefined);
    assert.ok(has(fake, 'o2'));
  });

  it('deletes in reverse apply order: the workload before its config', async () => {
    ENV_PATH = `t${++testNo}-configs`;
    const source = memorySource({ master: manifests(['keep1', 'keep2', 'keep3', 'keep4', 'cfg']) });
    const { sync } = setup(fake, 'order', source);
    await sync();
    source.commit('master', { ...manifests(['keep1', 'keep2', 'keep3', 'keep4']), [`${ENV_PATH}/app.yaml`]: yamlDocs(configMap('placeholder', 'p')) });
    const r = await sync();
    assert.deepEqual(r.objects.filter((o) => o.action === 'pruned').map((o) => o.id), ['p:deployment/app', 'p:configmap/cfg']);
  });
});
