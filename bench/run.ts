/**
 * `npm run bench`: every benchmark figure, its goal and whether it is met, against the fakes on loopback.
 *
 *   node bench/run.ts [--json] [--github-latency-ms 50] [--kube-latency-ms 20] [--sizes 50,500,2000]
 *                     [--runs 3] [--warmup 6] [--apply-concurrency N]
 *                     [--only clusters,parse,import,calls,kustomize] [--check]
 *                     [--scale [--cluster-points 1,10,50] [--object-points 500,2000,10000]]
 *
 * By default: the four ratios of issue 16 (clusters: push to applied and bootstrap; parse; import) and the GitHub
 * call counts, in one run. `kustomize` (our build beside kubectl's on a 2,288-object tree, minutes) runs only
 * when named in --only. --scale prints the scale curves instead (scale.ts). Every figure is printed with its
 * floor and ratio; --json prints one object (figures by name: value, floor, ratio, goal, met; machine, date,
 * load, options); --check exits 1 when a goal is missed.
 * --warmup N: pushes made before the measured ones (default 6). --apply-concurrency N: the push figures'
 * GITOPS_APPLY_CONCURRENCY (default unset: the product's 16), to see what the operator's setting buys.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_WARMUP_PUSHES, clusterFigures } from './cluster-figures.ts';
import { coldImportFigures } from './cold-import.ts';
import { githubCallFigures } from './github-calls.ts';
import { kustomizeFigures } from './kustomize-build.ts';
import { parsePlanFigures } from './parse-plan.ts';
import { scaleFigures } from './scale.ts';
import { toJson, toTable, type Figure } from './report.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'github-latency-ms': { type: 'string', default: '50' },
    'kube-latency-ms': { type: 'string', default: '20' },
    sizes: { type: 'string', default: '50,500,2000' },
    runs: { type: 'string', default: '3' },
    warmup: { type: 'string', default: String(DEFAULT_WARMUP_PUSHES) },
    'apply-concurrency': { type: 'string' },
    only: { type: 'string', default: 'clusters,parse,import,calls' },
    scale: { type: 'boolean', default: false },
    'cluster-points': { type: 'string', default: '1,10,50' },
    'object-points': { type: 'string', default: '500,2000,10000' },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: node bench/run.ts [--json] [--github-latency-ms N] [--kube-latency-ms N] [--sizes 50,500,2000] [--runs N] [--warmup N] [--apply-concurrency N] [--only clusters,parse,import,calls,kustomize] [--scale [--cluster-points 1,10,50] [--object-points 500,2000,10000]] [--check]');
  process.exit(0);
}

const number = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: expected a number, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
};

const options = {
  githubLatencyMs: number('github-latency-ms', values['github-latency-ms']),
  kubeLatencyMs: number('kube-latency-ms', values['kube-latency-ms']),
  sizes: values.sizes.split(',').map((s) => number('sizes', s)),
  runs: Math.max(1, number('runs', values.runs)),
  warmupPushes: Math.floor(number('warmup', values.warmup)),
  ...(values['apply-concurrency'] !== undefined ? { applyConcurrency: Math.floor(number('apply-concurrency', values['apply-concurrency'])) } : {}),
  only: new Set(values.only.split(',').map((s) => s.trim())),
  clusters: 10,
  manifests: 500,
  changed: 50,
};

const startLoad = loadavg().map((x) => Math.round(x * 100) / 100);
const progress = (m: string) => { if (!values.json) process.stderr.write(`${m}\n`); };
const figures: Figure[] = [];
if (values.scale) {
  figures.push(...(await scaleFigures({ ...options, runs: Math.min(options.runs, 3), clusterPoints: values['cluster-points'].split(',').map((x) => number('cluster-points', x)), objectPoints: values['object-points'].split(',').map((x) => number('object-points', x)) }, progress)));
  options.only.clear();
}
if (options.only.has('clusters')) figures.push(...(await clusterFigures(options, progress)));
if (options.only.has('calls')) {
  progress(`GitHub calls at ${options.sizes.join(', ')} manifests (GitHub latency ${options.githubLatencyMs} ms)…`);
  figures.push(...(await githubCallFigures({ sizes: options.sizes, githubLatencyMs: options.githubLatencyMs, clusters: options.clusters, changed: options.changed })));
}
if (options.only.has('parse')) {
  progress(`parse + plan of 2,000 manifests beside js-yaml loadAll, ${Math.max(options.runs, 3)} fresh processes × 5 rounds…`);
  figures.push(...(await parsePlanFigures({ runs: Math.max(options.runs, 3), manifests: 2000, rounds: 5 })));
}
if (options.only.has('kustomize')) {
  progress('kustomize build of a ~2,000-object tree, ours beside kubectl kustomize…');
  figures.push(...(await kustomizeFigures({ runs: Math.min(options.runs, 3), manifests: 1700 })));
}
if (options.only.has('import')) {
  progress('cold imports…');
  figures.push(...(await coldImportFigures({ runs: Math.max(options.runs, 5) })));
}

const printed = { ...options, only: [...options.only], scale: values.scale, load_average: loadavg().map((x) => Math.round(x * 100) / 100) };
if (values.json) console.log(JSON.stringify(toJson(figures, printed), null, 2));
else console.log(`${toTable(figures)}\nload average at the end: ${printed.load_average.join(', ')} (start: ${startLoad.join(', ')})`);
if (values.check && figures.some((f) => f.met === false)) process.exitCode = 1;
