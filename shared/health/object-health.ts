/**
 * Rollout health of a live object with kstatus semantics (sigs.k8s.io/cli-utils `pkg/kstatus/status`:
 * generic.go, core.go), as Flux v2's health checks use them:
 *
 * - generic first: a deletion timestamp is in progress (terminating); `status.observedGeneration` behind
 *   `metadata.generation` is in progress; `Reconciling=True` is in progress, `Stalled=True` failed;
 * - Deployment, StatefulSet, DaemonSet and Job: kstatus's rules, replica counts and conditions
 *   (a Deployment's `ProgressDeadlineExceeded` is failed, a Job's `Failed=True` is failed);
 * - HelmRelease `helm.fluxcd.io/v1` (helm-operator): `Released=False` is failed with its message, a failed
 *   `status.phase` is failed, `Released=True` is current;
 * - HelmRelease `helm.toolkit.fluxcd.io` and any custom resource with a `Ready` condition: `Ready=True`
 *   current, `Ready=False` failed with its reason and message, otherwise in progress.
 *
 * Pure: the caller lists the objects.
 */

export type HealthStatus = 'current' | 'in-progress' | 'failed';

export interface Health {
  status: HealthStatus;
  message: string;
}

type Obj = Record<string, any>;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

const current = (message: string): Health => ({ status: 'current', message });
const progressing = (message: string): Health => ({ status: 'in-progress', message });
const failed = (message: string): Health => ({ status: 'failed', message });

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** The rule a kind has: a built-in workload, a HelmRelease, a custom resource (if it has a Ready condition), or none. */
export function healthRule(apiVersion: string, kind: string): 'workload' | 'helm-operator' | 'ready-condition' | undefined {
  const group = groupOf(apiVersion);
  if ((group === 'apps' || group === 'extensions') && (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet')) return 'workload';
  if (group === 'batch' && kind === 'Job') return 'workload';
  if (group === 'helm.fluxcd.io' && kind === 'HelmRelease') return 'helm-operator';
  // Custom resources: any group outside Kubernetes' own (which end in k8s.io or have no dot).
  if (group.includes('.') && !group.endsWith('.k8s.io') && group !== 'k8s.io') return 'ready-condition';
  return undefined;
}

function int(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function conditions(obj: Obj): Condition[] {
  const list = obj.status?.conditions;
  return Array.isArray(list) ? list.filter((c): c is Condition => c && typeof c.type === 'string' && typeof c.status === 'string') : [];
}

const describe = (c: Condition): string => [c.reason, c.message].filter((s) => typeof s === 'string' && s !== '').join(': ') || `${c.type}=${c.status}`;

function generic(obj: Obj): Health | undefined {
  if (obj.metadata?.deletionTimestamp) return progressing('Resource scheduled for deletion');
  const generation = obj.metadata?.generation;
  const observed = obj.status?.observedGeneration;
  if (typeof generation === 'number' && typeof observed === 'number' && generation !== observed) {
    return progressing(`${obj.kind ?? 'object'} generation is ${generation}, but latest observed generation is ${observed}`);
  }
  for (const c of conditions(obj)) {
    if (c.type === 'Reconciling' && c.status === 'True') return progressing(c.message ?? 'Reconciling');
    if (c.type === 'Stalled' && c.status === 'True') return failed(describe(c));
  }
  return undefined;
}

function deployment(obj: Obj): Health {
  let progress = obj.spec?.progressDeadlineSeconds === undefined || obj.spec.progressDeadlineSeconds === 2147483647;
  let available = false;
  for (const c of conditions(obj)) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') return failed(`Progress deadline exceeded${c.message ? `: ${c.message}` : ''}`);
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progress = true;
    }
    if (c.type === 'Available' && c.status === 'True') available = true;
  }
  const spec = int(obj.spec?.replicas, 1);
  const replicas = int(obj.status?.replicas, 0);
  const updated = int(obj.status?.updatedReplicas, 0);
  const ready = int(obj.status?.readyReplicas, 0);
  const avail = int(obj.status?.availableReplicas, 0);
  if (spec > replicas) return progressing(`Replicas: ${replicas}/${spec}`);
  if (spec > updated) return progressing(`Updated: ${updated}/${spec}`);
  if (replicas > spec) return progressing(`Pending termination: ${replicas - spec}`);
  if (updated > avail) return progressing(`Available: ${avail}/${updated}`);
  if (spec > ready) return progressing(`Ready: ${ready}/${spec}`);
  if (!progress) return progressing('ReplicaSet not Available');
  if (!available) return progressing('Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function statefulSet(obj: Obj): Health {
  if (obj.spec?.updateStrategy?.type === 'OnDelete') return current('StatefulSet is using the ondelete update strategy');
  const spec = int(obj.spec?.replicas, 1);
  const ready = int(obj.status?.readyReplicas, 0);
  const currentReplicas = int(obj.status?.currentReplicas, 0);
  const updated = int(obj.status?.updatedReplicas, 0);
  const replicas = int(obj.status?.replicas, 0);
  const partition = int(obj.spec?.updateStrategy?.rollingUpdate?.partition, -1);
  if (spec > replicas) return progressing(`Replicas: ${replicas}/${spec}`);
  if (spec > ready) return progressing(`Ready: ${ready}/${spec}`);
  if (replicas > spec) return progressing(`Pending termination: ${replicas - spec}`);
  if (partition !== -1) {
    if (updated < spec - partition) return progressing(`updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > currentReplicas) return progressing(`current: ${currentReplicas}/${spec}`);
  if ((obj.status?.currentRevision ?? '') !== (obj.status?.updateRevision ?? '')) return progressing('Waiting for updated revision to match current');
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

function daemonSet(obj: Obj): Health {
  if (typeof obj.metadata?.generation !== 'number') return progressing('DaemonSet metadata.generation not found');
  if (typeof obj.status?.observedGeneration !== 'number') return progressing('DaemonSet status.observedGeneration not found');
  const desired = int(obj.status?.desiredNumberScheduled, -1);
  if (desired === -1) return progressing('Missing .status.desiredNumberScheduled');
  const checks: [string, number][] = [
    ['Current', int(obj.status?.currentNumberScheduled, 0)],
    ['Updated', int(obj.status?.updatedNumberScheduled, 0)],
    ['Available', int(obj.status?.numberAvailable, 0)],
    ['Ready', int(obj.status?.numberReady, 0)],
  ];
  for (const [what, n] of checks) if (desired > n) return progressing(`${what}: ${n}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function job(obj: Obj): Health {
  const parallelism = int(obj.spec?.parallelism, 1);
  const completions = int(obj.spec?.completions, parallelism);
  const succeeded = int(obj.status?.succeeded, 0);
  const failedPods = int(obj.status?.failed, 0);
  for (const c of conditions(obj)) {
    if (c.type === 'Complete' && c.status === 'True') return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    if (c.type === 'Failed' && c.status === 'True') return failed(`Job Failed. failed: ${failedPods}/${completions}${c.reason || c.message ? ` (${describe(c)})` : ''}`);
    if (c.type === 'Suspended' && c.status === 'True') return current('Job is suspended');
  }
  if (!obj.status?.startTime) return progressing('Job not started');
  // kstatus counts a running Job as current; a sync waits for it to finish, as `kubectl wait --for=condition=complete`.
  return progressing(`Job in progress. success:${succeeded}, active: ${int(obj.status?.active, 0)}, failed: ${failedPods}`);
}

const HELM_OPERATOR_FAILED = new Set(['ChartFetchFailed', 'DeployFailed', 'TestFailed', 'Failed', 'RollbackFailed', 'RolledBack']);

function helmOperatorRelease(obj: Obj): Health {
  const phase = typeof obj.status?.phase === 'string' ? obj.status.phase : undefined;
  const released = conditions(obj).find((c) => c.type === 'Released');
  if (released?.status === 'False') return failed(describe(released));
  if (phase && HELM_OPERATOR_FAILED.has(phase)) return failed(`phase ${phase}${released?.message ? `: ${released.message}` : ''}`);
  if (released?.status === 'True') return current(released.message ?? `phase ${phase ?? 'unknown'}`);
  return progressing(phase ? `phase ${phase}` : 'not released yet');
}

function readyCondition(obj: Obj): Health | undefined {
  const ready = conditions(obj).find((c) => c.type === 'Ready');
  if (!ready) return undefined;
  if (ready.status === 'True') return current(ready.message ?? 'Ready');
  if (ready.status === 'False') return failed(describe(ready));
  return progressing(describe(ready));
}

/**
 * The health of a live object, or undefined when no rule applies (a kind without one, or a custom
 * resource without a `Ready` condition).
 */
export function objectHealth(obj: Obj): Health | undefined {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const rule = healthRule(apiVersion, kind);
  if (!rule) return undefined;
  if (rule === 'ready-condition' && !conditions(obj).some((c) => c.type === 'Ready')) return undefined;
  const g = generic(obj);
  if (g) return g;
  if (rule === 'helm-operator') return helmOperatorRelease(obj);
  if (rule === 'ready-condition') return readyCondition(obj);
  switch (kind) {
    case 'Deployment': return deployment(obj);
    case 'StatefulSet': return statefulSet(obj);
    case 'DaemonSet': return daemonSet(obj);
    default: return job(obj);
  }
}
