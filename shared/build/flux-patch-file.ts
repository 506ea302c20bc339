/**
 * Flux v1's `patchUpdated` patch file (`pkg/cluster/kubernetes/patch.go`): reading it, applying it to the
 * generated objects, and writing it again after an update, byte for byte as Flux did.
 *
 * - Ids are Flux's manifest ids: `<metadata.namespace or <cluster>>:<kind lowercased>/<name>`, from the
 *   namespace as written (not the effective one).
 * - Applying: every patch document must match a generated object ("missing resource … for patch"); kinds the
 *   Kubernetes scheme knows get apimachinery's strategic merge patch ({@link applyStrategicPatch}), others an
 *   RFC 7386 JSON merge patch.
 * - Writing: one document per generated object, sorted by id as strings, holding the JSON merge patch from the
 *   generated object to the updated one plus `apiVersion`, `kind`, `metadata.name` and `metadata.namespace`;
 *   empty patches are dropped; each document is preceded by `---\n`; go-yaml v2 marshalling.
 *   For built-in kinds Flux wrote a two-way strategic merge patch ({@link createTwoWayMergePatch}), reproduced
 *   for changes made in place; anything else refuses the write, with the reason.
 * - A built-in API group (core, `apps`, `batch`, `*.k8s.io`, …) in an apiVersion the schema does not know (an
 *   old `extensions/v1beta1` Deployment) is refused: Flux's scheme knew it and merged strategically.
 */
import { parseYamlDocuments } from '../manifests/yaml.ts';
import { compareCodePoints } from '../manifests/repo-paths.ts';
import { GoYamlUnsupported, marshalGoYamlV2 } from './go-yaml-v2.ts';
import { createMergePatch, isJsonMap, jsonEqual, setOwn, type JsonMap } from './json-values.ts';
import { TwoWayPatchUnsupported, createTwoWayMergePatch } from './two-way-merge-patch.ts';
import { applyStrategicPatch } from './apply-strategic-patch.ts';

/** A problem with a file, for a person: where and what. */
export interface PatchMessage { file: string; line?: number; message: string }

/** What the patch file needs from the merge module (injected: JSON merge, and which kinds the schema knows). */
export interface MergeFunctions {
  jsonMergePatch(target: unknown, patch: unknown): unknown;
  isKnownKind(apiVersion: string, kind: string): boolean;
}

