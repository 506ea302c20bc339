/**
 * cold_import_ms: each Azure Functions entry point imported in a fresh `node` process, timed with
 * performance.now() around a dynamic import (process start-up not included). Every .ts file in functions/
 * that exists at run time is measured, plus shared/app/handlers.ts as a stand-in for the triggers' core.
 * The goal applies to entry points (files that register a trigger with `app.…`, and index.ts); helpers such as
 * the runtime that a trigger loads on its first invocation are reported beside them, without a goal.
 * These are the .ts sources (Node strips the types on import); the deployed dist/*.js skips that step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from './child.ts';
import { median, round, type Figure } from './report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What is measured: functions/*.ts (sorted), then the stand-in. */
export function entryPoints(): string[] {
  let functions: string[] = [];
  try {
    functions = readdirSync(path.join(root, 'functions')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort().map((f) => `functions/${f}`);
  } catch {
    // no functions/ yet
  }
  return [...functions, 'shared/app/handlers.ts'];
}

/** Whether a file registers a trigger (or is the app's entry point). */
function isEntryPoint(file: string): boolean {
  if (file === 'shared/app/handlers.ts' || file === 'functions/index.ts') return true;
  return /\bapp\.(http|eventGrid|storageQueue|timer|generic|setup)\(/.test(readFileSync(path.join(root, file), 'utf8'));
}

const script = (file: string) =>
  `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(path.join(root, file)).href)}); const ms = performance.now() - t; console.log(JSON.stringify({ ms }));`;

export async function coldImportFigures(options: { runs: number }): Promise<Figure[]> {
  const results: { file: string; ms: number | null; runs: number[]; error?: string }[] = [];
  for (const file of entryPoints()) {
    const runs: number[] = [];
    try {
      for (let i = 0; i < options.runs; i++) runs.push((await runChild<{ ms: number }>(['--input-type=module', '-e', script(file)], root)).ms);
      results.push({ file, ms: round(median(runs)), runs: runs.map((r) => round(r)) });
    } catch (err) {
      results.push({ file, ms: null, runs, error: ((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').slice(-3).join(' ').slice(0, 300) });
    }
  }
  const entries = results.filter((r) => isEntryPoint(r.file));
  const measured = entries.filter((r) => r.ms !== null).map((r) => r.ms!);
  const worst = measured.length ? Math.max(...measured) : null;
  return [{
    name: 'cold_import_ms',
    value: worst,
    unit: 'ms',
    goal: '< 300 ms (each entry point)',
    met: worst === null ? null : worst < 300 && entries.every((r) => r.ms !== null),
    ...(worst === null ? { reason: 'no entry point could be imported' } : {}),
    rows: results.map((r) => ({ label: `${r.file}${isEntryPoint(r.file) ? '' : ' (helper, no goal)'}`, value: r.ms === null ? `failed: ${r.error}` : `${r.ms} ms (median of ${r.runs.join(', ')})` })),
    detail: {
      value_is: 'the slowest entry point (median of its runs)',
      by_file: Object.fromEntries(results.map((r) => [r.file, { entry_point: isEntryPoint(r.file), ...(r.ms === null ? { error: r.error } : { ms: r.ms, runs: r.runs }) }])),
    },
  }];
}
