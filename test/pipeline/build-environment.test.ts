/**
 * What a sync would send without a cluster (shared/pipeline/build-environment.ts): `gitops build`'s objects, and
 * the dry-run folder target `gitops sync --out` and the local host write; and suspending or resuming an
 * environment cluster by cluster (`changeSuspension`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { applyItems, CHECKSUM_ANNOTATION, GC_MARK_LABEL, readStateObject, syncSetName } from '../../shared/clusters/index.ts';
import { syncSetPaths } from '../../shared/config/index.ts';
import { buildEnvironment, writeEnvironment } from '../../shared/pipeline/build-environment.ts';
import { changeSuspension } from '../../shared/pipeline/environment-suspension.ts';
import { fakeEnvironment, GIT_URL, testConnector } from '../clusters/cluster-fixtures.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { memorySource } from '../support/memory-source.ts';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;
const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n';
const source = memorySource({
  master: { 'development-configs/cm.yaml': configMap('settings'), 'development-configs/ns.yaml': namespace, 'development-configs/broken.yaml': 'kind: [' },
});
const env = fakeEnvironment([]);

let dir: string;
before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'build-environment-')); });
after(() => rm(dir, { recursive: true, force: true }));

describe('an environment built without a cluster', () => {
  it('gives the objects as applied, in apply order, with the render\'s errors', async () => {
    const { objects, rendered } = await buildEnvironment(source, env, source.head('master'));
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata?.name}`), ['Namespace/web', 'ConfigMap/settings']);
    assert.equal(objects[1]!.metadata?.namespace, 'default', 'the environment\'s namespace filled in');
    assert.deepEqual(rendered.errors.map((e) => e.file), ['development-configs/broken.yaml']);
  });

  it('writes the same objects to the folder target with the ownership mark and checksum, stamped only when given a clock', async () => {
    const revision = source.head('master');
    const target = path.join(dir, 'development');
    const plain = await writeEnvironment(source, env, revision, { dir: target, gitUrl: GIT_URL });
    assert.deepEqual(plain.written, [
      { id: '<cluster>:namespace/web', file: '0001-_cluster_namespace_web.yaml' },
      { id: 'default:configmap/settings', file: '0002-default_configmap_settings.yaml' },
    ]);
    const files = (await readdir(target)).sort();
    assert.deepEqual(files, plain.written.map((w) => w.file).sort(), 'one file per object, no stamp');
    // Each file is exactly the body a cluster would be sent.
    const items = applyItems(plain.rendered.resources, syncSetName(GIT_URL, env.branch, syncSetPaths(env)));
    for (const [i, w] of plain.written.entries()) assert.deepEqual(parse(await readFile(path.join(target, w.file), 'utf8')), items[i]!.body);
    const cm = parse(await readFile(path.join(target, plain.written[1]!.file), 'utf8'));
    assert.ok(cm.metadata.labels[GC_MARK_LABEL] && cm.metadata.annotations[CHECKSUM_ANNOTATION], 'marked and checksummed');

    const stamped = await writeEnvironment(source, env, revision, { dir: target, gitUrl: GIT_URL, clock: { now: () => Date.parse('2026-11-30T12:00:00Z'), sleep: async () => {} } });
    const stamp = JSON.parse(await readFile(path.join(target, '_sync.json'), 'utf8'));
    assert.deepEqual(stamp, { revision, at: '2026-11-30T12:00:00.000Z', objects: stamped.written.map((w) => w.id) });

    const other = await writeEnvironment(source, env, revision, { dir: path.join(dir, 'other'), gitUrl: 'https://github.com/someone/else' });
    const otherCm = parse(await readFile(path.join(dir, 'other', other.written[1]!.file), 'utf8'));
    assert.notEqual(otherCm.metadata.labels[GC_MARK_LABEL], cm.metadata.labels[GC_MARK_LABEL], 'the mark follows the git URL');
  });
});

describe('suspending an environment cluster by cluster', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake({ name: 'dev-a' }); });
  after(() => fake.close());

  it('writes each reachable cluster and reports the unreachable one, on suspend and on resume', async () => {
    const connector = testConnector();
    const e = fakeEnvironment([fake], { clusters: { static: [{ name: 'dev-a', server: fake.url, auth: 'none' }, { name: 'gone', server: 'http://127.0.0.1:1', auth: 'none' }] } });
    const targets = await connector.discover(e);
    const deps = { connector, stateNamespace: 'gitops-system' };
    const suspension = { reason: 'incident 42', by: 'alice@laptop (gitops CLI)', at: '2026-11-30T12:00:00.000Z' };

    const suspended = await changeSuspension(e, targets, deps, suspension);
    assert.deepEqual(suspended.map(({ error, ...r }) => ({ ...r, failed: Boolean(error) })), [
      { environment: 'development', cluster: 'dev-a', suspended: true, failed: false },
      { environment: 'development', cluster: 'gone', suspended: false, failed: true },
    ]);
    const client = (await connector.connect(targets[0]!)).client;
    assert.deepEqual((await readStateObject(client, 'gitops-system', 'development')).suspension, suspension);

    const resumed = await changeSuspension(e, targets, deps, undefined);
    assert.deepEqual(resumed.map(({ error, ...r }) => ({ ...r, failed: Boolean(error) })), [
      { environment: 'development', cluster: 'dev-a', suspended: false, wasSuspended: true, failed: false },
      { environment: 'development', cluster: 'gone', suspended: undefined, failed: true },
    ]);
    assert.equal((await readStateObject(client, 'gitops-system', 'development')).suspension, undefined);
  });
});
