/**
 * Runs dependency-cruiser with the repository's rules (.dependency-cruiser.cjs) over a source tree, and
 * finds `process.env` in pure modules (no import rule can see it). TypeScript 7 has no compiler API for
 * dependency-cruiser yet, so the sources are first stripped of types by Node (`module.stripTypeScriptTypes`)
 * into a temporary tree of .js files; type-only imports vanish, as they do at run time.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';

const require = createRequire(import.meta.url);

export interface Violation { rule: string; from: string; to: string }

/** Pure modules: no adapter, no I/O builtin (the cruiser's rules), and no process.env (checked here). */
export const PURE_DIRS = ['shared/config', 'shared/manifests', 'shared/images', 'shared/build', 'shared/retry'];

async function tsFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await tsFiles(root, rel)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const toJs = (p: string): string => p.replace(/\.ts$/, '.js');
const toTs = (p: string): string => p.replace(/\.js$/, '.ts');
/** Removes comments (roughly: enough that a comment naming process.env is not a use of it). */
const withoutComments = (code: string): string => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** Every import-rule violation under `dirs` of `root`, plus `process.env` in pure modules. */
export async function importViolations(root: string, dirs: readonly string[] = ['shared', 'functions', 'cli']): Promise<Violation[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'import-check-'));
  const violations: Violation[] = [];
  try {
    const present: string[] = [];
    for (const dir of dirs) {
      const files = await tsFiles(root, dir);
      if (files.length) present.push(dir);
      for (const file of files) {
        const code = stripTypeScriptTypes(await readFile(path.join(root, file), 'utf8'), { mode: 'strip' })
          .replace(/(['"])(\.{1,2}\/[^'"\n]+)\.ts\1/g, '$1$2.js$1');
        if (PURE_DIRS.some((d) => file.startsWith(`${d}/`)) && /\bprocess\.env\b/.test(withoutComments(code))) {
          violations.push({ rule: 'pure-modules-no-process-env', from: file, to: 'process.env' });
        }
        await mkdir(path.dirname(path.join(tmp, file)), { recursive: true });
        await writeFile(path.join(tmp, toJs(file)), code);
      }
    }
    const config = require(path.join(root, '.dependency-cruiser.cjs')) as IConfiguration;
    const result = await cruise(present, { ...config.options, ruleSet: { forbidden: config.forbidden ?? [] }, baseDir: tmp, validate: true });
    if (typeof result.output === 'string') throw new Error('failed to cruise the imports: unexpected text output');
    for (const v of result.output.summary.violations) {
      violations.push({ rule: v.rule.name, from: toTs(v.from), to: v.cycle ? v.cycle.map((c) => toTs(c.name)).join(' → ') : toTs(v.to) });
    }
    return violations;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
