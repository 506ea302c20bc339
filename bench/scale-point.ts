/**
 * One point of the scale curves in a fresh process (spawned by scale.ts), so its memory is its own:
 * `node bench/scale-point.ts push <clusters> <options JSON>` or `… bootstrap <objects> <options JSON>`; prints
 * the point as JSON on stdout.
 */
import { bootstrapPoint, pushToApplied, type ClusterBenchOptions } from './cluster-figures.ts';

const [kind, size, json] = process.argv.slice(2);
const options = JSON.parse(json ?? '{}') as ClusterBenchOptions;
const n = Number(size);
if (kind === 'push') {
  const [push] = await pushToApplied({ ...options, clusters: n });
  process.stdout.write(`${JSON.stringify(push)}\n`);
} else if (kind === 'bootstrap') {
  process.stdout.write(`${JSON.stringify(await bootstrapPoint({ ...options, clusters: 1 }, n))}\n`);
} else {
  throw new Error(`usage: node bench/scale-point.ts push|bootstrap N OPTIONS_JSON (got ${kind})`);
}
