/**
 * Where an image lives inside a resource, and which value an update rewrites.
 *
 * A location is a set of string fields addressed by paths from the object root. Either one field
 * holds the whole reference (`image: repo:tag`), or the reference is split over `registry`,
 * `repository` and `tag` fields (HelmRelease values, flux-v1-semantics §5.2). An update only ever
 * changes the tag, and it rewrites exactly one field: the `tag` field when there is one, otherwise the
 * field that carries the tag (`repository: repo:tag`, as kubeyaml wrote for repository-only values).
 */
import { formatImageRef, parseImageRef, withTag } from './image-ref.ts';

/** A path from the object root: mapping keys and sequence indexes. */
export type ValuePath = readonly (string | number)[];

/** One string field and its current value. */
export interface ImageField {
  readonly path: ValuePath;
  readonly value: string;
}

/** The fields an image reference is read from and written to. */
export type ImageLocation =
  | { readonly form: 'ref'; readonly field: ImageField }
  | {
      readonly form: 'parts';
      readonly registry?: ImageField;
      readonly repository: ImageField;
      readonly tag?: ImageField;
    };

/** A rewrite of one string field. */
export interface FieldEdit {
  readonly path: ValuePath;
  readonly from: string;
  readonly to: string;
}

/** Reads the value at a path, or undefined when any step is missing. */
export function valueAt(root: unknown, path: ValuePath): unknown {
  let node = root;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[key];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      if (!Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return node;
}

/** Prints a path the way users write it: `spec.values.image.tag`, `containers[0].image`. */
export function formatPath(path: ValuePath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** Strips a trailing `:tag` and `@digest` from a (partial) reference string. */
function stripTag(s: string): string {
  const at = s.indexOf('@');
  const name = at >= 0 ? s.slice(0, at) : s;
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  return colon >= 0 ? name.slice(0, colon) : name;
}

/** The single field rewrite that gives the location's image the tag `tag`. */
export function tagEdit(location: ImageLocation, tag: string): FieldEdit {
  if (location.form === 'ref') {
    const { path, value } = location.field;
    return { path, from: value, to: formatImageRef(withTag(parseImageRef(value), tag)) };
  }
  if (location.tag) return { path: location.tag.path, from: location.tag.value, to: tag };
  const { path, value } = location.repository;
  return { path, from: value, to: `${stripTag(value)}:${tag}` };
}
