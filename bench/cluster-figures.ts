/**
 * The cluster half of the benchmarks: slots until pipeline.syncCluster (shared/pipeline/sync-cluster.ts) and
 * the apply of shared/clusters land. Each figure is printed as null with the reason; the fleet of Kubernetes
 * fakes they will run against is ready below.
 *
 * To fill push_to_applied_ms (a small addition): in `pushToApplied`, start `startFleet(o.clusters, o.kubeLatencyMs)`
 * and the GitHub fake with `realisticManifests(o.manifests)` (bench/github-calls.ts shows the setup), point a
 * ClusterConnector at the fleet, bootstrap every cluster once, commit `o.changed` changed manifests, then time
 * from the webhook delivery (githubWebhook → jobs) to the moment every job's syncCluster has returned `synced`
 * (run them concurrently, as the queue would). push_lower_bound_ms is the latency floor of that path with
 * unlimited parallelism: (GitHub calls on the critical path) × githubLatencyMs + (Kubernetes round trips on
 * the critical path: lease, state read, one per apply rank, state write, lease release) × kubeLatencyMs; take
 * the counts from the fakes' request logs of the same run. bootstrap_2000_objects_ms applies 2,000 objects to
 * an empty cluster through the ranked apply; sequential_baseline_ms applies the same objects one at a time.
 */
import { startKubeFake, type KubeFake } from '../test/support/kube-fake/index.ts';
import { pending, type Figure } from './report.ts';

export const NEEDS_SYNC_CLUSTER = 'needs shared/pipeline/sync-cluster.ts';
export const NEEDS_CLUSTER_APPLY = 'needs shared/clusters apply (with shared/pipeline/sync-cluster.ts)';

export interface ClusterBenchOptions {
  clusters: number;
  manifests: number;
  changed: number;
  githubLatencyMs: number;
  kubeLatencyMs: number;
}

/** `count` Kubernetes fakes with the given latency per request (close them all when done). */
export async function startFleet(count: number, latencyMs: number): Promise<KubeFake[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startKubeFake({ name: `cluster-${i + 1}`, latencyMs })));
}

/** push_to_applied_ms, push_lower_bound_ms and their ratio. */
export async function pushToApplied(o: ClusterBenchOptions): Promise<Figure[]> {
  const what = `${o.clusters} clusters, ${o.changed} of ${o.manifests} manifests changed`;
  return [
    { ...pending('push_to_applied_ms', 'ms', `close to push_lower_bound_ms (${what})`, NEEDS_SYNC_CLUSTER) },
    { ...pending('push_lower_bound_ms', 'ms', 'the latency floor of the same path', NEEDS_SYNC_CLUSTER) },
    { ...pending('push_to_applied_ratio', '×', 'push_to_applied_ms / push_lower_bound_ms', NEEDS_SYNC_CLUSTER) },
  ];
}

/** bootstrap_2000_objects_ms against the sequential baseline. */
export async function bootstrap(_o: ClusterBenchOptions): Promise<Figure[]> {
  return [
    pending('bootstrap_2000_objects_ms', 'ms', 'well under sequential_baseline_ms', NEEDS_CLUSTER_APPLY),
    pending('sequential_baseline_ms', 'ms', 'the same 2,000 objects applied one at a time', NEEDS_CLUSTER_APPLY),
  ];
}

export async function clusterFigures(o: ClusterBenchOptions): Promise<Figure[]> {
  return [...(await pushToApplied(o)), ...(await bootstrap(o))];
}
