/**
 * A small controller simulation for rollout health: after a write changes the spec of a Deployment,
 * StatefulSet, DaemonSet, Job or HelmRelease (helm-operator `helm.fluxcd.io/v1` or Flux's
 * `helm.toolkit.fluxcd.io`), the fake sets its status as the controller would, after `delayMs`:
 * `ready` (rolled out, complete, released), `stuck` (observed but never available) or a failure with a
 * message (ProgressDeadlineExceeded, Job Failed, Released=False, Ready=False).
 */
type Obj = Record<string, any>;

export type ControllerOutcome = 'ready' | 'stuck' | { fail: string };

export interface ControllerOptions {
  /** Delay between the write and the status update (default 0: on the next tick). */
  delayMs?: number;
  /** What happens to an object (default: every object becomes ready). */
  outcome?: (obj: Obj) => ControllerOutcome;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: now(), lastUpdateTime: now() });

/** Whether the simulation acts on this kind. */
export function simulated(apiVersion: string, kind: string): boolean {
  if (apiVersion.startsWith('apps/') && ['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind)) return true;
  if (apiVersion.startsWith('batch/') && kind === 'Job') return true;
  return kind === 'HelmRelease' && (apiVersion.startsWith('helm.fluxcd.io/') || apiVersion.startsWith('helm.toolkit.fluxcd.io/'));
}

/** The status the controller would write for `obj` with this outcome. */
export function simulatedStatus(obj: Obj, outcome: ControllerOutcome): Obj {
  const generation = obj.metadata?.generation ?? 1;
  const name = obj.metadata?.name ?? 'x';
  const fail = typeof outcome === 'object' ? outcome.fail : undefined;
  const ok = outcome === 'ready';
  const replicas = typeof obj.spec?.replicas === 'number' ? obj.spec.replicas : 1;
  switch (obj.kind) {
    case 'Deployment':
      return {
        observedGeneration: generation, replicas, updatedReplicas: replicas,
        readyReplicas: ok ? replicas : 0, availableReplicas: ok ? replicas : 0, ...(ok ? {} : { unavailableReplicas: replicas }),
        conditions: [
          ok ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
          fail !== undefined ? cond('Progressing', 'False', 'ProgressDeadlineExceeded', fail)
            : ok ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}-${generation}" has successfully progressed.`)
              : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${name}-${generation}" is progressing.`),
        ],
      };
    case 'StatefulSet':
      return { observedGeneration: generation, replicas, readyReplicas: ok ? replicas : 0, currentReplicas: replicas, updatedReplicas: replicas, currentRevision: `${name}-${generation}`, updateRevision: `${name}-${generation}` };
    case 'DaemonSet':
      return { observedGeneration: generation, desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: ok ? 2 : 0, numberReady: ok ? 2 : 0 };
    case 'Job':
      return fail !== undefined
        ? { startTime: now(), failed: 1, conditions: [cond('Failed', 'True', 'BackoffLimitExceeded', fail)] }
        : ok ? { startTime: now(), succeeded: 1, completionTime: now(), conditions: [cond('Complete', 'True', '', '')] } : { startTime: now(), active: 1 };
    default:
      if (String(obj.apiVersion).startsWith('helm.fluxcd.io/')) {
        return fail !== undefined
          ? { observedGeneration: generation, phase: 'Failed', conditions: [cond('Released', 'False', 'HelmUpgradeFailed', fail)] }
          : ok ? { observedGeneration: generation, phase: 'Succeeded', releaseName: name, conditions: [cond('Released', 'True', 'HelmSuccess', 'Helm release sync succeeded')] } : { observedGeneration: generation, phase: 'Upgrading' };
      }
      return {
        observedGeneration: generation,
        conditions: [fail !== undefined ? cond('Ready', 'False', 'UpgradeFailed', fail) : ok ? cond('Ready', 'True', 'ReconciliationSucceeded', 'Release reconciliation succeeded') : cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress')],
      };
  }
}
