import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusDir, skipWithoutCorpus } from '../../support/corpus.ts';
import { kustomizeBuild } from '../../../shared/build/kustomize/index.ts';
import { kubectlMissing, plain, runKubectl } from './support/oracle.ts';

const SNAPSHOTS = ['c64ff3f45', 'dcceda6a2'];

async function listFiles(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Our build with the caller's loop: read what is asked, call again. */
async function buildOurs(root: string, dir: string, tree: Set<string>, emptyFiles: Set<string>) {
  const files = new Map<string, string>();
  for (let round = 0; round < 10; round++) {
    const r = kustomizeBuild(dir, { tree, files, emptyFiles });
    if (r.kind !== 'needFiles') return { result: r, rounds: round + 1 };
    await Promise.all(r.paths.map(async (p) => files.set(p, await readFile(path.join(root, p), 'utf8'))));
  }
  throw new Error('too many rounds');
}

/**
 * The oracle: kubectl on a copy of the snapshot where the kustomization no longer names the generated
 * `radix-patch.yaml` (kustomize refuses a patchesStrategicMerge whose files are all empty, so "counts as empty"
 * means "contributes no patch", which this copy expresses).
 */
async function oracleCopy(root: string, dirs: string[]): Promise<string> {
  const temp = await mkdtemp(path.join(tmpdir(), 'kz-corpus-'));
  await cp(root, temp, { recursive: true });
  for (const dir of dirs) {
    const file = path.join(temp, dir, 'kustomization.yaml');
    const text = await readFile(file, 'utf8');
    if (existsSync(path.join(root, dir, 'radix-patch.yaml'))) continue;
    const without = text.replace(/^[ \t]*- \.\/radix-patch\.yaml[ \t]*(?:\n|$)/m, '');
    await writeFile(file, /^patchesStrategicMerge:\s*(?:\n[^ \t-]|$)/m.test(without) ? without.replace(/^patchesStrategicMerge:[ \t]*\n?/m, '') : without);
  }
  return temp;
}

for (const snapshot of SNAPSHOTS) {
  const root = path.join(corpusDir() ?? '.', snapshot);
  const skip = skipWithoutCorpus() || kubectlMissing();
  let setup: Promise<{ tree: Set<string>; dirs: string[]; temp: string }> | undefined;
  const prepare = () => (setup ??= (async () => {
    const all = await listFiles(root);
    const dirs = all.filter((f) => f.endsWith('/kustomization.yaml')).map((f) => path.posix.dirname(f));
    return { tree: new Set(all), dirs, temp: await oracleCopy(root, dirs) };
  })());
  const dirs = skip ? [] : ['demos/factorization/configs', 'development-configs', 'playground-configs', 'production-configs'];
  if (skip) test(`corpus ${snapshot} kustomizations`, { skip }, () => {});
  for (const dir of dirs) {
    test(`corpus ${snapshot} ${dir}: builds to what kubectl kustomize prints, the generated radix-patch.yaml empty with a warning`, async () => {
      const { tree, temp } = await prepare();
      const emptyFiles = new Set([`${dir}/radix-patch.yaml`].filter((p) => !tree.has(p)));
      const [theirs, ours] = await Promise.all([runKubectl(path.join(temp, dir)), buildOurs(root, dir, tree, emptyFiles)]);
      assert.ok(theirs.ok, `kubectl failed on ${dir}: ${theirs.stderr}`);
      const { result } = ours;
      assert.equal(result.kind, 'built', `${dir}: ${JSON.stringify(result).slice(0, 400)}`);
      if (result.kind !== 'built') return;
      assert.deepStrictEqual(plain(result.objects.map((o) => o.object)), plain(theirs.objects), dir);
      const text = await readFile(path.join(root, dir, 'kustomization.yaml'), 'utf8');
      const named = emptyFiles.size > 0 && text.includes('radix-patch.yaml');
      assert.equal(result.warnings.some((w) => w.message.includes('radix-patch.yaml')), named, `${dir}: warning for the empty radix-patch.yaml`);
    });
  }
  test(`corpus ${snapshot}: clean up`, { skip }, async () => {
    if (setup) await rm((await setup).temp, { recursive: true, force: true });
  });
}
