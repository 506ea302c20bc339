/**
 * Golden: Flux v1's own flux-patch.yaml commits in equinor/radix-flux (cases G06-G25), reproduced byte for byte
 * through `gitops release`. A case holds only the changed patch file and the base manifest carrying the
 * annotations, so each is set up as the patchUpdated environment it came from: the case's files, a
 * `.flux.yaml` (`kustomize build .`, `patchFile: ./flux-patch.yaml`) and a kustomization naming the base
 * manifests; a patch document whose base manifest the case does not hold gets a minimal base (kind, name,
 * namespace), against which Flux's patch is the document itself.
 * G07 and G20 also run on the full snapshots they were made from (c64ff3f45, dcceda6a2), with the real
 * .flux.yaml, kustomizations and the git-ignored radix-patch.yaml their generator scripts wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';
import { runCli } from '../support/run-cli.ts';
import { parseYamlDocuments } from '../../shared/manifests/index.ts';

const skip = skipWithoutCorpus();

/** id, commit, branch. */
const CASES = [
  ['G06', '28a273489', 'master'], ['G07', '613019289', 'release'], ['G08', '5845ad2e1', 'release'],
  ['G09', '5d6c353ec', 'release'], ['G10', '75ac8cf91', 'release'], ['G11', 'b24b20cc2', 'release'],
  ['G12', '4fa30cb98', 'release'], ['G13', '59ee81991', 'release'], ['G14', '514374d1e', 'release'],
  ['G15', '2dcbf48cd', 'master'], ['G16', 'fc3fba12b', 'master'], ['G17', '3d6167d33', 'release'],
  ['G18', '9633a2d84', 'release'], ['G19', '553011fff', 'master'], ['G20', '11ab3503d', 'release'],
  ['G21', '223afb50f', 'release'], ['G22', '4f6a3a030', 'master'], ['G23', '9fd4b77aa', 'master'],
  ['G24', '6f2c20ea4', 'release'], ['G25', 'c6bc11a58', 'master'],
] as const;

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]);
}

interface Case { message: string; images: string[]; manual: boolean; patchFile: string; env: string }

function readCase(caseDir: string): Case {
  const diff = readFileSync(path.join(caseDir, 'commit.diff'), 'utf8');
  const message = diff.slice(diff.indexOf('\n\n') + 2, diff.indexOf('\ndiff --git')).split('\n').map((l) => l.replace(/^ {4}/, '')).join('\n').trim();
  const patchFile = files(path.join(caseDir, 'after'))[0]!;
  const notePath = path.join(caseDir, 'flux-note.json');
  const note = (existsSync(notePath) ? JSON.parse(readFileSync(notePath, 'utf8')) : {}) as { result?: Record<string, { PerContainer?: { Target: string }[] }> };
  const targets = Object.values(note.result ?? {}).flatMap((r) => (r.PerContainer ?? []).map((c) => c.Target));
  const manual = message.startsWith('Release ');
  let images: string[];
  if (message.startsWith('Auto-release multiple')) images = [...message.matchAll(/^ - (\S+)$/gm)].map((m) => m[1]!);
  else if (manual && targets.length > 0) images = targets;
  else images = [message.replace(/^(Auto-release|Release) /, '').replace(/ to all$/, '')];
  return { message, images, manual, patchFile, env: patchFile.split('/')[0]! };
}

function gitopsYaml(env: string, branch: string, images: readonly string[]): string {
  const registries = [...new Set(images.map((i) => i.split('/')[0]!))];
  return `environments:\n  ${env.replace(/-configs$/, '')}:\n    branch: ${branch}\n    path: ${env}\n    registries: [${registries.join(', ')}]\n`;
}

