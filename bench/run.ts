/**
 * `npm run bench`: every benchmark figure, its goal and whether it is met, against the fakes on loopback.
 *
 *   node bench/run.ts [--json] [--github-latency-ms 50] [--kube-latency-ms 20] [--sizes 50,500,2000]
 *                     [--runs 5] [--only calls,parse,import,clusters,kustomize] [--check]
 *
 * --json prints one JSON object (every figure, machine, date, options); --check exits 1 when a measured goal
 * is missed.
 */
import { parseArgs } from 'node:util';
import { clusterFigures } from './cluster-figures.ts';
import { coldImportFigures } from './cold-import.ts';
import { githubCallFigures } from './github-calls.ts';
import { kustomizeFigures } from './kustomize-build.ts';
import { parsePlanFigures } from './parse-plan.ts';
import { toJson, toTable, type Figure } from './report.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'github-latency-ms': { type: 'string', default: '50' },
    'kube-latency-ms': { type: 'string', default: '20' },
    sizes: { type: 'string', default: '50,500,2000' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string', default: 'calls,parse,import,clusters,kustomize' },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: node bench/run.ts [--json] [--github-latency-ms N] [--kube-latency-ms N] [--sizes 50,500,2000] [--runs N] [--only calls,parse,import,clusters,kustomize] [--check]');
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
  only: new Set(values.only.split(',').map((s) => s.trim())),
  clusters: 10,
  manifests: 500,
  changed: 50,
};

const progress = (m: string) => { if (!values.json) process.stderr.write(`${m}\n`); };
const figures: Figure[] = [];
if (options.only.has('clusters')) figures.push(...(await clusterFigures(options, progress)));
if (options.only.has('calls')) {
  progress(`GitHub calls at ${options.sizes.join(', ')} manifests (GitHub latency ${options.githubLatencyMs} ms)…`);
  figures.push(...(await githubCallFigures({ sizes: options.sizes, githubLatencyMs: options.githubLatencyMs, clusters: options.clusters, changed: options.changed })));
}
if (options.only.has('parse')) {
  progress(`parse + plan of 2,000 manifests, ${options.runs} fresh processes…`);
  figures.push(...(await parsePlanFigures({ runs: options.runs, manifests: 2000 })));
}
if (options.only.has('kustomize')) {
  progress('kustomize build of a ~2,000-object tree, ours beside kubectl kustomize…');
  figures.push(...(await kustomizeFigures({ runs: Math.min(options.runs, 3), manifests: 1700 })));
}
if (options.only.has('import')) {
  progress('cold imports…');
  figures.push(...(await coldImportFigures({ runs: Math.min(options.runs, 3) })));
}

const printed = { ...options, only: [...options.only] };
if (values.json) console.log(JSON.stringify(toJson(figures, printed), null, 2));
else console.log(toTable(figures));
if (values.check && figures.some((f) => f.met === false)) process.exitCode = 1;
