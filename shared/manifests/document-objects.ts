/**
 * From a parsed YAML document to the Kubernetes objects it declares (Flux v1 `ParseMultidoc` /
 * `unmarshalObject`): documents without a kind are skipped, any kind ending in `List` is expanded to its
 * items, and an object must be a mapping with a string apiVersion and metadata.name. Annotation and label
 * values are normalised to strings, as Flux v1 and the API server need them.
 */
import type { ManifestError, Skipped } from './manifest-set.ts';
import type { KubeObject } from './resource.ts';
import type { YamlDocument } from './yaml.ts';
import { isMapping } from './is-mapping.ts';

/** An object found in a document, before its namespace and id are settled. */
export interface DeclaredObject {
  object: KubeObject;
  apiVersion: string;
  kind: string;
  name: string;
  /** metadata.namespace as written ('' and null count as absent). */
  namespace: string | undefined;
  /** metadata.annotations as strings. */
  annotations: Record<string, string>;
  file: string;
  line: number;
  docIndex: number;
  itemIndex?: number;
}

/** Where {@link objectsOfDocument} puts what it finds. */
export interface DocumentSink {
  objects: DeclaredObject[];
  skipped: Skipped[];
  errors: ManifestError[];
}


function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a sequence';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/** The string Kubernetes (and Flux v1) reads for a scalar in a string-valued map, or undefined for a collection. */
export function scalarToString(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': return v ? 'true' : 'false';
    case 'number':
      if (Number.isFinite(v)) return String(v);
      return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
    case 'undefined': return '';
    default: return v === null ? '' : undefined;
  }
}

/**
 * Normalises `metadata[field]` (annotations or labels) in place to a map of strings (idempotently).
 * Returns the map, or an error message naming the offending key.
 */
function normaliseStringMap(metadata: Record<string, unknown>, field: 'annotations' | 'labels'): Record<string, string> | string {
  const raw = metadata[field];
  if (raw === undefined || raw === null) return {};
  if (!isMapping(raw)) return `metadata.${field} must be a mapping, not ${describe(raw)}`;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const s = scalarToString(value);
    if (s === undefined) return `metadata.${field}[${JSON.stringify(key)}] must be a string, not ${describe(value)}`;
    Object.defineProperty(out, key, { value: s, enumerable: true, writable: true, configurable: true });
  }
  // In place, and idempotent: a parse shared through the parse cache is normalised the same way by every reader,
  // and the object's identity is what the apply-body cache is keyed by.
  metadata[field] = out;
  return out;
}

/** Checks one object; returns it, or the reason it is not a valid object. */
function declaredObject(value: unknown, at: Omit<DeclaredObject, 'object' | 'apiVersion' | 'kind' | 'name' | 'namespace' | 'annotations'>):
  DeclaredObject | string {
  if (!isMapping(value)) return `not a mapping but ${describe(value)}`;
  const { apiVersion, kind, metadata } = value;
  if (typeof kind !== 'string' || kind === '') return kind === undefined || kind === null || kind === '' ? 'it has no kind' : `kind must be a string, not ${describe(kind)}`;
  if (typeof apiVersion !== 'string' || apiVersion === '') return `apiVersion must be a non-empty string, not ${describe(apiVersion)}`;
  if (!isMapping(metadata)) return `metadata must be a mapping with a name, not ${describe(metadata)}`;
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || name === '') return `metadata.name must be a non-empty string, not ${describe(name)}`;
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    return `metadata.namespace must be a string, not ${describe(namespace)}`;
  }
  const annotations = normaliseStringMap(metadata, 'annotations');
  if (typeof annotations === 'string') return annotations;
  const labels = normaliseStringMap(metadata, 'labels');
  if (typeof labels === 'string') return labels;
  return {
    ...at, object: value as KubeObject, apiVersion, kind, name,
    namespace: typeof namespace === 'string' && namespace !== '' ? namespace : undefined, annotations,
  };
}

/**
 * Collects the objects of one document into `sink`, with skips (empty documents, documents without a kind,
 * empty Lists) and errors (anything that is not a valid object), each with its file and line.
 */
export function objectsOfDocument(doc: YamlDocument, file: string, sink: DocumentSink): void {
  const { value, line, index: docIndex } = doc;
  const where = { file, line };
  if (value === null || value === undefined) {
    sink.skipped.push({ ...where, reason: 'empty document' });
    return;
  }
  if (!isMapping(value)) {
    sink.errors.push({ ...where, message: `document ${docIndex + 1} is not a Kubernetes object: not a mapping but ${describe(value)}` });
    return;
  }
  const { kind } = value;
  if (kind === undefined || kind === null || kind === '') {
    sink.skipped.push({ ...where, reason: 'document has no kind (not a Kubernetes object)' });
    return;
  }
  if (typeof kind === 'string' && kind.endsWith('List')) {
    const { items } = value;
    if (items === undefined || items === null || (Array.isArray(items) && items.length === 0)) {
      sink.skipped.push({ ...where, reason: `${kind} with no items` });
      return;
    }
    if (!Array.isArray(items)) {
      sink.errors.push({ ...where, message: `${kind}: items must be a sequence, not ${describe(items)}` });
      return;
    }
    items.forEach((item, itemIndex) => {
      const itemLine = doc.itemLines?.[itemIndex] ?? line;
      const result = declaredObject(item, { file, line: itemLine, docIndex, itemIndex });
      if (typeof result === 'string') {
        sink.errors.push({ file, line: itemLine, message: `${kind} item ${itemIndex} is not a valid Kubernetes object: ${result}` });
      } else sink.objects.push(result);
    });
    return;
  }
  const result = declaredObject(value, { file, line, docIndex });
  if (typeof result === 'string') sink.errors.push({ ...where, message: `document ${docIndex + 1} is not a valid Kubernetes object: ${result}` });
  else sink.objects.push(result);
}
