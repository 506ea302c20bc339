/**
 * The dry-run folder target: each object written as it would be applied (mark
 * and checksum included), one file per object in apply order. Used by
 * `gitops sync --out` and by the local host when an environment has no
 * reachable cluster, so a newcomer sees exactly what a cluster would receive.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ApplyItem } from './apply-body.ts';

/** The cluster name the local host gives its folder target. */
export const FOLDER_CLUSTER = 'dry-run-folder';

function fileName(index: number, id: string): string {
  const safe = id.replace('<cluster>', '_cluster').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${String(index + 1).padStart(4, '0')}-${safe}.yaml`;
}

/**
 * Writes the items into `dir` (created if needed), replacing the object files
 * of an earlier write, and a `_sync.json` with the revision when given.
 */
export async function writeObjects(dir: string, items: readonly ApplyItem[], meta?: { revision: string; at: string }): Promise<{ id: string; file: string }[]> {
  await mkdir(dir, { recursive: true });
  for (const old of await readdir(dir)) if (/^\d{4}-.*\.yaml$/.test(old)) await rm(path.join(dir, old));
  const written = await Promise.all(
    items.map(async (item, i) => {
      const file = fileName(i, item.id);
      await writeFile(path.join(dir, file), stringify(item.body), 'utf8');
      return { id: item.id, file };
    }),
  );
  if (meta) await writeFile(path.join(dir, '_sync.json'), `${JSON.stringify({ ...meta, objects: written.map((w) => w.id) }, null, 2)}\n`, 'utf8');
  return written;
}
