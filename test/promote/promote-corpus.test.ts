/**
 * Promotion on the real radix-flux layout (corpus snapshots copied into a temporary git repository: master holds
 * development-configs, release holds playground-configs and production-configs, as in the seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { promote } from '../../shared/pipeline/promote.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import { findEnvironment } from '../../shared/config/index.ts';
import { findContainers, filterAccepts, parseTagFilter } from '../../shared/images/index.ts';
import { loadManifests } from '../../shared/manifests/index.ts';

export const SEED_PROMOTION_CONFIG = `environments:
  development:
    branch: master
    path: development-configs
    registries: [radixdev.azurecr.io]
  playground:
    branch: release
    path: playground-configs
    registries: [radixdev.azurecr.io]
    promotion:
      from: development
      rewrite:
        filters: { "glob:master-*": "glob:release-*" }
  production:
    branch: release
    path: production-configs
    registries: [radixprod.azurecr.io]
    promotion:
      from: playground
      rewrite:
        registries: { radixdev.azurecr.io: radixprod.azurecr.io }
`;

/** A git repository with a snapshot's three environment directories on master and on release. */
export function seedRepo(snapshot: string, config = SEED_PROMOTION_CONFIG): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-promote-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { encoding: 'utf8' });
  git('init', '-q', '-b', 'master');
  for (const env of ['development', 'playground', 'production']) {
    cpSync(path.join(corpusDir()!, snapshot, `${env}-configs`), path.join(dir, `${env}-configs`), { recursive: true });
  }
  writeFileSync(path.join(dir, 'gitops.yaml'), config);
  git('add', '-A');
  git('commit', '-qm', 'snapshot');
  git('branch', 'release');
  return dir;
}

async function open(dir: string) {
  const source = new LocalGitSource(dir);
  const config = await loadConfig(source, await source.resolveBranch('master'));
  return { source, config };
}

/** Commits a plan's files to the target branch, as a merged promotion pull request would. */
async function land(source: LocalGitSource, branch: string, files: Map<string, string | null>): Promise<void> {
  const r = await source.commit({ branch, expectedHead: await source.resolveBranch(branch), files, message: 'promote' });
  assert.equal(r.status, 'committed');
}

/** Every (tag, filter) of the containers in one file's text. */
function tagsOf(file: string, text: string): { id: string; tag: string | undefined; filter: string; automated: boolean }[] {
  const set = loadManifests({ plan: { envPath: '', files: [file], fluxConfigs: [], skipped: [], errors: [] }, contents: new Map([[file, text]]), defaultNamespace: 'default' });
  return set.resources.flatMap((r) => findContainers(r).containers.map((c) => ({ id: `${r.id} ${c.container}`, tag: c.image.tag, filter: c.filter, automated: r.policies.automated })));
}

for (const snapshot of ['c64ff3f45', 'dcceda6a2']) {
  test(`${snapshot}: development → playground keeps radixdev, turns glob:master-* into glob:release-*, keeps playground's tags, builds, and a second run proposes nothing`, { skip: skipWithoutCorpus() }, async () => {
    const dir = seedRepo(snapshot);
    try {
      const { source, config } = await open(dir);
      const r = await promote({ source, config, to: 'playground', deletedPaths: (b, d) => source.deletedPaths(b, d) });
      assert.deepEqual(r.plan.refused, []);
      assert.ok(r.plan.changes.length > 0);
      assert.ok(!r.plan.files.has('playground-configs/flux-patch.yaml'), 'the patch file is never copied');
      const operator = 'playground-configs/radix-platform/radix-operator.yaml';
      const before = readFileSync(path.join(dir, operator), 'utf8');
      const sourceText = readFileSync(path.join(dir, 'development-configs/radix-platform/radix-operator.yaml'), 'utf8');
      const written = r.plan.files.get(operator);
      assert.equal(typeof written, 'string');
      const [sourceTag] = tagsOf(operator, sourceText);
      const [targetTag] = tagsOf(operator, before);
      // Byte for byte the source, but for the filter and the kept tag.
      assert.equal(written, sourceText.replace('glob:master-*', 'glob:release-*').replace(sourceTag!.tag!, targetTag!.tag!));
      assert.match(written!, /repository: radixdev\.azurecr\.io\/radix-operator/);
      assert.ok(r.plan.changes.find((c) => c.file === operator)!.rewrites.some((w) => w.kind === 'filter' && w.from === 'glob:master-*' && w.to === 'glob:release-*'));
      assert.ok(r.plan.images.some((i) => i.file === operator && i.decision === 'kept-target-tag' && i.written.endsWith(`:${targetTag!.tag}`)));
      // A master tag never crosses: every tag written is accepted by its filter or was the target's already.
      for (const [file, text] of r.plan.files) {
        if (typeof text !== 'string' || !/\.ya?ml$/.test(file)) continue;
        const had = new Set(tagsOf(file, existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : '').map((t) => t.tag));
        for (const t of tagsOf(file, text)) {
          if (!t.automated || t.tag === undefined) continue;
          assert.ok(filterAccepts(parseTagFilter(t.filter), t.tag) || had.has(t.tag), `${file} ${t.id}: ${t.tag} crossed into playground`);
          assert.notEqual(t.filter, 'glob:master-*', `${file} ${t.id} kept the development filter`);
        }
      }
      await land(source, 'release', r.plan.files);
      const built = await renderEnvironment(source, findEnvironment(config, 'playground')!, await source.resolveBranch('release'));
      assert.deepEqual(built.errors, []);
      assert.ok(built.resources.length > 0);
      const again = await promote({ source, config, to: 'playground', deletedPaths: (b, d) => source.deletedPaths(b, d) });
      assert.deepEqual(again.plan.changes, []);
      assert.deepEqual(again.plan.refused, []);
      assert.equal(again.diff, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${snapshot}: playground → production turns radixdev into radixprod, builds, and a second run proposes nothing`, { skip: skipWithoutCorpus() }, async () => {
    const dir = seedRepo(snapshot);
    try {
      const { source, config } = await open(dir);
      const r = await promote({ source, config, to: 'production' });
      assert.deepEqual(r.plan.refused, []);
      assert.ok(r.plan.changes.some((c) => c.rewrites.some((w) => w.kind === 'registry' && w.from.startsWith('radixdev.azurecr.io/') && w.to.startsWith('radixprod.azurecr.io/'))));
      for (const [file, text] of r.plan.files) if (typeof text === 'string') assert.doesNotMatch(text, /radixdev\.azurecr\.io/, file);
      assert.ok(!r.plan.files.has('production-configs/flux-patch.yaml'));
      await land(source, 'release', r.plan.files);
      const built = await renderEnvironment(source, findEnvironment(config, 'production')!, await source.resolveBranch('release'));
      assert.deepEqual(built.errors, []);
      const again = await promote({ source, config, to: 'production' });
      assert.deepEqual(again.plan.changes, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
