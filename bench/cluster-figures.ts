/**
 * The cluster half of the benchmarks, against the fakes on loopback with injected latency per request: each request
 * is answered G (GitHub) or K (Kubernetes) after it arrives, the fake's own work inside that time, as the floor counts
 * a call (a fake that is short of CPU answers later).
 *
 * push_to_applied_ms: the pipeline as deployed (test/reliability/cluster-harness.ts): the GitHub fake records
 * the push's signed webhook; the real webhook handler (githubWebhook → onPush) enqueues one job per cluster
 * on the in-process MemoryJobQueue; one worker per cluster runs the real queue handler (syncJob →
 * syncCluster) in parallel, as Azure runs each job in its own invocation; all on one warm instance (config,
 * discovery, connections and blob texts cached, its code compiled: after the warm-up pushes). Every cluster is
 * bootstrapped once (reconcile), then each push (warm-up, then measured) commits a bump of the image tag of
 * `changed` workload manifests (of `manifests`); a run times from the delivery handed to the webhook handler to the
 * last cluster's `sync.done`:
 * its objects applied and its sync state recorded. The jobs then release their leases and wait for their final
 * commit statuses, which the figure's rows report as "jobs returned" (on Azure the GitHub client spaces
 * content-creating requests a second apart, so with many clusters the last status is answered seconds after
 * the objects were applied; nothing waits for it).
 *
 * push_lower_bound_ms: the latency floor of that path with unlimited parallelism, from the protocol's
 * dependent round trips (G = GitHub latency, K = Kubernetes latency, R = apply ranks of the changed objects):
 *   webhook: (GitHub calls onPush made) × G, then per cluster, all clusters in parallel:
 *   lease get + create/update (2K) → sync state read ∥ resolve HEAD, both under the lease (max(K, G)) →
 *   tree of HEAD (G) → changed file texts (G) → one apply round per rank (R × K) → state write (K).
 * Commit statuses, lease renewals and the lease release are not in the floor (the objects are applied and
 * recorded before them). The tree read is: the sync renders the environment at HEAD, whose file list it needs
 * before it can read the texts.
 *
 * The fakes run in child processes (test/reliability/cluster-fakes-process.ts): the GitHub fake in one (it forks git
 * for most requests), the Kubernetes fakes (server-side apply) spread over as many as the machine has cores, as
 * each API server is a machine of its own: CPU that GitHub and the API servers spend, not the pipeline, though on
 * the same cores here. The pipeline's own CPU stays in: the 10 jobs share this process's one thread, as jobs of
 * one queue batch share a Functions instance (host.json batchSize 8); render_spread_ms shows how their
 * renders queue.
 *
 * bootstrap_2000_objects_ms: a full sync of an environment of exactly 2,000 objects to an empty cluster
 * through syncCluster (a cold GitHub adapter: tree and every file read); sequential_baseline_ms: the same
 * apply items applied to another empty cluster one request at a time (applyObjects with concurrency 1, as
 * `kubectl apply` does), timed, not estimated.
 */
import { availableParallelism } from 'node:os';
import { reconcileAll } from '../shared/app/cluster-handlers.ts';
import { DEFAULT_CONCURRENCY, applyItems, applyObjects, createClusterConnector, syncSetName, systemClock } from '../shared/clusters/index.ts';
import { findEnvironment, syncSetPaths } from '../shared/config/index.ts';
import { loadManifests, planManifestReads, rankOfKind } from '../shared/manifests/index.ts';
import { silentLogger } from '../shared/pipeline/logger.ts';
import { renderEnvironment } from '../shared/pipeline/render-environment.ts';
import { syncCluster } from '../shared/pipeline/sync-cluster.ts';
import { RIG_REPO, RIG_TOKEN, startClusterRig, timedLogger, type ClusterRig } from '../test/reliability/cluster-harness.ts';
import { createGitHubSource } from '../shared/sources/github/index.ts';
import { crdManifest, realisticManifests } from './generate-manifests.ts';
import { median, memoryPeaks, round, type Figure } from './report.ts';

