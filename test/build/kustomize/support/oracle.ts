/**
 * Test support: builds a fixture with our kustomize and with `kubectl kustomize` (kustomize v5.5.0, the oracle),
 * both from the same files written to a temp dir, and compares the objects and their order.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { parseYamlDocuments } from '../../../../shared/manifests/yaml.ts';
import { kustomizeBuild } from '../../../../shared/build/kustomize/index.ts';
import type { KustomizeResult } from '../../../../shared/build/kustomize/index.ts';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

/** Why kubectl tests skip, or false when kubectl is present. */
export function kubectlMissing(): string | false {
  return existsSync(KUBECTL) ? false : `kubectl not found: ${KUBECTL} (set KUBECTL to a kubectl with kustomize v5.5.0)`;
}

export type Files = Record<string, string>;

/** Our build over an in-memory tree, reading files as asked (the caller's loop). */
export function buildOurs(files: Files, dir = '', emptyFiles: string[] = []): KustomizeResult {
  const tree = new Set(Object.keys(files));
  const read = new Map<string, string>();
  for (let round = 0; round < 50; round++) {
    const result = kustomizeBuild(dir, { tree, files: read, emptyFiles: new Set(emptyFiles) });
    if (result.kind !== 'needFiles') return result;
    for (const p of result.paths) {
      assert.ok(tree.has(p), `asked for ${p}, which is not in the tree`);
      assert.ok(!read.has(p), `asked twice for ${p}`);
      read.set(p, files[p] as string);
    }
  }
  throw new Error('too many rounds');
}

export interface KubectlOutput { ok: boolean; objects: unknown[]; stderr: string }

/** Runs `kubectl kustomize DIR` on the files written to a fresh temp dir. */
export async function buildKubectl(files: Files, dir = '', extraEmpty: string[] = []): Promise<KubectlOutput> {
  const root = await mkdtemp(path.join(tmpdir(), 'kz-oracle-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, p)), { recursive: true });
      await writeFile(path.join(root, p), text);
    }
    for (const p of extraEmpty) {
      await mkdir(path.dirname(path.join(root, p)), { recursive: true });
      await writeFile(path.join(root, p), '');
    }
    return await runKubectl(path.join(root, dir));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export function runKubectl(dir: string): Promise<KubectlOutput> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ ok: false, objects: [], stderr: String(stderr) });
        return;
      }
      const parsed = parseYamlDocuments(String(stdout), 'kubectl-output');
      if (!parsed.ok) throw new Error(parsed.error.message);
      resolve({ ok: true, objects: parsed.documents.map((d) => d.value).filter((v) => v !== null), stderr: String(stderr) });
    });
  });
}

/** Plain JSON copy, so both sides compare as data (our objects through the same YAML 1.1 reading as kubectl's). */
export const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/**
 * Builds the fixture both ways and asserts the same objects in the same order, or (with `refused`) that both refuse.
 * Returns our result for further assertions.
 */
export async function assertSameAsKubectl(t: TestContext, files: Files, dir = '', options: { emptyFiles?: string[]; refused?: boolean } = {}): Promise<KustomizeResult | undefined> {
  const missing = kubectlMissing();
  if (missing) {
    t.skip(missing);
    return undefined;
  }
  const [theirs, ours] = [await buildKubectl(files, dir, options.emptyFiles), buildOurs(files, dir, options.emptyFiles)];
  assert.equal(!theirs.ok, options.refused === true, `kubectl ${theirs.ok ? 'built' : `failed: ${theirs.stderr.trim()}`}`);
  if (!theirs.ok) {
    assert.equal(ours.kind, 'refused', `kubectl failed (${theirs.stderr.trim()}) but we built: ${JSON.stringify(ours).slice(0, 500)}`);
    return ours;
  }
  assert.equal(ours.kind, 'built', `kubectl built but we did not: ${JSON.stringify(ours)}`);
  if (ours.kind !== 'built') return ours;
  assert.deepStrictEqual(plain(ours.objects.map((o) => o.object)), plain(theirs.objects));
  return ours;
}
