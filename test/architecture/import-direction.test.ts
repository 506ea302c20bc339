/**
 * Import direction (.dependency-cruiser.cjs): hosts reach adapters only through shared/app, pure modules do
 * no I/O, adapters never call use cases, no cycles. Checked on the code base, and shown to fail on a
 * deliberate violation of each rule.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importViolations, type Violation } from '../support/import-check.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Known debt, each to be removed when fixed (the test fails when a listed violation is gone, so the list only
 * shrinks). Empty: the CLI's commands get their sources, cluster connectors and registry readers from
 * shared/app/laptop.ts, the local host its runtime from shared/app/local-runtime.ts.
 */
const KNOWN: readonly string[] = [];

const line = (v: Violation): string => `${v.rule} ${v.from} → ${v.to}`;

test('the code base breaks no import rule beyond the listed debt, and every listed item is still real', async () => {
  const found = (await importViolations(root)).map(line).sort();
  assert.deepEqual(found.filter((v) => !KNOWN.includes(v)), [], 'new violations');
  assert.deepEqual(KNOWN.filter((v) => !found.includes(v)), [], 'fixed: remove from KNOWN');
});

let fixture: string;
before(async () => {
  // A small tree with one deliberate violation of each rule, checked with the repository's own rules.
  fixture = await mkdtemp(path.join(os.tmpdir(), 'import-direction-'));
  const files: Record<string, string> = {
    'shared/sources/port.ts': 'export const source = 1;\n',
    'shared/pipeline/use-case.ts': "import { source } from '../sources/port.ts';\nexport const useCase = source;\n",
    'shared/app/root.ts': "import { useCase } from '../pipeline/use-case.ts';\nexport const root = useCase;\n",
    'functions/good.ts': "import { root } from '../shared/app/root.ts';\nexport const ok = root;\n",
    'functions/bad.ts': "import { source } from '../shared/sources/port.ts';\nexport const bad = source;\n",
    'functions/types-only.ts': "import type { Thing } from '../shared/clusters/thing.ts';\nexport const t: Thing | undefined = undefined;\n",
    'shared/clusters/thing.ts': 'export interface Thing { a: number }\nexport const thing = 1;\n',
    'shared/config/reads-files.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    'shared/images/reads-env.ts': '// process.env in a comment is fine\nexport const env = process.env.HOME;\n',
    'shared/manifests/calls-adapter.ts': "import { thing } from '../clusters/thing.ts';\nexport const m = thing;\n",
    'shared/storage/calls-use-case.ts': "import { useCase } from '../pipeline/use-case.ts';\nexport const s = useCase;\n",
    'shared/pipeline/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
    'shared/pipeline/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(fixture, file)), { recursive: true });
    await writeFile(path.join(fixture, file), text);
  }
  await copyFile(path.join(root, '.dependency-cruiser.cjs'), path.join(fixture, '.dependency-cruiser.cjs'));
});
after(() => rm(fixture, { recursive: true, force: true }));

test('each rule fails on a deliberate violation, and only there', async () => {
  const found = (await importViolations(fixture)).map(line).sort();
  assert.deepEqual(found, [
    'adapters-below-pipeline shared/storage/calls-use-case.ts → shared/pipeline/use-case.ts',
    'hosts-go-through-app functions/bad.ts → shared/sources/port.ts',
    'no-cycles shared/pipeline/a.ts → shared/pipeline/b.ts → shared/pipeline/a.ts',
    'pure-modules-do-no-io shared/manifests/calls-adapter.ts → shared/clusters/thing.ts',
    'pure-modules-no-io-builtins shared/config/reads-files.ts → fs',
    'pure-modules-no-process-env shared/images/reads-env.ts → process.env',
  ].sort());
});