/** The case's files as the patchUpdated environment they came from. */
function setUp(caseDir: string, c: Case, branch: string): string {
  const work = mkdtempSync(path.join(os.tmpdir(), 'patch-golden-'));
  cpSync(path.join(caseDir, 'before'), work, { recursive: true });
  const envDir = path.join(work, c.env);
  const bases = files(envDir).filter((f) => f !== 'flux-patch.yaml');
  const ids = new Set<string>();
  for (const f of bases) {
    const parsed = parseYamlDocuments(readFileSync(path.join(envDir, f), 'utf8'), f);
    assert.ok(parsed.ok);
    for (const d of parsed.documents) {
      const o = d.value as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
      if (o?.kind) ids.add(`${o.metadata?.namespace}:${o.kind}/${o.metadata?.name}`);
    }
  }
  const patch = parseYamlDocuments(readFileSync(path.join(envDir, 'flux-patch.yaml'), 'utf8'), 'flux-patch.yaml');
  const synthetic: string[] = [];
  if (patch.ok) {
    for (const d of patch.documents) {
      const o = d.value as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } | null;
      if (!o || ids.has(`${o.metadata.namespace}:${o.kind}/${o.metadata.name}`)) continue;
      const file = `bases/${o.metadata.namespace ?? 'cluster'}-${o.metadata.name}.yaml`;
      mkdirSync(path.join(envDir, 'bases'), { recursive: true });
      writeFileSync(path.join(envDir, file), `apiVersion: ${o.apiVersion}\nkind: ${o.kind}\nmetadata:\n  name: ${o.metadata.name}\n${o.metadata.namespace ? `  namespace: ${o.metadata.namespace}\n` : ''}`);
      synthetic.push(file);
    }
  }
  writeFileSync(path.join(envDir, 'kustomization.yaml'), `resources:\n${[...bases, ...synthetic].map((f) => `- ${f}\n`).join('')}`);
  writeFileSync(path.join(envDir, '.flux.yaml'), 'version: 1\npatchUpdated:\n  generators:\n  - command: kustomize build .\n  patchFile: ./flux-patch.yaml\n');
  writeFileSync(path.join(work, 'gitops.yaml'), gitopsYaml(c.env, branch, c.images));
  return work;
}

async function release(work: string, branch: string, images: readonly string[]) {
  const r = await runCli(['release', '--repo', work, '--branch', branch, ...images.flatMap((i) => ['--image', i]), '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { message: string | null; changes: { file: string }[]; errors: { message: string }[] };
}

for (const [id, sha, branch] of CASES) {
  const title = id === 'G25'
    ? `${id} ${sha}: a patch file with duplicate keys is never rewritten (Flux silently dropped a patch); the release reports it`
    : `${id} ${sha}: gitops release rewrites flux-patch.yaml byte for byte as Flux v1 did, and leaves the base manifests alone`;
  test(title, { skip }, async () => {
    const caseDir = path.join(corpusDir()!, 'cases', sha);
    const c = readCase(caseDir);
    const work = setUp(caseDir, c, branch);
    try {
      const before = new Map(files(work).map((f) => [f, readFileSync(path.join(work, f), 'utf8')]));
      const out = await release(work, branch, c.images);
      if (id === 'G25') {
        assert.equal(out.message, null);
        assert.match(JSON.stringify(out.errors), /duplicated mapping key/);
        for (const [f, text] of before) assert.equal(readFileSync(path.join(work, f), 'utf8'), text, `${f} untouched`);
        return;
      }
      assert.deepEqual(out.errors, []);
      if (!c.manual) assert.equal(out.message, c.message.replace(/^Auto-release multiple images/, `Auto-release multiple (${c.images.length}) images`) + (c.images.length > 1 ? '\n' : ''));
      assert.ok(out.changes.every((x) => x.file === c.patchFile));
      const expected = readFileSync(path.join(caseDir, 'after', c.patchFile), 'utf8');
      assert.equal(readFileSync(path.join(work, c.patchFile), 'utf8'), expected, 'flux-patch.yaml matches Flux\'s commit byte for byte');
      for (const [f, text] of before) if (f !== c.patchFile) assert.equal(readFileSync(path.join(work, f), 'utf8'), text, `${f} untouched`);
      const again = await release(work, branch, c.images);
      assert.equal(again.message, null, 'releasing the same images again changes nothing');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

for (const [id, sha, snapshot, branch] of [['G07', '613019289', 'c64ff3f45', 'release'], ['G20', '11ab3503d', 'dcceda6a2', 'release']] as const) {
  test(`${id} on the full snapshot ${snapshot}: the real .flux.yaml and kustomization (radix-patch.yaml counted as empty) give Flux's patch file byte for byte`, { skip }, async () => {
    const caseDir = path.join(corpusDir()!, 'cases', sha);
    const c = readCase(caseDir);
    const work = mkdtempSync(path.join(os.tmpdir(), 'patch-snapshot-'));
    try {
      cpSync(path.join(corpusDir()!, snapshot), work, { recursive: true });
      for (const f of ['TREE.txt', 'COMMIT.txt']) rmSync(path.join(work, f));
      const out = await release(work, branch, c.images);
      assert.equal(out.message, c.message);
      assert.deepEqual(out.changes.map((x) => x.file), [c.patchFile]);
      assert.equal(readFileSync(path.join(work, c.patchFile), 'utf8'), readFileSync(path.join(caseDir, 'after', c.patchFile), 'utf8'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
