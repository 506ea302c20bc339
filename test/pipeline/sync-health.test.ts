/**
 * A sync that applies a Deployment leaves a delayed health job; the job's check turns the cluster's
 * commit status from the sync's "applied" into "healthy". Real handlers (syncJob, healthJob), the GitHub
 * fake for commit statuses, the Kubernetes fake with its controller simulation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthJob, syncJob } from '../../shared/app/cluster-handlers.ts';
import { createClusterConnector, readSyncState } from '../../shared/clusters/index.ts';
import { readHealth } from '../../shared/clusters/health-check.ts';
import type { HealthJob } from '../../shared/pipeline/health-job.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startKubeFake } from '../support/kube-fake/index.ts';
import { coldSource, REPO, TOKEN } from '../reliability/github-harness.ts';
import { testRuntime } from '../reliability/test-runtime.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';

const GITOPS = 'environments:\n  development:\n    branch: main\n    path: development-configs\n';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: radixdev.azurecr.io/web:master-1
`;
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  a: "1"\n';

test('a sync that applied a Deployment reports "applied", and its health job turns the status into "healthy" once it is available', async (t) => {
  const kube = await startKubeFake({ name: 'c1', controllers: { delayMs: 3_600_000 } });
  const github = await startGitHubFake({ repos: [{ fullName: REPO, branches: ['main'], files: { 'gitops.yaml': GITOPS, 'development-configs/web.yaml': DEPLOYMENT, 'development-configs/settings.yaml': CONFIGMAP } }], token: TOKEN });
  t.after(async () => { await kube.close(); await github.close(); });
  let now = Date.parse('2026-11-30T10:00:00Z');
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
  const health: { job: HealthJob; delayMs: number }[] = [];
  const target = { name: 'c1', origin: 'static' as const, server: kube.url, auth: 'none' as const };
  const runtime = testRuntime({
    source: coldSource(github), settings: { GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN }, jobs: [], clusters: 1, clock,
    fleet: { targets: [target], connector: createClusterConnector({ clock }) },
    healthQueue: { send: async (job, delayMs) => void health.push({ job, delayMs }) },
  });
  const log = memoryLogger();
  const head = (await github.head(REPO, 'main'))!;
  const synced = await syncJob(runtime, log, { v: 1, environment: 'development', cluster: 'c1', reason: 'push', full: true, changed: [], removed: [] }, 'test');
  assert.equal(synced?.outcome, 'synced');
  assert.deepEqual(health.map((h) => [h.job.revision, h.delayMs]), [[head, 15_000]], 'one delayed check for the revision applied');
  const watched = (await readHealth((await runtime.connector.connect(target)).client, 'gitops-system', 'development'))!.health;
  assert.deepEqual([watched.status, watched.pending.map((p) => p.id)], ['progressing', ['default:deployment/web']], 'only the kind with a health rule is watched');
  const context = 'gitops/development/c1';
  const last = () => github.statuses(REPO, head).filter((s) => s.context === context).at(-1);
  assert.equal(last()?.state, 'success');
  assert.match(last()?.description ?? "", /applied/);

  kube.flushControllers();
  now += 15_000;
  const r = await healthJob(runtime, log, health[0]!.job);
  assert.equal(r?.outcome, 'healthy');
  assert.deepEqual([last()?.state, last()?.description], ['success', 'c1: healthy']);
  const state = await readSyncState((await runtime.connector.connect(target)).client, 'gitops-system', 'development');
  assert.deepEqual([state?.revision, state?.health?.revision, state?.health?.status], [head, head, 'healthy'], 'the sync state records the health beside the revision');
});
