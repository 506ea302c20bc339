/**
 * cold_import_ms: each Azure Functions entry point of the BUILT app (`dist/functions/*.js`, what Azure runs:
 * `npm run build` first, or the figure is refused with the reason) imported in a fresh `node` process, timed with
 * performance.now() around a dynamic import (process start-up not included), beside its floor: importing
 * `@azure/functions` alone, in a fresh process of the same round. Entry points are the files that register a
 * trigger (`app.…(`) and index.js (package.json `main`, which imports every trigger: what a cold instance loads);
 * helpers are reported without a goal. The machine is shared, so each file's ratio is the median over rounds of
 * its time / the floor's time in that round. The heavy modules (handlers, SDK clients, zod) load on a trigger's
 * first invocation, not at import.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { runChild } from './child.ts';
import { median, round, type Figure } from './report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FLOOR = '@azure/functions';

/** What is measured: dist/functions/*.js (sorted). */
export function entryPoints(): string[] {
  return readdirSync(path.join(root, 'dist', 'functions')).filter((f) => f.endsWith('.js')).sort().map((f) => `dist/functions/${f}`);
}

/** Whether a file registers a trigger (or is the app's entry point). */
function isEntryPoint(file: string): boolean {
  if (file === 'dist/functions/index.js') return true;
  return /\bapp\.(http|eventGrid|storageQueue|timer|generic|setup)\(/.test(readFileSync(path.join(root, file), 'utf8'));
}

const script = (specifier: string) =>
  `const t = performance.now(); await import(${JSON.stringify(specifier)}); const ms = performance.now() - t; console.log(JSON.stringify({ ms }));`;

const measure = async (specifier: string): Promise<number> => (await runChild<{ ms: number }>(['--input-type=module', '-e', script(specifier)], root)).ms;

/** `npm run build` (tsconfig.build.json → dist/); the reason when it fails. */
async function build(): Promise<string | undefined> {
  try {
    await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return undefined;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `npm run build failed, so the built app cannot be measured: ${(e.stdout || e.stderr || e.message).trim().split('\n').slice(0, 3).join(' ').slice(0, 300)}`;
  }
}

export async function coldImportFigures(options: { runs: number }): Promise<Figure[]> {
  const failed = await build();
  if (failed) return [{ name: 'cold_import_ms', value: null, floor: null, ratio: null, unit: 'ms', goal: '≤ 1.5 × floor (importing @azure/functions alone)', met: false, reason: failed }];
  const files = entryPoints();
  const floors: number[] = [];
  const times = new Map<string, number[]>(files.map((f) => [f, []]));
  const errors = new Map<string, string>();
  for (let i = 0; i < options.runs; i++) {
    floors.push(await measure(FLOOR));
    for (const file of files) {
      if (errors.has(file)) continue;
      try {
        times.get(file)!.push(await measure(pathToFileURL(path.join(root, file)).href));
      } catch (err) {
        errors.set(file, ((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').slice(-3).join(' ').slice(0, 300));
      }
    }
  }
  const results = files.map((file) => {
    const runs = times.get(file)!;
    const ratio = errors.has(file) ? null : round(median(runs.map((ms, i) => ms / floors[i]!)), 2);
    return { file, entry: isEntryPoint(file), ms: errors.has(file) ? null : round(median(runs)), ratio, runs: runs.map((r) => round(r)), error: errors.get(file) };
  });
  const entries = results.filter((r) => r.entry);
  const worst = entries.filter((r) => r.ratio !== null).sort((a, b) => b.ratio! - a.ratio!)[0];
  const floor = round(median(floors));
  const met = worst !== undefined && entries.every((r) => r.ratio !== null) && worst.ratio! <= 1.5;
  return [{
    name: 'cold_import_ms',
    value: worst?.ms ?? null, floor, ratio: worst?.ratio ?? null, ratioIs: 'the slowest entry point: median over rounds of its import time / the floor\'s in that round',
    unit: 'ms', goal: '≤ 1.5 × floor (importing @azure/functions alone), every entry point of dist/', met,
    ...(worst === undefined ? { reason: 'no entry point could be imported' } : {}),
    rows: [
      { label: `floor: import('${FLOOR}')`, value: `${floor} ms (median of ${floors.map((r) => round(r)).join(', ')})` },
      ...results.map((r) => ({ label: `${r.file}${r.entry ? '' : ' (helper, no goal)'}`, value: r.ms === null ? `failed: ${r.error}` : `${r.ms} ms, ${r.ratio}× (median of ${r.runs.join(', ')})` })),
    ],
    detail: {
      value_is: `the slowest entry point (${worst?.file ?? 'none'})`, floor_runs: floors.map((r) => round(r)),
      by_file: Object.fromEntries(results.map((r) => [r.file, { entry_point: r.entry, ...(r.ms === null ? { error: r.error } : { ms: r.ms, ratio: r.ratio, runs: r.runs }) }])),
    },
  }];
}