export interface ClusterBenchOptions {
  clusters: number;
  manifests: number;
  changed: number;
  githubLatencyMs: number;
  kubeLatencyMs: number;
  runs: number;
  /** Objects of the bootstrap environment (default 2,000). */
  bootstrapObjects?: number;
  /**
   * Pushes made before the measured ones (default {@link DEFAULT_WARMUP_PUSHES}): the figure is a warm instance's
   * steady state, and both the instance and the fakes take several pushes to get there (JIT).
   */
  warmupPushes?: number;
  /** The push's `GITOPS_APPLY_CONCURRENCY` (default: unset, the product's default of {@link DEFAULT_CONCURRENCY}). */
  applyConcurrency?: number;
}

/**
 * On this machine a push's CPU (the instance's and the fakes') falls for about the first four to six pushes after
 * a bootstrap and then holds. Measured 2026-11-30 at 10 clusters, 20 pushes in a row, twice: 744, 679, 664, 685,
 * then 502-651 ms; and 827, 662, 726, 714, then 511-623 ms. Earlier code, 16 pushes: the instance's CPU went from
 * 516 to 350-400 ms and the fakes' from 680 to 330-420 ms.
 */
export const DEFAULT_WARMUP_PUSHES = 6;

/**
 * Fewest measured pushes (more with --runs): pushes vary by 50-100 ms from one to the next on this machine, so the
 * figure is the median of at least seven, not three.
 */
export const MIN_PUSH_RUNS = 7;

const ENV_PATH = 'development-configs';
const PLATFORM = `${ENV_PATH}/platform.yaml`;

/**
 * What the generated workloads need from the cluster, as a Flux v1 repository carries it: the HelmRelease
 * CRD (Flux's helm-operator) and the teams' namespaces.
 */
