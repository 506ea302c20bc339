/**
 * Rollout health against the Kubernetes fake with its controller simulation, through the real cluster
 * connector. The clock is fake: each delayed health job runs at once with the clock moved by its delay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterConnector, ensureNamespace, type Clock, type ClusterConnection } from '../../shared/clusters/index.ts';
import { readHealth, type WatchedObject } from '../../shared/clusters/health-check.ts';
import type { HealthJob } from '../../shared/pipeline/health-job.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { runHealthJob, watchHealth, type HealthJobResult } from '../../shared/pipeline/rollout-health.ts';
import { startKubeFake, type ControllerOptions, type KubeFake } from '../support/kube-fake/index.ts';
import { applyAt } from '../support/kube-fake/http-client.ts';

const NS = 'gitops-system';
const REV = 'a'.repeat(40);

function fakeClock(): Clock & { advance(ms: number): void } {
  let t = Date.parse('2026-11-30T10:00:00Z');
  return { now: () => t, sleep: async (ms: number) => void (t += ms), advance: (ms: number) => void (t += ms) };
}

interface Rig { fake: KubeFake; conn: ClusterConnection; clock: ReturnType<typeof fakeClock>; jobs: { job: HealthJob; delayMs: number }[]; statuses: { state: string; description: string; context: string }[] }

async function rig(t: { after(fn: () => unknown): void }, controllers: ControllerOptions): Promise<Rig> {
  const fake = await startKubeFake({ controllers: { delayMs: 3_600_000, ...controllers } });
  t.after(() => fake.close());
  const clock = fakeClock();
  const conn = await createClusterConnector({ clock }).connect({ name: 'c1', origin: 'static', server: fake.url, auth: 'none' });
  await ensureNamespace(conn.client, NS);
  return { fake, conn, clock, jobs: [], statuses: [] };
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: { replicas: 2, progressDeadlineSeconds: 600, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } } },
});
const watched = (o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): WatchedObject => ({
  id: `${o.metadata.namespace ?? '<cluster>'}:${o.kind.toLowerCase()}/${o.metadata.name}`, apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name,
});

async function apply(r: Rig, obj: Record<string, any>, plural: string): Promise<void> {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const root = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const res = await applyAt(r.fake.url, `${root}/namespaces/${obj.metadata.namespace}/${plural}/${obj.metadata.name}`, obj, 'serverless-gitops');
  assert.ok(res.status < 300, JSON.stringify(res.body));
}

/** Starts watching, then runs each delayed job as the queue would deliver it, until one decides. */
async function watchUntilDecided(r: Rig, objects: WatchedObject[], timeoutMs = 600_000): Promise<HealthJobResult[]> {
  const queue = { send: async (job: HealthJob, delayMs: number) => void r.jobs.push({ job, delayMs }) };
  const n = await watchHealth({ conn: r.conn, environment: 'development', cluster: 'c1', revision: REV, applied: objects, stateNamespace: NS, timeoutMs, queue, clock: r.clock });
  assert.equal(n, objects.length);
  const status = { setStatus: async (_rev: string, s: { state: string; description: string; context: string }) => void r.statuses.push(s) };
  const results: HealthJobResult[] = [];
  for (let i = 0; i < r.jobs.length; i++) {
    r.clock.advance(r.jobs[i]!.delayMs);
    results.push(await runHealthJob(r.jobs[i]!.job, { connect: async () => r.conn, stateNamespace: NS, queue, status, clock: r.clock, log: memoryLogger() }));
  }
  return results;
}

test('a Deployment that becomes available turns the cluster\'s status to success "healthy", with one list per kind and namespace per check', async (t) => {
  const r = await rig(t, {});
  await apply(r, deployment('web'), 'deployments');
  await apply(r, deployment('api'), 'deployments');
  r.fake.flushControllers();
  r.fake.resetCounts();
  const results = await watchUntilDecided(r, [watched(deployment('web')), watched(deployment('api'))]);
  assert.deepEqual(results.map((x) => x.outcome), ['healthy']);
  assert.equal(results[0]!.outcome === 'healthy' && results[0].lists, 1);
  assert.deepEqual(r.statuses, [{ context: 'gitops/development/c1', state: 'success', description: 'c1: healthy' }]);
  assert.equal(r.jobs[0]!.delayMs, 15_000, 'the first check waits 15 s');
  assert.equal((await readHealth(r.conn.client, NS, 'development'))?.health.status, 'healthy');
});

test('a Deployment that is still rolling out is checked again with a growing delay until it is available', async (t) => {
  const r = await rig(t, {});
  await apply(r, deployment('web'), 'deployments');
  const queue = { send: async (job: HealthJob, delayMs: number) => void r.jobs.push({ job, delayMs }) };
  await watchHealth({ conn: r.conn, environment: 'development', cluster: 'c1', revision: REV, applied: [watched(deployment('web'))], stateNamespace: NS, timeoutMs: 600_000, queue, clock: r.clock });
  const deps = { connect: async () => r.conn, stateNamespace: NS, queue, clock: r.clock, log: memoryLogger() };
  r.clock.advance(15_000);
  assert.equal((await runHealthJob(r.jobs[0]!.job, deps)).outcome, 'waiting');
  assert.equal(r.jobs[1]!.delayMs, 30_000);
  r.fake.flushControllers();
  r.clock.advance(30_000);
  assert.equal((await runHealthJob(r.jobs[1]!.job, deps)).outcome, 'healthy');
});

