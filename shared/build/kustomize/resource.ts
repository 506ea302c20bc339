/**
 * A resource in the build: the object, the repository file it came from, and every id it had before (kustomize's
 * "previous ids", which name references and patch targets still match), plus generator state.
 */
import { loadAll } from 'js-yaml';
import { parseYamlDocuments } from '../../manifests/yaml.ts';
import { isPlainObject } from '../merge/index.ts';
import { isNamespacedKind } from '../merge/index.ts';
import { refuse } from './build-message.ts';
import { gvkOf } from './field-spec.ts';
import type { Gvk } from './field-spec.ts';
import { KYAML_SCHEMA, unboxScalars } from './kyaml-schema.ts';

export interface ResId extends Gvk {
  name: string;
  namespace: string;
}

export interface GeneratedState {
  /** The content-hash suffix is still to be added at the end of the build. */
  hash: boolean;
  behavior: 'create' | 'replace' | 'merge';
}

export class Resource {
  obj: Record<string, unknown>;
  readonly file: string;
  prevIds: ResId[] = [];
  /** Name prefixes and suffixes applied, innermost first (kustomize's PrefixesSuffixesEquals). */
  prefixes: string[] = [];
  suffixes: string[] = [];
  generated?: GeneratedState;

  constructor(obj: Record<string, unknown>, file: string) {
    this.obj = obj;
    this.file = file;
  }

  get metadata(): Record<string, unknown> {
    if (!isPlainObject(this.obj.metadata)) this.obj.metadata = {};
    return this.obj.metadata as Record<string, unknown>;
  }

  get name(): string {
    const n = isPlainObject(this.obj.metadata) ? this.obj.metadata.name : undefined;
    return typeof n === 'string' ? n : '';
  }

  get namespace(): string {
    const n = isPlainObject(this.obj.metadata) ? this.obj.metadata.namespace : undefined;
    return typeof n === 'string' ? n : '';
  }

  curId(): ResId {
    return { ...gvkOf(this.obj), name: this.name, namespace: this.namespace };
  }

  /** The id the resource had first (kustomize's OrgId). */
  orgId(): ResId {
    return this.prevIds[0] ?? this.curId();
  }

  /** Current and previous ids. */
  allIds(): ResId[] {
    return [...this.prevIds, this.curId()];
  }

  /** Records the current id before a transformer changes name or namespace (kustomize's StorePreviousId). */
  storePreviousId(): void {
    this.prevIds.push(this.curId());
  }
}

/** Whether objects of this id's kind are namespaced (unknown kinds are). */
export function isNamespaced(id: Gvk): boolean {
  return isNamespacedKind(id.group ? `${id.group}/${id.version}` : id.version, id.kind);
}

/** kustomize's EffectiveNamespace: cluster-scoped kinds have none; '' and 'default' are the same. */
export function effectiveNamespace(id: ResId): string {
  if (!isNamespaced(id)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}

export function sameGvk(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** kustomize's ResId.Equals. */
export function idEquals(a: ResId, b: ResId): boolean {
  return sameGvk(a, b) && a.name === b.name && effectiveNamespace(a) === effectiveNamespace(b);
}

/** kustomize's ResId.String (used in its messages). */
export function idString(id: ResId): string {
  return `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

/**
 * Parses a resource file the way kustomize reads it (kyaml scalars), after the project's YAML guards (size, alias
 * bombs, depth). Empty documents are skipped; `List` kinds are expanded into their items.
 */
export function parseResources(text: string, file: string, requireName = true, isPatch = false): Resource[] {
  const guarded = parseYamlDocuments(text, file);
  if (!guarded.ok) refuse(file, guarded.error.message, guarded.error.line);
  let docs: unknown[];
  try {
    docs = loadAll(text, { schema: KYAML_SCHEMA, filename: file });
  } catch (error) {
    return refuse(file, `${file}: ${(error as Error).message}`);
  }
  const out: Resource[] = [];
  const lines = guarded.ok ? guarded.documents.map((d) => d.line) : [];
  // kustomize prints annotations (and a patch's labels) as the text they were written as.
  const asText = (path: readonly string[]): boolean => (path.length === 3 && path[0] === 'metadata'
    && (path[1] === 'annotations' || (isPatch && path[1] === 'labels')))
    || (path.length === 5 && path[0] === 'items' && path[2] === 'metadata' && path[3] === 'annotations');
  docs = docs.map((d) => unboxScalars(d, asText));
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    if (!isPlainObject(doc)) refuse(file, `${file}: document ${i + 1} is not a YAML mapping`, lines[i]);
    const obj = doc as Record<string, unknown>;
    const kind = obj.kind;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj.items)) {
      for (const item of obj.items) {
        if (!isPlainObject(item)) refuse(file, `${file}: an item of the ${kind} is not a mapping`, lines[i]);
        out.push(checked(item as Record<string, unknown>, file, lines[i], requireName, isPatch));
      }
      return;
    }
    out.push(checked(obj, file, lines[i], requireName, isPatch));
  });
  return out;
}

function checked(obj: Record<string, unknown>, file: string, line: number | undefined, requireName: boolean, isPatch: boolean): Resource {
  if (typeof obj.kind !== 'string' || obj.kind === '') refuse(file, `${file}: missing kind in object`, line);
  if (typeof obj.apiVersion !== 'string') refuse(file, `${file}: missing apiVersion in object`, line);
  const meta = obj.metadata;
  if (requireName && (!isPlainObject(meta) || typeof meta.name !== 'string' || meta.name === '')) {
    refuse(file, `${file}: missing metadata.name in object of kind ${String(obj.kind)}`, line);
  }
  if (!isPatch) normalizeAnnotations(obj, file, line);
  return new Resource(obj, file);
}

/**
 * kustomize round-trips every object's annotations through a string map (its internal annotations): an empty or
 * null `metadata.annotations` disappears, and values become their text. A non-string value would print as text
 * we cannot know for sure (`0755` stays `0755`); the API server rejects it anyway: refused.
 */
function normalizeAnnotations(obj: Record<string, unknown>, file: string, line: number | undefined): void {
  const meta = obj.metadata;
  if (!isPlainObject(meta) || !Object.hasOwn(meta, 'annotations')) return;
  const a = meta.annotations;
  if (a === null || (isPlainObject(a) && Object.keys(a).length === 0)) {
    delete meta.annotations;
    return;
  }
  if (!isPlainObject(a)) refuse(file, `${file}: metadata.annotations of ${String(meta.name)} is not a mapping`, line);
  for (const [k, v] of Object.entries(a as Record<string, unknown>)) {
    if (typeof v !== 'string') refuse(file, `${file}: annotation ${k} of ${String(meta.name)} is not a string; quote it`, line);
  }
}
