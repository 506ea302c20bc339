/**
 * An image release in a `patchUpdated` environment, as Flux v1 did it (`configfile.go` `updatePatchFile`):
 * the base manifests are never edited; the containers' new images are set on the patched objects and the whole
 * patch file is written again from the generated objects to those.
 */
import { formatPath, valueAt, type ValuePath } from '../images/image-location.ts';
import { writePatchFile, type PatchMessage } from './flux-patch-file.ts';
import { isJsonMap, type JsonMap } from './json-values.ts';

/** What a rendered patchUpdated environment gives a release. */
export interface PatchEnvironment {
  /** The patch file's repository path. */
  file: string;
  /** Generated objects before the patch file. */
  generated: readonly JsonMap[];
  /** Generated objects with the patch file applied, by Flux manifest id. */
  patched: ReadonlyMap<string, JsonMap>;
  /** Whether the Kubernetes scheme knows a kind (Flux wrote strategic merge patches for those). */
  isKnownKind(apiVersion: string, kind: string): boolean;
}

/** One field of one object to rewrite. */
export interface ObjectEdit {
  /** Flux manifest id of the object. */
  id: string;
  path: ValuePath;
  from: string;
  to: string;
}

function setAt(root: JsonMap, path: ValuePath, value: string): void {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  (node as Record<string | number, unknown>)[path.at(-1)!] = value;
}

/** The patch file's new text with the edits applied, or why it cannot be written. */
export function rewritePatchFile(env: PatchEnvironment, edits: readonly ObjectEdit[]): { ok: true; text: string } | { ok: false; errors: PatchMessage[] } {
  const modified = new Map<string, JsonMap>();
  for (const [id, object] of env.patched) modified.set(id, object);
  const errors: PatchMessage[] = [];
  for (const edit of edits) {
    const current = modified.get(edit.id);
    if (!current) {
      errors.push({ file: env.file, message: `${edit.id} is not among the generated objects` });
      continue;
    }
    const copy = current === env.patched.get(edit.id) ? structuredClone(current) : current;
    if (valueAt(copy, edit.path) !== edit.from || !isJsonMap(copy)) {
      errors.push({ file: env.file, message: `${edit.id}: ${formatPath(edit.path)} is not ${JSON.stringify(edit.from)} in the patched object` });
      continue;
    }
    setAt(copy, edit.path, edit.to);
    modified.set(edit.id, copy);
  }
  if (errors.length > 0) return { ok: false, errors };
  return writePatchFile(env.generated, modified, env.file, env);
}
