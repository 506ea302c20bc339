/**
 * `patchesStrategicMerge`, `patches` and `patchesJson6902`, as kustomize v5.5.0 applies them: a strategic-merge
 * patch without target patches the resource with its own id (current or previous); with a target, every selected
 * resource; the target keeps its name, namespace and kind unless the patch's options allow a change. A patch whose
 * top level says `$patch: delete` removes the resource. JSON 6902 patches (YAML or JSON) need a target.
 */
import { parseYamlDocuments } from '../../manifests/yaml.ts';
import { clone, isPlainObject, MergeRefusal, strategicMergePatch } from '../merge/index.ts';
import { BuildRefusal, refuse } from './build-message.ts';
import type { FileLoader } from './file-loader.ts';
import { applyJsonPatch, JsonPatchError } from './json-patch.ts';
import type { JsonPatchOp } from './json-patch.ts';
import type { Kustomization } from './kustomization-file.ts';
import { idString, parseResources } from './resource.ts';
import type { Resource } from './resource.ts';
import type { ResMap } from './res-map.ts';
import { selectResources } from './selector.ts';

interface LoadedSm { kind: 'sm'; patches: Resource[] }
interface LoadedJson { kind: 'json'; ops: JsonPatchOp[] }

/** kustomize copies a patch's labels and annotations as strings (scalars as written); maps or lists are refused. */
function stringifyPatchMeta(patch: Resource, file: string): void {
  const meta = patch.obj.metadata;
  if (!isPlainObject(meta)) return;
  for (const field of ['labels', 'annotations']) {
    const m = meta[field];
    if (!isPlainObject(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') refuse(file, `${file}: the patch's metadata.${field}.${k} is not a string; quote it`);
    }
  }
}

function loadSm(text: string, file: string, requireName = true): Resource[] {
  const patches = parseResources(text, file, requireName, true);
  for (const p of patches) stringifyPatchMeta(p, file);
  return patches;
}

function loadJsonOps(text: string, file: string): JsonPatchOp[] {
  const trimmed = text.trim();
  let value: unknown;
  if (trimmed.startsWith('[')) {
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      refuse(file, `${file}: invalid JSON patch: ${(error as Error).message}`);
    }
  } else {
    const parsed = parseYamlDocuments(text, file);
    if (!parsed.ok) refuse(file, parsed.error.message, parsed.error.line);
    const docs = parsed.ok ? parsed.documents.filter((d) => d.value !== null) : [];
    value = docs[0]?.value;
  }
  if (!Array.isArray(value)) return refuse(file, `${file}: a JSON 6902 patch must be a list of operations`);
  return value.map((op, i) => {
    if (!isPlainObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      return refuse(file, `${file}: operation ${i + 1} of the JSON patch needs op and path`);
    }
    return op as unknown as JsonPatchOp;
  });
}

/** A `patches` entry is either kind; kustomize refuses one that parses as both or neither. */
function loadPatch(text: string, file: string, hasTarget: boolean): LoadedSm | LoadedJson {
  const trimmed = text.trim();
  if (trimmed === '') refuse(file, `${file}: empty patch`);
  let ops: JsonPatchOp[] | undefined;
  try {
    ops = loadJsonOps(trimmed, file);
  } catch (error) {
    if (!(error instanceof BuildRefusal)) throw error;
  }
  if (ops) return { kind: 'json', ops };
  return { kind: 'sm', patches: loadSm(trimmed, file, !hasTarget) };
}

function applySm(map: ResMap, target: Resource, patch: Resource, opts: { allowNameChange?: boolean; allowKindChange?: boolean }, file: string): void {
  const { name, namespace } = target;
  const kind = target.obj.kind;
  if (opts.allowNameChange || opts.allowKindChange) target.storePreviousId();
  const p = clone(patch.obj);
  p.apiVersion = target.obj.apiVersion;
  if (p.$patch === 'delete') {
    map.list = map.list.filter((r) => r !== target);
    return;
  }
  try {
    target.obj = strategicMergePatch(target.obj, p);
  } catch (error) {
    if (!(error instanceof MergeRefusal)) throw error;
    refuse(file, `${file}: patching ${idString(target.curId())}: ${error.message}`);
  }
  if (!opts.allowKindChange) target.obj.kind = kind;
  if (!opts.allowNameChange) target.metadata.name = name;
  if (namespace === '') {
    if (isPlainObject(target.obj.metadata)) delete target.obj.metadata.namespace;
  } else target.metadata.namespace = namespace;
}

function applySmById(map: ResMap, patch: Resource, file: string, opts = {}): void {
  const id = patch.curId();
  const found = map.byAnyId(id);
  if (found.length !== 1) {
    refuse(file, `${found.length === 0 ? 'no matches' : 'multiple matches'} for Id ${idString(id)}; failed to find unique target for patch in ${file}`);
  }
  applySm(map, found[0] as Resource, patch, opts, file);
}

/**
 * kustomize refuses a `patchesStrategicMerge` whose files hold no patch at all ("patch appears to be empty"),
 * unless one of them is a file a non-run generator writes (counted as empty, with a warning).
 */
export function applyStrategicMergePatches(map: ResMap, k: Kustomization, dir: string, file: string, loader: FileLoader): void {
  const entries = k.patchesStrategicMerge ?? [];
  const loaded: Array<[Resource[], string]> = [];
  let generated = false;
  for (const entry of entries) {
    const inline = entry.includes('\n');
    const where = inline ? file : loader.resolve(dir, entry, file, 'patchesStrategicMerge', true);
    if (!inline && loader.isGeneratedEmpty(where)) generated = true;
    const text = inline ? entry : loader.read(where, file, 'patchesStrategicMerge');
    loaded.push([loadSm(text, where), where]);
  }
  if (entries.length > 0 && !generated && loaded.every(([p]) => p.length === 0)) {
    refuse(file, `patchesStrategicMerge in ${file}: patch appears to be empty (kustomize refuses it)`);
  }
  for (const [patches, where] of loaded) for (const patch of patches) applySmById(map, patch, where);
}

export function applyPatches(map: ResMap, k: Kustomization, dir: string, file: string, loader: FileLoader): void {
  for (const entry of k.patches ?? []) {
    const hasPatch = (entry.patch ?? '').trim() !== '';
    if (hasPatch === (entry.path !== undefined && entry.path !== '')) {
      refuse(file, hasPatch ? `patch and path can't be set at the same time in patches of ${file}` : `must specify one of patch and path in patches of ${file}`);
    }
    const where = hasPatch ? file : loader.resolve(dir, entry.path as string, file, 'patches', true);
    const text = hasPatch ? (entry.patch as string) : loader.read(where, file, 'patches');
    const loaded = loadPatch(text, where, entry.target !== undefined);
    const opts = entry.options ?? {};
    if (loaded.kind === 'json') {
      if (!entry.target) refuse(where, `must specify a target for patch in ${where}`);
      for (const res of selectResources(map.list, entry.target ?? {}, file)) applyJson(res, loaded.ops, where);
      continue;
    }
    for (const patch of loaded.patches) {
      if (!entry.target) {
        applySmById(map, patch, where, opts);
        continue;
      }
      for (const res of selectResources(map.list, entry.target, file)) applySm(map, res, patch, opts, where);
    }
  }
}

function applyJson(res: Resource, ops: JsonPatchOp[], file: string): void {
  res.storePreviousId();
  try {
    const out = applyJsonPatch(res.obj, ops);
    if (!isPlainObject(out)) refuse(file, `${file}: the JSON patch does not leave an object`);
    res.obj = out as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof JsonPatchError)) throw error;
    refuse(file, `${file}: JSON patch of ${idString(res.curId())} failed: ${error.message}`);
  }
}

export function applyJson6902Patches(map: ResMap, k: Kustomization, dir: string, file: string, loader: FileLoader): void {
  for (const entry of k.patchesJson6902 ?? []) {
    const hasPatch = (entry.patch ?? '').trim() !== '';
    if (hasPatch === (entry.path !== undefined && entry.path !== '')) {
      refuse(file, `patchesJson6902 entries of ${file} need exactly one of patch and path`);
    }
    const where = hasPatch ? file : loader.resolve(dir, entry.path as string, file, 'patchesJson6902', true);
    const text = hasPatch ? (entry.patch as string) : loader.read(where, file, 'patchesJson6902');
    const ops = loadJsonOps(text, where);
    for (const res of selectResources(map.list, entry.target, file)) {
      const cur = res.prevIds.length;
      applyJson(res, ops, where);
      res.prevIds.length = cur;
    }
  }
}
