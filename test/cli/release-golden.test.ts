/**
 * Golden: Flux v1's own 2019 image-update commits in equinor/radix-flux, where it
 * edited the manifest itself, reproduced byte for byte through `gitops release`.
 * (The 2019-09 .. 2021 cases wrote flux-patch.yaml through kustomize: a later issue.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';
import { runCli } from '../support/run-cli.ts';

const DIRECT_EDIT_CASES: Record<string, string> = {
  '452d52f02': 'master', // G01 first ever auto-release (dev)
  c60595631: 'master', // G02 dev, glob:master-*
  '2aa45ce01': 'release', // G03 production, radixprod registry
  e2fc7d4ff: 'release', // G04 playground, radixdev registry, glob:release-*
  c0c4dd2eb: 'master', // G05 master-latest matches glob:master-* (only exact "latest" is excluded)
};

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
  );
}

for (const [sha, branch] of Object.entries(DIRECT_EDIT_CASES)) {
  test(`gitops release reproduces Flux's commit ${sha} byte for byte (direct edit, branch ${branch})`, { skip: skipWithoutCorpus() }, async () => {
    const caseDir = path.join(corpusDir()!, 'cases', sha);
    const diff = readFileSync(path.join(caseDir, 'commit.diff'), 'utf8');
    const message = diff.split('\n\n')[1]!.trim();
    const image = message.replace(/^Auto-release /, '');
    const work = mkdtempSync(path.join(os.tmpdir(), `golden-${sha}-`));
    cpSync(path.join(caseDir, 'before'), work, { recursive: true });

    const r = await runCli(['release', '--repo', work, '--branch', branch, '--image', image, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.message, message, 'the commit message is Flux\'s');
    assert.equal(out.changes.length, 1);
    const after = path.join(caseDir, 'after');
    for (const f of files(after)) {
      assert.equal(readFileSync(path.join(work, f), 'utf8'), readFileSync(path.join(after, f), 'utf8'), `${f} matches Flux's commit byte for byte`);
    }
    const untouched = files(path.join(caseDir, 'before')).filter((f) => !files(after).includes(f));
    for (const f of untouched) assert.equal(readFileSync(path.join(work, f), 'utf8'), readFileSync(path.join(caseDir, 'before', f), 'utf8'), `${f} untouched`);

    const again = await runCli(['release', '--repo', work, '--branch', branch, '--image', image, '--json']);
    assert.equal(JSON.parse(again.stdout).message, null, 'releasing the same image again changes nothing');
  });
}