export function platformManifests(): string {
  const crd = crdManifest({ group: 'helm.fluxcd.io', plural: 'helmreleases', singular: 'helmrelease', kind: 'HelmRelease', listKind: 'HelmReleaseList', shortNames: ['hr'] });
  const namespaces = Array.from({ length: 20 }, (_, i) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-${i}\n`);
  return [crd, ...namespaces].join('---\n');
}

/**
 * The environment's files: the platform file and `manifests` generated manifest files. The generator's
 * ConfigMaps carry an unquoted YAML 1.1 octal (`mode: 0755`, an integer), which an API server rejects in
 * ConfigMap data: quoted here, so every object applies.
 */
export function benchFiles(manifests: number): Record<string, string> {
  const files = realisticManifests(manifests);
  for (const [path, text] of Object.entries(files)) files[path] = text.replace(/^(\s+mode): 0755$/m, '$1: "0755"');
  return { [PLATFORM]: platformManifests(), ...files };
}

/** Files whose environment renders to exactly `objects` objects (generated files, topped up with ConfigMaps). */
export function filesOfObjects(objects: number): Record<string, string> {
  const candidates = benchFiles(objects);
  const paths = Object.keys(candidates);
  const plan = planManifestReads(paths, ENV_PATH);
  const set = loadManifests({ plan, contents: new Map(Object.entries(candidates)), defaultNamespace: 'default' });
  if (set.errors.length) throw new Error(`generated manifests do not load: ${set.errors[0]!.file}: ${set.errors[0]!.message}`);
  const perFile = new Map<string, number>();
  for (const r of set.resources) perFile.set(r.file, (perFile.get(r.file) ?? 0) + 1);
  const files: Record<string, string> = {};
  let total = 0;
  for (const path of paths) {
    const n = perFile.get(path) ?? 0;
    if (n === 0) { files[path] = candidates[path]!; continue; } // skipped by Flux's rules: kept, as a repository has them
    if (total + n > objects) continue;
    files[path] = candidates[path]!;
    total += n;
  }
  for (let i = 0; total < objects; i++, total++) {
    files[`${ENV_PATH}/padding/config-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: padding-${i}\n  namespace: team-${i % 20}\ndata:\n  index: "${i}"\n`;
  }
  return files;
}

/** The first `count` manifests that carry an automated image tag (HelmReleases and Deployments). */
export function workloadPaths(files: Record<string, string>, count: number): string[] {
  return Object.keys(files).filter((p) => /master-1\b/.test(files[p]!)).slice(0, count);
}

const retag = (text: string, tag: number) => text.replace(/master-\d+\b/g, `master-${tag}`);

function kindOf(id: string): string {
  return id.slice(id.indexOf(':') + 1, id.indexOf('/'));
}

export async function bootstrapFleet(rig: ClusterRig): Promise<void> {
  const r = await reconcileAll(rig.runtime, silentLogger);
  if (r.jobs.length !== rig.fleet.length) throw new Error(`reconcile planned ${r.jobs.length} jobs for ${rig.fleet.length} clusters: ${JSON.stringify(r.clusters)}`);
  await rig.settle();
  const bad = rig.attempts.filter((a) => a.result?.outcome !== 'synced' || a.result.counts.failed > 0);
  if (bad.length) throw new Error(`bootstrap failed: ${bad.map((a) => a.error ?? a.result?.description).join('; ')}`);
}

interface PushRun {
  /** To the last cluster's sync.done (objects applied, state written). */
  ms: number;
  /** To the last job returning (lease released, final status answered). */
  returned_ms: number;
  /** From the first to the last job reaching sync.start: the jobs' renders (CPU) queue on one thread. */
  render_spread_ms: number;
  webhook_ms: number;
  webhook_github_calls: number;
  ranks: number;
  applied_per_cluster: number;
  slowest_job_ms: number;
  /** Median over jobs of the time to each phase end, from the job's start. */
  phases_ms: Record<string, number>;
  github_calls: Record<string, number>;
  kube_requests_per_cluster: Record<string, number>;
  /** Renders the push's jobs made (the rest shared one: render-cache.ts). */
  renders: number;
  peak_rss_mb: number;
  peak_heap_mb: number;
  /** CPU spent during the push: this process (the pipeline) and the fakes' processes (GitHub, git, API servers). */
  cpu_ms: { pipeline: number; fakes: number | null };
}

export async function onePush(rig: ClusterRig, files: Record<string, string>, paths: string[], tag: number): Promise<PushRun> {
  const edits = Object.fromEntries(paths.map((p) => [p, retag(files[p]!, tag)]));
  const { sha, delivery } = await rig.commit(edits, `bump ${paths.length} workloads to master-${tag}`);
  Object.assign(files, edits);
  rig.attempts.length = 0;
  rig.log.entries.length = 0;
  await rig.github.resetRequests();
  await Promise.all(rig.fleet.map((f) => f.resetCounts()));
  const rendersBefore = rig.runtime.renderCache.counts.rendered;
  const memory = memoryPeaks();
  const cpu0 = process.cpuUsage();
  const fakes0 = rig.fakesCpuMs();
  const t0 = performance.now();
  const res = await rig.deliver(delivery);
  const webhookEnd = performance.now();
  const webhookWall = Date.now();
  if (res.status !== 202) throw new Error(`the webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
  await rig.settle();
  const peaks = memory.stop();
  const cpu = process.cpuUsage(cpu0);
  const fakes1 = rig.fakesCpuMs();
  const attempts = rig.attempts;
  const done = attempts.filter((a) => a.result?.outcome === 'synced' && a.result.revision === sha && a.result.counts.failed === 0);
  if (done.length !== rig.fleet.length || attempts.length !== rig.fleet.length) {
    throw new Error(`push ${tag}: ${done.length} of ${rig.fleet.length} clusters synced: ${attempts.map((a) => a.error ?? a.result?.description).join('; ')}`);
  }
  const applied = done[0]!.result!.objects.filter((o) => o.action === 'applied');
  const ranks = new Set(applied.map((o) => rankOfKind(kindOf(o.id)))).size;
  const log = await rig.github.requests();
  const githubCalls: Record<string, number> = {};
  for (const e of log) githubCalls[`${e.method} ${e.route}`] = (githubCalls[`${e.method} ${e.route}`] ?? 0) + 1;
  const perCluster: Record<string, number> = {};
  for (const [verb, n] of Object.entries((await rig.fleet[0]!.requestCount()).byVerb)) perCluster[verb] = n;
  const phase = (event: string) => median(done.map((a) => {
    const e = rig.log.entries.find((x) => x.event === event && x.fields.cluster === a.job.cluster && x.at >= a.startedMs);
    return e ? e.at - a.startedMs : NaN;
  }));
  const starts = done.map((a) => rig.log.entries.find((x) => x.event === 'sync.start' && x.fields.cluster === a.job.cluster && x.at >= a.startedMs)?.at ?? NaN);
  const applied_at = done.map((a) => rig.log.entries.find((x) => x.event === 'sync.done' && x.fields.cluster === a.job.cluster && x.at >= a.startedMs)?.at);
  if (applied_at.some((at) => at === undefined)) throw new Error(`push ${tag}: a synced job logged no sync.done`);
  return {
    ms: Math.max(...applied_at.map(Number)) - t0,
    returned_ms: Math.max(...done.map((a) => a.endedMs)) - t0,
    render_spread_ms: round(Math.max(...starts) - Math.min(...starts)),
    webhook_ms: webhookEnd - t0,
    webhook_github_calls: log.filter((e) => Date.parse(e.at) <= webhookWall).length,
    ranks,
    applied_per_cluster: applied.length,
    slowest_job_ms: Math.max(...done.map((a) => a.endedMs - a.startedMs)),
    phases_ms: { 'to sync.start (lease, state, HEAD, pending status, render)': round(phase('sync.start')), 'to sync.done (apply, state write)': round(phase('sync.done')), 'to return (final status, lease release)': round(median(done.map((a) => a.endedMs - a.startedMs))) },
    github_calls: githubCalls,
    kube_requests_per_cluster: perCluster,
    renders: rig.runtime.renderCache.counts.rendered - rendersBefore,
    peak_rss_mb: round(peaks.rss / 1024 ** 2),
    peak_heap_mb: round(peaks.heap / 1024 ** 2),
    cpu_ms: { pipeline: round((cpu.user + cpu.system) / 1000), fakes: fakes0 === undefined || fakes1 === undefined ? null : fakes1 - fakes0 },
  };
}

/** push_to_applied_ms, push_lower_bound_ms and their ratio. */
export async function pushToApplied(o: ClusterBenchOptions): Promise<Figure[]> {
  const what = `${o.clusters} clusters, ${o.changed} of ${o.manifests} manifests changed`;
  const files = benchFiles(o.manifests);
  const kubeProcesses = Math.min(o.clusters, availableParallelism());
  const settings: Record<string, string> = o.applyConcurrency !== undefined ? { GITOPS_APPLY_CONCURRENCY: String(o.applyConcurrency) } : {};
  const rig = await startClusterRig({ clusters: o.clusters, files, githubLatencyMs: o.githubLatencyMs, kubeLatencyMs: o.kubeLatencyMs, queue: { maxAttempts: 1, concurrency: o.clusters }, kubeProcesses, settings });
  try {
    await bootstrapFleet(rig);
    const paths = workloadPaths(files, o.changed);
    if (paths.length < o.changed) throw new Error(`only ${paths.length} workload manifests to change`);
    const warmup: number[] = [];
    for (let w = 0; w < (o.warmupPushes ?? DEFAULT_WARMUP_PUSHES); w++) warmup.push(round((await onePush(rig, files, paths, 2 + w)).ms));
    const runs: PushRun[] = [];
    for (let r = 0; r < Math.max(o.runs, MIN_PUSH_RUNS); r++) runs.push(await onePush(rig, files, paths, 2 + warmup.length + r));
    const ms = median(runs.map((r) => r.ms));
    const G = o.githubLatencyMs;
    const K = o.kubeLatencyMs;
    const floors = runs.map((r) => r.webhook_github_calls * G + 2 * K + Math.max(K, G) + G + G + r.ranks * K + K);
    const floor = median(floors);
    const ratio = round(ms / floor, 2);
    const last = runs.at(-1)!;
    const cores = availableParallelism();
    const cpu = { pipeline: median(runs.map((r) => r.cpu_ms.pipeline)), fakes: runs.every((r) => r.cpu_ms.fakes !== null) ? median(runs.map((r) => r.cpu_ms.fakes!)) : null };
    const cpuBound = cpu.fakes === null ? undefined : round((cpu.pipeline + cpu.fakes) / cores);
    const formula = 'webhook GitHub calls × G + lease get+create/update 2K + max(state read K, resolve HEAD G) + tree G + changed texts G + ranks × K + state write K';
    const values = `G = ${G} ms, K = ${K} ms, webhook GitHub calls = ${last.webhook_github_calls}, ranks = ${last.ranks}`;
    return [{
      name: 'push_to_applied_ms', value: round(ms), floor: round(floor), ratio, unit: 'ms', goal: `≤ 2 × floor (${what})`, met: ratio <= 2,
      rows: [
        ...runs.map((r, i) => ({ label: `run ${i + 1}`, value: `${round(r.ms)} ms to the last sync.done, jobs returned at ${round(r.returned_ms)} ms (webhook ${round(r.webhook_ms)} ms, slowest job ${round(r.slowest_job_ms)} ms, ${r.applied_per_cluster} objects applied per cluster in ${r.ranks} ranks, ${r.renders} render(s))` })),
        { label: 'apply concurrency', value: o.applyConcurrency === undefined ? `${DEFAULT_CONCURRENCY} per cluster (the default)` : `${o.applyConcurrency} per cluster (GITOPS_APPLY_CONCURRENCY; the default is ${DEFAULT_CONCURRENCY})` },
        { label: 'warm-up', value: warmup.length ? `${warmup.length} pushes before the measured ones, not counted: ${warmup.join(', ')} ms` : 'none' },
        { label: 'floor', value: `${formula}; ${values}` },
        { label: 'CPU per push (median)', value: `pipeline ${cpu.pipeline} ms, fakes ${cpu.fakes ?? 'n/a'} ms, on ${cores} cores shared with the rest of the machine` },
        ...(cpuBound === undefined ? [] : [{ label: 'CPU bound on this machine', value: `(pipeline + fakes CPU) / ${cores} cores = ${cpuBound} ms = ${round(cpuBound / floor, 2)} × floor: no schedule of this push on these cores is faster` }]),
      ],
      detail: {
        runs: runs.map((r) => round(r.ms)),
        warmup_pushes_ms: warmup,
        apply_concurrency: o.applyConcurrency ?? DEFAULT_CONCURRENCY,
        jobs_returned_ms: runs.map((r) => round(r.returned_ms)),
        floor_formula: formula, github_latency_ms: G, kube_latency_ms: K, webhook_github_calls: last.webhook_github_calls, ranks: last.ranks,
        queue: 'in-process MemoryJobQueue, one worker per cluster (jobs in parallel), one warm instance',
        fakes_processes: `GitHub fake in 1, the ${o.clusters} Kubernetes fakes spread over ${kubeProcesses}`,
        push: `${o.changed} workload manifests (HelmReleases, Deployments) get a new image tag; ${o.manifests} manifests + platform.yaml in the environment`,
        renders_per_push: last.renders,
        cpu_ms_median: cpu,
        ...(cpuBound === undefined ? {} : { cpu_bound_ms: cpuBound, cores }),
        memory: { peak_rss_mb: round(Math.max(...runs.map((r) => r.peak_rss_mb))), peak_heap_mb: round(Math.max(...runs.map((r) => r.peak_heap_mb))) },
        profile_last_run: { render_spread_ms: last.render_spread_ms, phases_median_ms: last.phases_ms, github_calls: last.github_calls, kube_requests_per_cluster: last.kube_requests_per_cluster, webhook_ms: round(last.webhook_ms) },
      },
    }];
  } finally {
    await rig.close();
  }
}

/** One bootstrap: a full sync of the environment to an empty cluster through syncCluster (a cold GitHub adapter). */
interface BootstrapRun { ms: number; revision: string; objectIds: string[]; peak_rss_mb: number; peak_heap_mb: number; profile_ms: Record<string, number> }

async function bootstrapOnce(rig: ClusterRig, target: number, objects: number): Promise<BootstrapRun> {
  const env = findEnvironment(await rig.runtime.config(), 'development')!;
  const log = timedLogger();
  // A fresh source per run: a cold instance (tarball and tree read, nothing cached).
  const source = createGitHubSource({ repository: RIG_REPO, baseUrl: rig.github.url, auth: { token: RIG_TOKEN }, writeIntervalMs: 0 }, { log: { debug() {}, info() {}, warn() {}, error() {} } });
  const deps = { source, connector: rig.runtime.connector, clock: systemClock, log, settings: { gitUrl: rig.runtime.gitUrl, holderIdentity: `bench-bootstrap-${target}` } };
  const peaks = memoryPeaks();
  const t0 = performance.now();
  const r = await syncCluster(env, rig.targets[target]!, deps);
  const ms = performance.now() - t0;
  const memory = peaks.stop();
  if (r.outcome !== 'synced' || r.counts.applied !== objects || r.counts.failed) throw new Error(`bootstrap: ${r.description}`);
  const at = (event: string) => round((log.entries.find((e) => e.event === event)?.at ?? NaN) - t0);
  return {
    ms, revision: r.revision!, objectIds: r.objects.map((x) => x.id), peak_rss_mb: round(memory.rss / 1024 ** 2), peak_heap_mb: round(memory.heap / 1024 ** 2),
    profile_ms: { 'to sync.start (lease, state, HEAD, discovery, cold render)': at('sync.start'), 'to sync.done (apply, state write)': at('sync.done'), total: round(ms) },
  };
}

/**
 * The latency floor of a bootstrap at the product's apply concurrency C (16 per rank): the lease on a first sync
 * (get → 404, create the state namespace, create the lease: 3K), state read ∥ resolve HEAD (max(K, G)), the commit
 * (tree ∥ tarball: G), discovery (K), each rank in waves of C (Σ ⌈n_rank / C⌉ × K), state write (K), release (K).
 */
export function bootstrapFloor(objectIds: readonly string[], G: number, K: number): { ms: number; formula: string; waves: number } {
  const perRank = new Map<number, number>();
  for (const id of objectIds) perRank.set(rankOfKind(kindOf(id)), (perRank.get(rankOfKind(kindOf(id))) ?? 0) + 1);
  const waves = [...perRank.values()].reduce((n, size) => n + Math.ceil(size / DEFAULT_CONCURRENCY), 0);
  return { ms: 3 * K + Math.max(K, G) + G + K + waves * K + K + K, waves, formula: `lease 3K + max(K, G) + commit G + discovery K + Σ⌈n_rank / ${DEFAULT_CONCURRENCY}⌉ (${waves}) × K + state write K + release K` };
}

/** bootstrap_N_objects_ms (median of `runs` bootstraps, each to an empty cluster) against the sequential baseline. */
export async function bootstrap(o: ClusterBenchOptions): Promise<Figure[]> {
  const objects = o.bootstrapObjects ?? 2000;
  const files = filesOfObjects(objects);
  const runsWanted = Math.max(1, Math.min(o.runs, 3));
  // Clusters 1..runs are bootstrapped by syncCluster; the last one gets the sequential baseline.
  const rig = await startClusterRig({ clusters: runsWanted + 1, files, githubLatencyMs: o.githubLatencyMs, kubeLatencyMs: o.kubeLatencyMs });
  try {
    const runs: BootstrapRun[] = [];
    for (let i = 0; i < runsWanted; i++) runs.push(await bootstrapOnce(rig, i, objects));
    const ms = median(runs.map((r) => r.ms));
    const env = findEnvironment(await rig.runtime.config(), 'development')!;

    // The baseline: the same apply items, one request at a time, to another empty cluster.
    const connector = createClusterConnector({ clock: systemClock });
    const conn = await connector.connect(rig.targets[runsWanted]!);
    await rig.fleet[runsWanted]!.resetCounts();
    await conn.discovery.load();
    const rendered = await renderEnvironment(rig.runtime.source, env, runs[0]!.revision, { scopeOf: conn.discovery.scopeOf });
    const items = applyItems(rendered.resources, syncSetName(rig.runtime.gitUrl, env.branch, syncSetPaths(env)));
    const t1 = performance.now();
    const outcomes = await applyObjects(conn, items, { clock: systemClock, concurrency: 1 });
    const sequential = performance.now() - t1;
    const failed = outcomes.filter((x) => x.action !== 'applied');
    if (failed.length || outcomes.length !== objects) throw new Error(`baseline: ${failed.length} of ${outcomes.length} failed: ${failed[0]?.message}`);
    const speedup = round(sequential / ms, 1);
    const ranks = new Set(items.map((i) => rankOfKind(i.resource.kind))).size;
    const protocol = bootstrapFloor(runs[0]!.objectIds, o.githubLatencyMs, o.kubeLatencyMs);
    return [{
      name: `bootstrap_${objects}_objects_ms`, value: round(ms), floor: round(sequential), ratio: speedup, ratioIs: 'floor / value: the speed-up over applying one object at a time',
      unit: 'ms', goal: '≥ 10× faster than the floor (the same objects applied one at a time)', met: speedup >= 10,
      rows: [
        { label: 'runs', value: `${runs.map((r) => round(r.ms)).join(', ')} ms (median ${round(ms)}), each to an empty cluster from a cold GitHub adapter` },
        { label: 'speed-up', value: `${speedup}× (${objects} objects in ${ranks} ranks, ${rendered.files.size} files; floor = the same apply items, one request at a time, to another empty cluster)` },
        { label: 'latency floor at concurrency 16', value: `${protocol.ms} ms: ${protocol.formula}` },
      ],
      detail: {
        speedup, objects, files: rendered.files.size, ranks, runs: runs.map((r) => round(r.ms)), sequential_requests: (await rig.fleet[runsWanted]!.requestCount()).total,
        latency_floor_ms: protocol.ms, latency_floor_formula: protocol.formula,
        memory: { peak_rss_mb: Math.max(...runs.map((r) => r.peak_rss_mb)), peak_heap_mb: Math.max(...runs.map((r) => r.peak_heap_mb)) },
        profile_ms: runs.at(-1)!.profile_ms,
      },
    }];
  } finally {
    await rig.close();
  }
}

/** One bootstrap of `objects` objects beside its latency floor (the scale curve: no sequential baseline). */
export async function bootstrapPoint(o: ClusterBenchOptions, objects: number): Promise<{ ms: number; floor: number; formula: string; peak_rss_mb: number; peak_heap_mb: number; profile_ms: Record<string, number> }> {
  const rig = await startClusterRig({ clusters: 1, files: filesOfObjects(objects), githubLatencyMs: o.githubLatencyMs, kubeLatencyMs: o.kubeLatencyMs });
  try {
    const r = await bootstrapOnce(rig, 0, objects);
    const floor = bootstrapFloor(r.objectIds, o.githubLatencyMs, o.kubeLatencyMs);
    return { ms: round(r.ms), floor: floor.ms, formula: floor.formula, peak_rss_mb: r.peak_rss_mb, peak_heap_mb: r.peak_heap_mb, profile_ms: r.profile_ms };
  } finally {
    await rig.close();
  }
}

export async function clusterFigures(o: ClusterBenchOptions, progress: (m: string) => void = () => {}): Promise<Figure[]> {
  progress(`push to applied: ${o.clusters} clusters, ${o.changed} of ${o.manifests} manifests, ${o.warmupPushes ?? DEFAULT_WARMUP_PUSHES} warm-up pushes, then ${Math.max(o.runs, MIN_PUSH_RUNS)} measured (GitHub ${o.githubLatencyMs} ms, Kubernetes ${o.kubeLatencyMs} ms)…`);
  const push = await pushToApplied(o);
  progress(`bootstrap of ${o.bootstrapObjects ?? 2000} objects (${Math.max(1, Math.min(o.runs, 3))} runs) and the sequential baseline…`);
  return [...push, ...(await bootstrap(o))];
}
