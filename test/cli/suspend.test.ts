import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../shared/clusters/index.ts';
import { parseConfig } from '../../shared/config/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { reconcile } from '../../shared/pipeline/reconcile.ts';
import { syncCluster } from '../../shared/pipeline/sync-cluster.ts';
import type { SyncJob } from '../../shared/pipeline/sync-job.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { makeRepo, type TestRepo } from '../support/git-repo.ts';
import { memoryStatus } from '../support/memory-source.ts';
import { runCli } from '../support/run-cli.ts';
import { startCliClusters, type CliClusters } from './cli-clusters.ts';

const GITOPS_YAML = 'environments:\n  dev:\n    branch: master\n    path: configs\n    clusters:\n      kubeconfig: { contexts: "dev-*" }\n';
const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app, namespace: default }\ndata: { v: "${v}" }\n`;

describe('gitops suspend and resume against the Kubernetes fake and a local git repository', () => {
  let dir: string;
  let repo: TestRepo;
  let clusters: CliClusters;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gitops-suspend-'));
    repo = makeRepo({ 'gitops.yaml': GITOPS_YAML, 'configs/app.yaml': cm('1') });
    clusters = await startCliClusters(dir, ['dev-a', 'dev-b']);
  });
  after(async () => { await clusters.close(); await rm(dir, { recursive: true, force: true }); });

  it('a suspended cluster skips the sync of a push with a pending status and a log line; resume lets the next sync apply HEAD', async () => {
    const env = clusters.environment(parseConfig(GITOPS_YAML, 'gitops.yaml').environments[0]!, 'dev-*');
    const status = memoryStatus();
    const log = memoryLogger();
    const deps = { source: new LocalGitSource(repo.dir), status, connector: clusters.connector, clock: systemClock, log, settings: { gitUrl: 'git@github.com:o/r', holderIdentity: 'fn-1' } };
    for (const c of ['dev-a', 'dev-b']) assert.equal((await syncCluster(env, c, deps)).outcome, 'synced');
    const kube = ['--repo', repo.dir, '--kubeconfig', clusters.kubeconfig, '--context', 'dev-*'];

    const s = await runCli(['suspend', '--env', 'dev', '--cluster', 'dev-a', '--reason', 'incident 42: hold', ...kube, '--json'], { env: { USER: 'alice' } });
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(JSON.parse(s.stdout), [{ environment: 'dev', cluster: 'dev-a', suspended: true }]);

    await writeFile(path.join(repo.dir, 'configs/app.yaml'), cm('2'));
    repo.git('commit', '-qam', 'second');
    const head = repo.git('rev-parse', 'HEAD');
    const job = (cluster: string): SyncJob => ({ v: 1, environment: 'dev', cluster, reason: 'push', revision: head, full: false, changed: ['configs/app.yaml'], removed: [] });
    const skipped = await syncCluster(env, 'dev-a', deps, { job: job('dev-a') });
    assert.equal(skipped.outcome, 'suspended');
    assert.equal(skipped.retryable, false);
    assert.equal(clusters.fakes.get('dev-a')!.get('v1', 'ConfigMap', 'default', 'app')?.data.v, '1', 'nothing applied');
    assert.deepEqual(status.statuses.at(-1), { revision: head, context: 'gitops/dev/dev-a', state: 'pending', description: `dev-a: suspended, ${head.slice(0, 7)} not applied (incident 42: hold)` });
    assert.ok(log.entries.some((e) => e.event === 'sync.suspended' && /suspended by alice@.* \(gitops CLI\) at .*: incident 42: hold/.test(String(e.fields.result))));
    assert.equal((await syncCluster(env, 'dev-b', deps, { job: job('dev-b') })).outcome, 'synced', 'the other cluster is not suspended');

    const q: SyncJob[] = [];
    const rec = await reconcile([env], { source: deps.source, connector: clusters.connector, queue: { send: async (j: SyncJob) => void q.push(j) } as never, clock: systemClock, log: memoryLogger(), settings: {} });
    assert.deepEqual(rec.clusters.map((c) => [c.cluster, c.decision]).sort(), [['dev-a', 'suspended'], ['dev-b', 'current']]);
    assert.equal(q.length, 0, 'the timer queues nothing for a suspended cluster');

    const st = JSON.parse((await runCli(['status', '--env', 'dev', ...kube, '--json'])).stdout) as Array<Record<string, any>>;
    const a = st.find((r) => r.cluster === 'dev-a')!;
    assert.deepEqual([a.behind, a.suspended.reason, a.suspended.by.startsWith('alice@')], [true, 'incident 42: hold', true]);
    const human = await runCli(['status', '--env', 'dev', ...kube]);
    assert.match(human.stdout, /\n  dev-a +\S+ +.* +suspended, behind\n    suspended .* by alice@.*: incident 42: hold\n/);

    const r = await runCli(['resume', '--env', 'dev', ...kube, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).map((x: { cluster: string; wasSuspended: boolean }) => [x.cluster, x.wasSuspended]).sort(), [['dev-a', true], ['dev-b', false]]);
    const rec2 = await reconcile([env], { source: deps.source, connector: clusters.connector, queue: { send: async (j: SyncJob) => void q.push(j) } as never, clock: systemClock, log: memoryLogger(), settings: {} });
    assert.deepEqual(rec2.clusters.find((c) => c.cluster === 'dev-a')?.decision, 'behind');
    const resumed = await syncCluster(env, 'dev-a', deps, { job: q[0]! });
    assert.equal(resumed.outcome, 'synced', resumed.description);
    assert.equal(resumed.revision, head);
    assert.equal(clusters.fakes.get('dev-a')!.get('v1', 'ConfigMap', 'default', 'app')?.data.v, '2', 'HEAD applied after resume');
  });

  it('the CLI sync of a suspended cluster applies nothing and exits 1 saying how to resume; --reason is required', async () => {
    const kube = ['--repo', repo.dir, '--kubeconfig', clusters.kubeconfig, '--context', 'dev-b'];
    assert.equal((await runCli(['suspend', '--env', 'dev', ...kube])).code, 2);
    assert.equal((await runCli(['suspend', '--env', 'dev', '--reason', 'freeze', ...kube])).code, 0);
    const r = await runCli(['sync', '--env', 'dev', ...kube]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^dev-b: suspended, working-tree not applied \(freeze\)\n  suspended by /);
    assert.match(r.stdout.replace(/\n +/g, ' '), /: freeze \(gitops resume --env dev ends it\)\n$/);
    assert.equal((await runCli(['resume', '--env', 'dev', ...kube])).code, 0);
    const again = await runCli(['sync', '--env', 'dev', ...kube]);
    assert.equal(again.code, 0, again.stdout);
  });
});
