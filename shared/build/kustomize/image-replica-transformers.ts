/**
 * `images` and `replicas`, as kustomize v5.5.0 applies them. Images: every `image` of an element of any
 * `containers` or `initContainers` list anywhere in an object (kustomize's legacy image filter; CRDs excepted) whose
 * value matches the entry's name (`^NAME(:TAG)?(@sha256:DIGEST)?$`, NAME read as a regex as kustomize does) gets
 * newName / newTag / digest. Replicas: spec.replicas of Deployments, ReplicationControllers, ReplicaSets and
 * StatefulSets whose current or previous name is the entry's name; no match is an error.
 */
import { RE2JS } from 're2js';
import { isPlainObject } from '../merge/index.ts';
import { refuse } from './build-message.ts';
import { gvkSelected } from './field-spec.ts';
import { BUILTIN_FIELD_SPECS } from './field-specs-table.ts';
import type { Kustomization } from './kustomization-file.ts';
import { applySpecs } from './meta-transformers.ts';
import type { ResMap } from './res-map.ts';

type ImageEntry = NonNullable<Kustomization['images']>[number];

/** kustomize image.Split: name, tag, digest (a domain's port is not a tag). */
export function splitImage(image: string): [string, string, string] {
  const slash = image.indexOf('/');
  const offset = slash > 0 ? slash : 0;
  const search = image.slice(offset);
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return [image, '', ''];
  if (id >= 0 && (id < ic || ic < 0)) {
    id += offset;
    return [image.slice(0, id), '', image.slice(id + 1)];
  }
  if (id >= 0 && ic >= 0) {
    id += offset;
    ic += offset;
    return [image.slice(0, ic), image.slice(ic + 1, id), image.slice(id + 1)];
  }
  ic += offset;
  return [image.slice(0, ic), image.slice(ic + 1), ''];
}

function updateImage(value: string, entry: ImageEntry): string {
  let [name, tag, digest] = splitImage(value);
  if (entry.newName) name = entry.newName;
  if (entry.newTag && entry.digest) [tag, digest] = [entry.newTag, entry.digest];
  else if (entry.newTag) [tag, digest] = [entry.newTag, ''];
  else if (entry.digest) [tag, digest] = ['', entry.digest];
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

function walkContainers(node: unknown, visit: (container: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const e of node) walkContainers(e, visit);
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    walkContainers(value, visit);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const c of value) if (isPlainObject(c)) visit(c);
    }
  }
}

export function applyImages(map: ResMap, images: readonly ImageEntry[], file: string): void {
  for (const entry of images) {
    let pattern: RE2JS;
    try {
      pattern = RE2JS.compile(`^${entry.name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9]*)?$`);
    } catch (error) {
      return refuse(file, `images in ${file}: invalid image name ${entry.name}: ${(error as Error).message}`);
    }
    const visit = (c: Record<string, unknown>): void => {
      if (typeof c.image === 'string' && pattern.matches(c.image)) c.image = updateImage(c.image, entry);
    };
    for (const res of map.list) {
      if (res.obj.kind === 'CustomResourceDefinition') continue;
      // The builtin image field specs (spec/containers[]/image, ...) all lie under a containers list: the walk
      // covers them, and updating twice gives the same image.
      walkContainers(res.obj, visit);
    }
  }
}

export function applyReplicas(map: ResMap, replicas: NonNullable<Kustomization['replicas']>, file: string): void {
  for (const entry of replicas) {
    let found = false;
    for (const spec of BUILTIN_FIELD_SPECS.replicas) {
      const matched = map.list.filter((r) => r.allIds().some((id) => id.name === entry.name && gvkSelected(id, spec)));
      for (const res of matched) {
        found = true;
        applySpecs(res, [spec], file, (parent, key) => {
          parent[key] = entry.count;
        }, () => entry.count);
      }
    }
    if (!found) refuse(file, `replicas in ${file}: resource with name ${entry.name} does not match a config with the following GVK [Deployment ReplicationController ReplicaSet StatefulSet]`);
  }
}