/** Whether an apiVersion belongs to a Kubernetes API group (core, no dot, or `*.k8s.io`). */
export function isBuiltInGroup(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/** How an object of this kind is merged: strategically, as JSON, or refused (an old built-in apiVersion). */
function mergeKind(merge: Pick<MergeFunctions, 'isKnownKind'>, apiVersion: string, kind: string): 'strategic' | 'json' | 'unknown-built-in' {
  if (merge.isKnownKind(apiVersion, kind)) return 'strategic';
  return isBuiltInGroup(apiVersion) ? 'unknown-built-in' : 'json';
}

/** One document of a patch file. */
export interface PatchDocument { id: string; object: JsonMap; line: number }

/** Flux v1's manifest id of an object (its own namespace, `<cluster>` when it names none). */
export function manifestId(object: JsonMap): string {
  const metadata = isJsonMap(object.metadata) ? object.metadata : {};
  const ns = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : '<cluster>';
  const kind = typeof object.kind === 'string' ? object.kind.toLowerCase() : '';
  return `${ns}:${kind}/${String(metadata.name ?? '')}`;
}

/**
 * Parses a patch file. A file that does not parse (duplicate keys included), a document that is not an object
 * with apiVersion, kind and metadata.name, and two documents for one id are errors: the file is then neither
 * applied nor ever rewritten.
 */
export function parsePatchFile(file: string, text: string): { ok: true; documents: PatchDocument[] } | { ok: false; errors: PatchMessage[] } {
  const parsed = parseYamlDocuments(text, file);
  if (!parsed.ok) {
    return { ok: false, errors: [{ ...parsed.error, message: `patch file does not parse, so it is neither applied nor rewritten: ${parsed.error.message}` }] };
  }
  const documents: PatchDocument[] = [];
  const errors: PatchMessage[] = [];
  const seen = new Map<string, number>();
  for (const doc of parsed.documents) {
    const value = doc.value;
    if (value === null || value === undefined) continue;
    if (!isJsonMap(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || value.kind === ''
      || !isJsonMap(value.metadata) || typeof value.metadata.name !== 'string' || value.metadata.name === '') {
      errors.push({ file, line: doc.line, message: 'patch document must be a mapping with apiVersion, kind and metadata.name' });
      continue;
    }
    const id = manifestId(value);
    const before = seen.get(id);
    if (before !== undefined) {
      errors.push({ file, line: doc.line, message: `duplicate patch for ${id} (also at line ${before})` });
      continue;
    }
    seen.set(id, doc.line);
    documents.push({ id, object: value, line: doc.line });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, documents };
}

/**
 * Applies patch documents to generated objects (same order as given). Errors: a patch without a generated
 * object, or a merge that fails.
 */
export function applyPatchDocuments(objects: readonly JsonMap[], documents: readonly PatchDocument[], file: string, merge: MergeFunctions):
  { ok: true; objects: JsonMap[] } | { ok: false; errors: PatchMessage[] } {
  const byId = new Map(documents.map((d) => [d.id, d]));
  const ids = new Set(objects.map(manifestId));
  const errors: PatchMessage[] = documents
    .filter((d) => !ids.has(d.id))
    .map((d) => ({ file, line: d.line, message: `missing resource (${d.id}) for patch: no generated object has this id` }));
  if (errors.length > 0) return { ok: false, errors };
  const out: JsonMap[] = [];
  for (const object of objects) {
    const doc = byId.get(manifestId(object));
    if (!doc) {
      out.push(object);
      continue;
    }
    try {
      const how = mergeKind(merge, String(object.apiVersion), String(object.kind));
      if (how === 'unknown-built-in') throw new Error(`${String(object.apiVersion)} ${String(object.kind)} is a built-in API group our schema does not know, so its strategic merge cannot be reproduced`);
      // Flux applied its patch with apimachinery's strategic merge (not kustomize's): directives, order kept.
      const patched = how === 'strategic'
        ? applyStrategicPatch(structuredClone(object), structuredClone(doc.object))
        : merge.jsonMergePatch(structuredClone(object), structuredClone(doc.object));
      if (!isJsonMap(patched)) throw new Error('the patch did not leave an object');
      out.push(patched);
    } catch (err) {
      errors.push({ file, line: doc.line, message: `cannot patch resource ${doc.id}: ${(err as Error).message}` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, objects: out };
}

/** `addIdentifyingData`: mergo.Merge without override (keys the patch already has are kept). */
function withIdentity(patch: JsonMap, original: JsonMap): JsonMap {
  const metadata = isJsonMap(original.metadata) ? original.metadata : {};
  const identity: JsonMap = { apiVersion: original.apiVersion, kind: original.kind };
  const meta: JsonMap = { name: metadata.name };
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') meta.namespace = metadata.namespace;
  identity.metadata = meta;
  const out: JsonMap = { ...patch };
  for (const [key, value] of Object.entries(identity)) {
    const existing = out[key];
    if (existing === undefined || existing === null) setOwn(out, key, value);
    else if (isJsonMap(existing) && isJsonMap(value)) {
      const merged: JsonMap = { ...existing };
      for (const [k, v] of Object.entries(value)) if (merged[k] === undefined || merged[k] === null) setOwn(merged, k, v);
      setOwn(out, key, merged);
    }
  }
  return out;
}

/**
 * The patch file's new text: for each generated object (sorted by id) that `modified` holds, the patch from the
 * generated object to the modified one. Objects `modified` lacks get no document, as in Flux.
 */
export function writePatchFile(generated: readonly JsonMap[], modified: ReadonlyMap<string, JsonMap>, file: string, merge: Pick<MergeFunctions, 'isKnownKind'>):
  { ok: true; text: string } | { ok: false; errors: PatchMessage[] } {
  const byId = new Map(generated.map((o) => [manifestId(o), o]));
  const ids = [...byId.keys()].sort(compareCodePoints);
  let text = '';
  const errors: PatchMessage[] = [];
  for (const id of ids) {
    const original = byId.get(id)!;
    const changed = modified.get(id);
    if (!changed) continue;
    if (jsonEqual(original, changed)) continue;
    const how = mergeKind(merge, String(original.apiVersion), String(original.kind));
    let patch: JsonMap;
    try {
      if (how === 'unknown-built-in') throw new TwoWayPatchUnsupported(`${String(original.apiVersion)} ${String(original.kind)} is a built-in API group our schema does not know`, '');
      patch = how === 'strategic' ? createTwoWayMergePatch(original, changed) : createMergePatch(original, changed);
    } catch (err) {
      if (!(err instanceof TwoWayPatchUnsupported)) throw err;
      errors.push({ file, message: `cannot write the patch for ${id}: Flux v1 wrote a two-way strategic merge patch for built-in kinds, reproduced only for changes in place (${err.message}); refused rather than written differently` });
      continue;
    }
    if (Object.keys(patch).length === 0) continue;
    try {
      text += `---\n${marshalGoYamlV2(withIdentity(patch, original))}`;
    } catch (err) {
      if (!(err instanceof GoYamlUnsupported)) throw err;
      errors.push({ file, message: `cannot write the patch for ${id} exactly as Flux v1 did: ${err.message}` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, text };
}
