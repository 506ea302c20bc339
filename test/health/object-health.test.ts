import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthRule, objectHealth } from '../../shared/health/object-health.ts';

const deployment = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, generation = 2) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps', generation }, spec: { replicas: 2, progressDeadlineSeconds: 600, ...spec }, status,
});
const available = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] };

test('a Deployment is current only when the controller observed its generation and every replica is updated, ready and available', () => {
  assert.deepEqual(objectHealth(deployment(available)), { status: 'current', message: 'Deployment is available. Replicas: 2' });
  assert.equal(objectHealth(deployment({ ...available, observedGeneration: 1 }))?.status, 'in-progress');
  assert.deepEqual(objectHealth(deployment({ ...available, updatedReplicas: 1 })), { status: 'in-progress', message: 'Updated: 1/2' });
  assert.deepEqual(objectHealth(deployment({ ...available, availableReplicas: 1 })), { status: 'in-progress', message: 'Available: 1/2' });
  assert.deepEqual(objectHealth(deployment({ ...available, replicas: 3 })), { status: 'in-progress', message: 'Pending termination: 1' });
  assert.deepEqual(objectHealth(deployment({})), { status: 'in-progress', message: 'Replicas: 0/2' });
  const notProgressed = { ...available, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] };
  assert.deepEqual(objectHealth(deployment(notProgressed)), { status: 'in-progress', message: 'ReplicaSet not Available' });
  assert.equal(objectHealth(deployment(notProgressed, { progressDeadlineSeconds: undefined }))?.status, 'current', 'without a progress deadline the controller sets no Progressing reason');
});

test('a Deployment past its progress deadline has failed, with the controller\'s message', () => {
  const h = objectHealth(deployment({ ...available, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] }));
  assert.deepEqual(h, { status: 'failed', message: 'Progress deadline exceeded: ReplicaSet "web-1" has timed out progressing.' });
});

test('StatefulSets follow replicas, partitions and revisions; DaemonSets need the controller to have observed them', () => {
  const sts = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', generation: 1 }, spec: { replicas: 2, ...spec }, status: { observedGeneration: 1, ...status } });
  const ok = { replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: 'db-2', updateRevision: 'db-2' };
  assert.equal(objectHealth(sts(ok))?.status, 'current');
  assert.deepEqual(objectHealth(sts({ ...ok, updateRevision: 'db-3' })), { status: 'in-progress', message: 'Waiting for updated revision to match current' });
  assert.deepEqual(objectHealth(sts({ ...ok, updatedReplicas: 0 }, { updateStrategy: { rollingUpdate: { partition: 1 } } })), { status: 'in-progress', message: 'updated: 0/1' });
  assert.equal(objectHealth(sts({}, { updateStrategy: { type: 'OnDelete' } }))?.status, 'current');
  const ds = (status: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', generation: 1 }, status });
  assert.deepEqual(objectHealth(ds({})), { status: 'in-progress', message: 'DaemonSet status.observedGeneration not found' });
  assert.deepEqual(objectHealth(ds({ observedGeneration: 1, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2, numberReady: 3 })), { status: 'in-progress', message: 'Available: 2/3' });
  assert.equal(objectHealth(ds({ observedGeneration: 1, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberReady: 3 }))?.status, 'current');
});

test('a Job is healthy when complete and failed when its Failed condition is true', () => {
  const job = (status: Record<string, unknown>) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', generation: 1 }, spec: { completions: 1 }, status });
  assert.deepEqual(objectHealth(job({})), { status: 'in-progress', message: 'Job not started' });
  assert.equal(objectHealth(job({ startTime: '2026-11-30T10:00:00Z', active: 1 }))?.status, 'in-progress');
  assert.deepEqual(objectHealth(job({ startTime: 'x', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] })), { status: 'current', message: 'Job Completed. succeeded: 1/1' });
  assert.deepEqual(objectHealth(job({ startTime: 'x', failed: 6, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] })), { status: 'failed', message: 'Job Failed. failed: 6/1 (BackoffLimitExceeded: Job has reached the specified backoff limit)' });
});

test('a helm-operator HelmRelease fails when Released is False, with its message, and is current when Released is True', () => {
  const hr = (status: Record<string, unknown>) => ({ apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', metadata: { name: 'radix-operator', generation: 3 }, status: { observedGeneration: 3, ...status } });
  assert.deepEqual(objectHealth(hr({ phase: 'Failed', conditions: [{ type: 'Released', status: 'False', reason: 'HelmUpgradeFailed', message: 'upgrade failed: timed out waiting for the condition' }] })), { status: 'failed', message: 'HelmUpgradeFailed: upgrade failed: timed out waiting for the condition' });
  assert.deepEqual(objectHealth(hr({ phase: 'Succeeded', conditions: [{ type: 'Released', status: 'True', message: 'Helm release sync succeeded' }] })), { status: 'current', message: 'Helm release sync succeeded' });
  assert.deepEqual(objectHealth(hr({ phase: 'Upgrading' })), { status: 'in-progress', message: 'phase Upgrading' });
  assert.equal(objectHealth(hr({ observedGeneration: 2, phase: 'Failed', conditions: [{ type: 'Released', status: 'False' }] }))?.status, 'in-progress', 'a status from an older generation says nothing yet');
});

test('Flux v2 HelmReleases and other custom resources follow their Ready condition; without one they have no rule', () => {
  const cr = (apiVersion: string, kind: string, conditions?: unknown[]) => ({ apiVersion, kind, metadata: { name: 'x', generation: 1 }, status: { observedGeneration: 1, ...(conditions ? { conditions } : {}) } });
  assert.deepEqual(objectHealth(cr('helm.toolkit.fluxcd.io/v2', 'HelmRelease', [{ type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'install retries exhausted' }])), { status: 'failed', message: 'InstallFailed: install retries exhausted' });
  assert.equal(objectHealth(cr('cert-manager.io/v1', 'Certificate', [{ type: 'Ready', status: 'True' }]))?.status, 'current');
  assert.equal(objectHealth(cr('cert-manager.io/v1', 'Certificate', [{ type: 'Ready', status: 'Unknown' }]))?.status, 'in-progress');
  assert.equal(objectHealth(cr('radix.equinor.com/v1', 'RadixRegistration')), undefined);
  assert.equal(objectHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), undefined);
  assert.deepEqual([healthRule('networking.k8s.io/v1', 'Ingress'), healthRule('apps/v1', 'ReplicaSet'), healthRule('batch/v1', 'Job')], [undefined, undefined, 'workload']);
});
