/**
 * `npm test`'s runner: the test files in a few shards, each one `node --test` process holding all of its files
 * (`--experimental-test-isolation=none`), the shards side by side.
 *
 *   node test/run.ts [--shards N] [--] [files or globs…] [-- node --test options…]
 *
 * Why not one process per file (node --test's default): each file's process loaded and type-stripped the same
 * modules again (@kubernetes/client-node, Octokit, the fakes): 476 s of CPU for the suite, against 279 s in two
 * shards, on the 2-vCPU machine. Shards still run side by side, because many tests wait on child processes
 * (git, kubectl, the fakes) and on retry-after windows rather than on the CPU.
 *
 * What sharing a process asks of a test file: restore what it changes in `process.env` and globals, close the
 * servers and child processes it starts, and know that its top-level `before`/`after` hooks run around the
 * whole shard (the files of a shard load first, then their tests run one file after another).
 *
 * Files are dealt to shards longest first, by their durations in the last run on this machine (kept in
 * node_modules/.cache/serverless-gitops/test-durations.json), else by test/shard-weights.json (seconds, measured
 * once and committed, so a fresh clone's first run is balanced too; a file in neither weighs the median). Each
 * shard's spec output is printed when it ends, then one summary; the exit code is 1 when any shard failed.
 */
import { spawn } from 'node:child_process';
import { globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const separator = process.argv.indexOf('--', 2);
const own = separator < 0 ? process.argv.slice(2) : process.argv.slice(2, separator);
const passThrough = separator < 0 ? [] : process.argv.slice(separator + 1);
const { values, positionals } = parseArgs({ args: own, allowPositionals: true, options: { shards: { type: 'string', default: '4' }, help: { type: 'boolean', short: 'h', default: false } } });

if (values.help) {
  console.log('usage: node test/run.ts [--shards N] [files or globs…] [-- node --test options…]');
  process.exit(0);
}
const shardCount = Number(values.shards);
if (!Number.isInteger(shardCount) || shardCount < 1) {
  console.error(`--shards: expected a whole number of at least 1, got ${JSON.stringify(values.shards)}`);
  process.exit(2);
}

const patterns = positionals.length > 0 ? positionals : ['test/**/*.test.ts'];
const files = [...new Set(patterns.flatMap((p) => globSync(p, { cwd: root })))].map((f) => path.relative(root, path.resolve(root, f))).sort();
if (files.length === 0) {
  console.error(`no test files match ${patterns.join(' ')}`);
  process.exit(2);
}

const SHARD_LIMIT_MS = 20 * 60_000;
const cacheFile = path.join(root, 'node_modules/.cache/serverless-gitops/test-durations.json');
const previous = readDurations();
const committed = readWeights();
const shards = deal(files, Math.min(shardCount, files.length));

const work = mkdtempSync(path.join(os.tmpdir(), 'gitops-test-'));
const started = performance.now();
const results = await Promise.all(shards.map((shard, i) => runShard(shard, i)));
const wallMs = performance.now() - started;

let failed = false;
const total = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
const durations: Record<string, number> = { ...previous };
for (const r of results) {
  process.stdout.write(`\n── shard ${r.index + 1} of ${shards.length}: ${r.files.length} files, exit ${r.code}, ${(r.ms / 1000).toFixed(1)} s ──\n`);
  process.stdout.write(r.spec);
  for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += r.counts[key] ?? 0;
  if (r.code !== 0 || (r.counts.fail ?? 0) > 0 || r.counts.tests === undefined) failed = true;
  // Files outside the repository (a test of this runner runs some from a temporary folder) are not remembered.
  for (const [file, ms] of Object.entries(r.durations)) if (!file.startsWith('..')) durations[file] = ms;
}
rmSync(work, { recursive: true, force: true });
writeDurations(durations);

console.log(`\n${files.length} files in ${shards.length} shards: ${total.tests} tests, ${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped, ${total.todo} todo, ${total.cancelled} cancelled, in ${(wallMs / 1000).toFixed(1)} s`);
if (failed) {
  console.log('FAILED: see the shard output above (✖ marks each failing test)');
  process.exitCode = 1;
}

interface ShardResult {
  index: number;
  files: string[];
  code: number;
  ms: number;
  spec: string;
  counts: Partial<Record<keyof typeof total, number>>;
  durations: Record<string, number>;
}

function runShard(shard: string[], index: number): Promise<ShardResult> {
  const spec = path.join(work, `shard-${index}.spec.txt`);
  const timing = path.join(work, `shard-${index}.durations.json`);
  const args = [
    // --test-force-exit: a shard ends when its tests have, even if a file left a handle open.
    '--test', '--experimental-test-isolation=none', '--test-force-exit',
    '--test-reporter=spec', `--test-reporter-destination=${spec}`,
    `--test-reporter=${path.join(root, 'test/support/file-durations-reporter.ts')}`, `--test-reporter-destination=${timing}`,
    ...passThrough, ...shard,
  ];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // The shard's own stdout and stderr (console output of tests) are kept for its report, not interleaved.
    // Without node:test's marker of a child it runs itself (set when this runner is run from a test): a shard
    // that saw it would talk node's internal protocol instead of writing its reports.
    const env = { ...process.env };
    delete env['NODE_TEST_CONTEXT'];
    // Its own process group, so what its tests started and left running (a server, Azurite) is stopped with it.
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stopGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString('utf8'); });
    child.on('error', reject);
    // A shard still running after 20 minutes is stuck (the whole suite takes about 3): stopped and failed.
    let timedOut = false;
    const limit = setTimeout(() => { timedOut = true; stopGroup(); }, SHARD_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      stopGroup();
      if (timedOut) output += `\nshard stopped: still running after ${SHARD_LIMIT_MS / 60_000} minutes\n`;
      const text = readOr(spec, '') + (output.trim() ? `\n${output}` : '');
      const counts: ShardResult['counts'] = {};
      for (const m of text.matchAll(/^ℹ (tests|pass|fail|skipped|todo|cancelled) (\d+)$/gm)) counts[m[1] as keyof typeof total] = Number(m[2]);
      const fileDurations: Record<string, number> = {};
      try {
        // Tests defined in a shared module (`x-checks.ts`, run by `x.test.ts`) count for the file that runs them.
        for (const [file, ms] of Object.entries(JSON.parse(readOr(timing, '{}')) as Record<string, number>)) {
          const owner = shard.includes(file) ? file : file.replace(/-checks\.ts$/, '.test.ts');
          fileDurations[owner] = (fileDurations[owner] ?? 0) + ms;
        }
      } catch {
        // a shard that died mid-write has no timings; the next run deals its files by the median
      }
      resolve({ index, files: shard, code: timedOut ? 124 : code ?? (signal ? 128 : 1), ms: performance.now() - t0, spec: text, counts, durations: fileDurations });
    });
  });
}

/** Longest first, each file to the shard with the least work so far (unknown files weigh the median). */
function deal(list: string[], n: number): string[][] {
  const known = list.map((f) => previous[f] ?? committed[f]).filter((w): w is number => w !== undefined).sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)]! : 1;
  const weight = (f: string) => previous[f] ?? committed[f] ?? median;
  const order = [...list].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  const out = Array.from({ length: n }, () => ({ files: [] as string[], load: 0 }));
  for (const f of order) {
    const s = out.reduce((best, x) => (x.load < best.load ? x : best));
    s.files.push(f);
    s.load += weight(f);
  }
  return out.map((s) => s.files.sort());
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function readDurations(): Record<string, number> {
  try {
    const value = JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  } catch {
    return {};
  }
}

/** test/shard-weights.json in milliseconds (it holds seconds); empty when absent or unreadable. */
function readWeights(): Record<string, number> {
  try {
    const value = JSON.parse(readFileSync(path.join(root, 'test/shard-weights.json'), 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])).map(([f, s]) => [f, s * 1000]));
  } catch {
    return {};
  }
}

function writeDurations(d: Record<string, number>): void {
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(d, null, 1));
  } catch {
    // a read-only node_modules only loses the balancing hint
  }
}
