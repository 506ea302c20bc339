import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acquireLease, systemClock } from '../../shared/clusters/index.ts';
import { parseConfig } from '../../shared/config/index.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { syncCluster } from '../../shared/pipeline/sync-cluster.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { makeRepo, type TestRepo } from '../support/git-repo.ts';
import { runCli } from '../support/run-cli.ts';
import { startCliClusters, type CliClusters } from './cli-clusters.ts';

const GITOPS_YAML = 'environments:\n  dev:\n    branch: master\n    path: configs\n    clusters:\n      kubeconfig: { contexts: "dev-*" }\n';
const cm = (name: string, v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: default }\ndata: { v: "${v}" }\n`;
const badDeployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: default }\nspec:\n  replicas: many\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: web, image: "nginx:1" }] } }\n';

describe('gitops status (CLI) after syncs by the pipeline', () => {
  let dir: string;
  let repo: TestRepo;
  let clusters: CliClusters;
  let first: string;
  let head: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gitops-status-'));
    repo = makeRepo({ 'gitops.yaml': GITOPS_YAML, 'configs/app.yaml': cm('app', '1') });
    first = repo.git('rev-parse', 'HEAD');
    clusters = await startCliClusters(dir, ['dev-a', 'dev-b']);
    const config = parseConfig(GITOPS_YAML, 'gitops.yaml');
    const env = clusters.environment(config.environments[0]!, 'dev-*');
    const source = new LocalGitSource(repo.dir);
    const deps = { source, connector: clusters.connector, clock: systemClock, log: silentLogger, settings: { gitUrl: 'git@github.com:o/r', holderIdentity: 'fn-1' } };
    for (const name of ['dev-a', 'dev-b']) assert.equal((await syncCluster(env, name, deps)).outcome, 'synced');
    // A second commit with an object the server refuses, synced to dev-a only: dev-b stays behind.
    await writeFile(path.join(repo.dir, 'configs/app.yaml'), cm('app', '2'));
    await writeFile(path.join(repo.dir, 'configs/web.yaml'), badDeployment);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'second');
    head = repo.git('rev-parse', 'HEAD');
    const r = await syncCluster(env, 'dev-a', deps);
    assert.equal(r.counts.failed, 1, r.description);
    // Another worker is syncing dev-b right now.
    const conn = await clusters.connector.connect((await clusters.connector.discover(env)).find((c) => c.name === 'dev-b')!);
    await acquireLease(conn.client, { namespace: 'gitops-system', environment: 'dev', holder: 'fn-2@instance-7', clock: systemClock });
  });
  after(async () => { await clusters.close(); await rm(dir, { recursive: true, force: true }); });

  it('--json gives one row per cluster: applied vs HEAD, behind, full sync, failing objects with messages, lease holder', async () => {
    const r = await runCli(['status', '--repo', repo.dir, '--kubeconfig', clusters.kubeconfig, '--context', 'dev-*', '--json'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<Record<string, any>>;
    const a = rows.find((x) => x.cluster === 'dev-a')!;
    const b = rows.find((x) => x.cluster === 'dev-b')!;
    assert.deepEqual([a.environment, a.head, a.applied, a.behind, a.lastSyncFull, a.lease, a.suspended], ['dev', head, head, false, false, null, null]);
    assert.equal(a.failing.length, 1);
    assert.equal(a.failing[0].id, 'default:deployment/web');
    assert.match(a.failing[0].message, /replicas/);
    assert.deepEqual([b.head, b.applied, b.behind, b.lastSyncFull, b.failing], [head, first, true, true, []]);
    assert.equal(b.lease.holder, 'fn-2@instance-7');
    assert.ok(Date.parse(b.lease.expiresAt) > Date.now());
  });

  it('human output fits 80 columns and names what needs attention', async () => {
    const r = await runCli(['status', '--repo', repo.dir, '--kubeconfig', clusters.kubeconfig, '--context', 'dev-*'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^dev  \\(HEAD ${head.slice(0, 7)}\\)\\n  CLUSTER +APPLIED +LAST SYNC +STATUS\\n`));
    assert.match(r.stdout, new RegExp(`\\n  dev-a +${head.slice(0, 7)} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ +1 failing\\n    last full sync .*\\n    ! default:deployment/web: 422 Invalid: .*\\n      spec\\.replicas: `));
    assert.match(r.stdout, new RegExp(`\\n  dev-b +${first.slice(0, 7)} +\\S+ \\S+ full +behind, syncing\\n    lease held by fn-2@instance-7 until `));
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  });

  it('a context pattern matching nothing and an unknown environment exit 2', async () => {
    const none = await runCli(['status', '--repo', repo.dir, '--env', 'dev', '--kubeconfig', clusters.kubeconfig, '--context', 'dev-none*'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no context in .*kubeconfig matches dev-none\*/);
    const bad = await runCli(['status', '--repo', repo.dir, '--env', 'nope', '--kubeconfig', clusters.kubeconfig], { cwd: dir });
    assert.equal(bad.code, 2);
  });
  it('without --kubeconfig it reads the clusters the environment itself selects, as the app does (here a static server)', async () => {
    const fake = clusters.fakes.get('dev-b')!;
    await writeFile(path.join(dir, 'static.yaml'), `environments:\n  dev:\n    branch: master\n    path: configs\n    clusters:\n      static: [{ name: weekly-b, server: "${fake.url}", auth: none }]\n`);
    const r = await runCli(['status', '--repo', repo.dir, '--config', path.join(dir, 'static.yaml'), '--json'], { cwd: dir });
    const rows = JSON.parse(r.stdout) as Array<Record<string, any>>;
    assert.deepEqual(rows.map((x) => [x.cluster, x.applied, x.behind, x.lease?.holder]), [['weekly-b', first, true, 'fn-2@instance-7']]);
  });
});