test('a Deployment that never becomes available fails after the timeout, naming it; checks back off and never pass the deadline', async (t) => {
  const r = await rig(t, { outcome: (o) => (o.metadata.name === 'stuck' ? 'stuck' : 'ready') });
  await apply(r, deployment('web'), 'deployments');
  await apply(r, deployment('stuck'), 'deployments');
  r.fake.flushControllers();
  const results = await watchUntilDecided(r, [watched(deployment('web')), watched(deployment('stuck'))]);
  assert.equal(results.at(-1)!.outcome, 'timed-out');
  assert.ok(results.slice(0, -1).every((x) => x.outcome === 'waiting'));
  assert.deepEqual(r.jobs.map((j) => j.delayMs / 1000), [15, 30, 60, 120, 240, 135], 'backing off from 15 s, the last check at the 10 minute deadline');
  assert.deepEqual(r.statuses, [{ context: 'gitops/development/c1', state: 'failure', description: 'c1: timed out waiting for default:deployment/stuck' }]);
  const health = (await readHealth(r.conn.client, NS, 'development'))!.health;
  assert.equal(health.status, 'timed-out');
  assert.match(health.message, /default:deployment\/stuck \(Available: 0\/2\)/);
});

test('a Deployment past its progress deadline is degraded at once, with the controller\'s reason', async (t) => {
  const r = await rig(t, { outcome: () => ({ fail: 'ReplicaSet "web-1" has timed out progressing.' }) });
  await apply(r, deployment('web'), 'deployments');
  r.fake.flushControllers();
  const results = await watchUntilDecided(r, [watched(deployment('web'))]);
  assert.deepEqual(results.map((x) => x.outcome), ['degraded']);
  assert.deepEqual(r.statuses.map((s) => [s.state, s.description]), [['failure', 'c1: degraded: default:deployment/web: Progress deadline exceeded: ReplicaSet "web-1" has timed out progressing.']]);
});

const HELM_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'helmreleases.helm.fluxcd.io' },
  spec: {
    group: 'helm.fluxcd.io', scope: 'Namespaced', names: { kind: 'HelmRelease', plural: 'helmreleases', singular: 'helmrelease', listKind: 'HelmReleaseList', shortNames: ['hr'] },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

test('a helm-operator HelmRelease whose Released condition is False fails with its message', async (t) => {
  const r = await rig(t, { outcome: () => ({ fail: 'Helm upgrade failed: timed out waiting for the condition' }) });
  r.fake.put(HELM_CRD);
  await r.conn.discovery.load(true);
  const hr = { apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'radix-operator', namespace: 'default' }, spec: { releaseName: 'radix-operator', chart: { repository: 'https://charts.example', name: 'radix-operator', version: '1.0.0' } } };
  await apply(r, hr, 'helmreleases');
  r.fake.flushControllers();
  const results = await watchUntilDecided(r, [watched(hr)]);
  assert.deepEqual(results.map((x) => x.outcome), ['degraded']);
  assert.deepEqual(r.statuses.map((s) => [s.state, s.description]), [['failure', 'c1: degraded: default:helmrelease/radix-operator: HelmUpgradeFailed: Helm upgrade failed: timed out waiting for the condition']]);
});

test('a job for a revision a newer sync replaced does nothing', async (t) => {
  const r = await rig(t, {});
  await apply(r, deployment('web'), 'deployments');
  const queue = { send: async (job: HealthJob, delayMs: number) => void r.jobs.push({ job, delayMs }) };
  await watchHealth({ conn: r.conn, environment: 'development', cluster: 'c1', revision: REV, applied: [watched(deployment('web'))], stateNamespace: NS, timeoutMs: 600_000, queue, clock: r.clock });
  await watchHealth({ conn: r.conn, environment: 'development', cluster: 'c1', revision: 'b'.repeat(40), applied: [watched(deployment('web'))], stateNamespace: NS, timeoutMs: 600_000, queue, clock: r.clock });
  const statuses: unknown[] = [];
  const result = await runHealthJob(r.jobs[0]!.job, { connect: async () => r.conn, stateNamespace: NS, queue, status: { setStatus: async (_r, s) => void statuses.push(s) }, clock: r.clock, log: memoryLogger() });
  assert.equal(result.outcome, 'superseded');
  assert.deepEqual([statuses.length, r.jobs.length], [0, 2]);
});

test('objects without a health rule are not waited for', async (t) => {
  const r = await rig(t, {});
  const queue = { send: async () => assert.fail('no job for objects without health rules') };
  const n = await watchHealth({ conn: r.conn, environment: 'development', cluster: 'c1', revision: REV, applied: [{ id: 'default:configmap/c', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'c' }], stateNamespace: NS, timeoutMs: 600_000, queue, clock: r.clock });
  assert.equal(n, 0);
});
