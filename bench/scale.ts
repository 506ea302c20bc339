/**
 * `npm run bench -- --scale`: how cost grows.
 * - push to applied at 1, 10 and 50 clusters (500 manifests, 50 changed), each beside its latency floor, with the
 *   cost per cluster × changed object: the growth is no faster than linear when that cost does not rise;
 * - bootstrap at 500, 2,000 and 10,000 objects beside its latency floor at the product's apply concurrency, with
 *   the cost per object;
 * - memory at each point: the pipeline process's peak RSS and V8 heap in use (the fakes run in other processes).
 *
 * Each point runs in a fresh process (scale-point.ts), so its memory figures are its own. Function instances:
 * every job of a push runs in that one process, as one Functions instance (the queue's whole batch on one
 * instance, the least parallel case); the GitHub fake and the API servers run in two more processes. So at 50
 * clusters one instance holds 50 jobs at once, where Azure would spread batches of host.json's batchSize over
 * several instances: the curve is pessimistic.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runChild } from './child.ts';
import { DEFAULT_WARMUP_PUSHES, MIN_PUSH_RUNS, type ClusterBenchOptions } from './cluster-figures.ts';
import { round, type Figure } from './report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const point = <T>(kind: 'push' | 'bootstrap', n: number, o: Omit<ClusterBenchOptions, 'clusters'>): Promise<T> =>
  runChild<T>(['bench/scale-point.ts', kind, String(n), JSON.stringify({ ...o, clusters: 1 })], root);

export type ScaleOptions = Omit<ClusterBenchOptions, 'clusters'> & {
  clusterPoints: number[];
  objectPoints: number[];
};

export async function scaleFigures(o: ScaleOptions, progress: (m: string) => void = () => {}): Promise<Figure[]> {
  const figures: Figure[] = [];
  let previous: number | undefined;
  for (const clusters of o.clusterPoints) {
    progress(`scale: push to applied at ${clusters} clusters (${o.changed} of ${o.manifests} changed, ${Math.max(o.runs, MIN_PUSH_RUNS)} pushes after ${o.warmupPushes ?? DEFAULT_WARMUP_PUSHES} warm-up)…`);
    const push = await point<Figure>('push', clusters, o);
    const d = push!.detail as { memory: { peak_rss_mb: number; peak_heap_mb: number }; cpu_ms_median: { pipeline: number; fakes: number | null } };
    const perUnit = round(push!.value! / (clusters * o.changed), 2);
    const growth = previous === undefined ? '' : `, ${round(perUnit / previous, 2)}× the previous point's`;
    previous = perUnit;
    figures.push({
      name: `scale_push_${clusters}_clusters_ms`, value: push!.value, floor: push!.floor ?? null, ratio: push!.ratio ?? null, unit: 'ms',
      goal: 'cost per cluster × changed object does not rise', met: null,
      rows: [{ label: 'per cluster × changed object', value: `${perUnit} ms${growth}; peak RSS ${d.memory.peak_rss_mb} MB, heap ${d.memory.peak_heap_mb} MB; CPU pipeline ${d.cpu_ms_median.pipeline} ms, fakes ${d.cpu_ms_median.fakes ?? 'n/a'} ms` }],
      detail: { clusters, changed: o.changed, manifests: o.manifests, ms_per_cluster_object: perUnit, ...push!.detail },
    });
  }
  previous = undefined;
  for (const objects of o.objectPoints) {
    progress(`scale: bootstrap of ${objects} objects…`);
    const p = await point<{ ms: number; floor: number; formula: string; peak_rss_mb: number; peak_heap_mb: number; profile_ms: Record<string, number> }>('bootstrap', objects, o);
    const perObject = round(p.ms / objects, 3);
    const growth = previous === undefined ? '' : `, ${round(perObject / previous, 2)}× the previous point's`;
    previous = perObject;
    figures.push({
      name: `scale_bootstrap_${objects}_objects_ms`, value: p.ms, floor: p.floor, ratio: round(p.ms / p.floor, 2), unit: 'ms',
      goal: 'cost per object does not rise', met: null,
      rows: [{ label: 'per object', value: `${perObject} ms${growth}; peak RSS ${p.peak_rss_mb} MB, heap ${p.peak_heap_mb} MB` }],
      detail: { objects, ms_per_object: perObject, floor_formula: p.formula, memory: { peak_rss_mb: p.peak_rss_mb, peak_heap_mb: p.peak_heap_mb }, profile_ms: p.profile_ms },
    });
  }
  return figures;
}
