/**
 * The build of one kustomization tree, as `kustomize build` (v5.5.0) does it: for each kustomization, accumulate
 * `resources` (then legacy `bases`) — files and directories with their own kustomization, recursively — then run
 * the generators, then the transformers in kustomize's order (patchesStrategicMerge, patches, namespace, prefix,
 * suffix, labels, annotations, patchesJson6902, replicas, images). At the very end: content-hash suffixes on
 * generated names, name references fixed, and the legacy output order.
 */
import { BuildRefusal, NeedFile, refuse } from './build-message.ts';
import type { FileLoader } from './file-loader.ts';
import { applyImages, applyReplicas } from './image-replica-transformers.ts';
import { parseKustomization } from './kustomization-file.ts';
import type { Kustomization } from './kustomization-file.ts';
import { applyAnnotations, applyLabels, applyNameAffix, applyNamespace } from './meta-transformers.ts';
import { fixNameReferences } from './name-reference.ts';
import { applyJson6902Patches, applyPatches, applyStrategicMergePatches } from './patch-transformers.ts';
import { parseResources } from './resource.ts';
import { legacyOrder, ResMap } from './res-map.ts';
import { contentHash } from './content-hash.ts';
import { runGenerators } from './generators.ts';
import type { Resource } from './resource.ts';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file of a directory (exactly one of the three names). */
export function kustomizationFile(dir: string, loader: FileLoader, from: string, key: string): string {
  const found = KUSTOMIZATION_NAMES.map((n) => (dir === '' ? n : `${dir}/${n}`)).filter((p) => loader.isFile(p));
  if (found.length > 1) refuse(found[0] as string, `Found multiple kustomization files under: ${dir || '.'}`);
  if (found.length === 0) {
    refuse(from, `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir || '.'}'${key ? ` (named by ${key} in ${from})` : ''}`);
  }
  return found[0] as string;
}

/** Every file a kustomization names that can be located without reading anything else (for one round of reads). */
function filesNamed(k: Kustomization, dir: string, loader: FileLoader): string[] {
  const refs = [
    ...(k.resources ?? []), ...(k.bases ?? []),
    ...(k.patchesStrategicMerge ?? []).filter((p) => !p.includes('\n')),
    ...(k.patches ?? []).map((p) => p.path ?? ''), ...(k.patchesJson6902 ?? []).map((p) => p.path ?? ''),
    ...[...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])].flatMap((g) => [
      ...(g.envs ?? []), ...(g.env ? [g.env] : []), ...(g.files ?? []).map((f) => (f.indexOf('=') > 0 ? f.slice(f.indexOf('=') + 1) : f)),
    ]),
  ];
  const out: string[] = [];
  for (const ref of refs) {
    if (!ref) continue;
    try {
      const path = loader.resolve(dir, ref, '', '', false);
      if (loader.isFile(path)) out.push(path);
      else if (loader.isDir(path)) {
        for (const name of KUSTOMIZATION_NAMES) if (loader.isFile(`${path}/${name}`)) out.push(`${path}/${name}`);
      }
    } catch {
      // A bad path is reported when the build reaches it.
    }
  }
  return out;
}

/** Accumulates one kustomization (kustomize AccumulateTarget). `stack` holds the directories being built. */
function accumulate(dir: string, loader: FileLoader, stack: string[], from: string, key: string): ResMap {
  if (stack.includes(dir)) refuse(from, `cycle detected: ${[...stack, dir].map((d) => d || '.').join(' -> ')}`);
  if (stack.length >= loader.limits.maxDepth) refuse(from, `kustomizations nest deeper than ${loader.limits.maxDepth}`);
  const file = kustomizationFile(dir, loader, from, key);
  const parsed = parseKustomization(loader.read(file, from, key || 'kustomization'), file);
  if (!parsed.ok) throw new BuildRefusal(parsed.errors);
  const k = parsed.value;
  loader.prefetch(filesNamed(k, dir, loader));
  const map = new ResMap();
  const inner = [...stack, dir];
  const entries: Array<[string, string]> = [
    ...(k.resources ?? []).map((r) => [r, 'resources'] as [string, string]),
    ...(k.bases ?? []).map((r) => [r, 'bases'] as [string, string]),
  ];
  let pending: unknown;
  for (const [ref, field] of entries) {
    try {
      const target = loader.resolve(dir, ref, file, field, false);
      if (loader.isFile(target)) {
        const within = dir === '' || target.startsWith(`${dir}/`);
        if (!within) loader.resolve(dir, ref, file, field, true);
        for (const r of parseResources(loader.read(target, file, field), target)) map.append(r, file);
      } else if (loader.isDir(target)) {
        map.appendAll(accumulate(target, loader, inner, file, field), file);
      } else refuse(file, `${field} in ${file} names ${ref}, which is not in the repository`);
    } catch (error) {
      // Keep going after a missing file, so one round asks for every file it can already name.
      if (!(error instanceof NeedFile)) throw error;
      pending ??= error;
    }
  }
  if (pending) throw pending;
  runGenerators(map, k, dir, file, loader);
  map.changed();
  applyStrategicMergePatches(map, k, dir, file, loader);
  applyPatches(map, k, dir, file, loader);
  if (k.namespace) applyNamespace(map, k.namespace, file);
  applyNameAffix(map, k.namePrefix ?? '', 'prefix');
  applyNameAffix(map, k.nameSuffix ?? '', 'suffix');
  applyLabels(map, k, file);
  applyAnnotations(map, k.commonAnnotations ?? {}, file);
  applyJson6902Patches(map, k, dir, file, loader);
  if (k.replicas) applyReplicas(map, k.replicas, file);
  if (k.images) applyImages(map, k.images, file);
  return map;
}

/** Builds `dir`'s kustomization to the final objects, in kubectl kustomize's order. */
export function buildTree(dir: string, loader: FileLoader): Resource[] {
  const map = accumulate(dir, loader, [], dir === '' ? '.' : dir, '');
  for (const res of map.list) {
    if (!res.generated?.hash) continue;
    const hash = contentHash(res.obj);
    res.storePreviousId();
    res.metadata.name = `${res.name}-${hash}`;
  }
  fixNameReferences(map, dir);
  return legacyOrder(map.list);
}
