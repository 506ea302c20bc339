/**
 * The response forms a client can ask for in `Accept`, as the API server negotiates them
 * (k8s.io/apiserver endpoints/handlers/negotiation and response.go): plain JSON, a meta.k8s.io `Table`
 * (kubectl get), or the metadata-only `PartialObjectMetadata` / `PartialObjectMetadataList` (client-go's
 * metadata client). Clauses are taken by q-value (highest first, header order breaking ties, q=0 never); the
 * first one the fake can serve wins. The fake serves JSON only: a protobuf or YAML clause is passed over, and a
 * header with no clause it can serve gets plain JSON (the real server would answer 406 there).
 */
import { KubeError } from './status.ts';

/** What the negotiated clause asks for: the object as stored, or one of the meta.k8s.io forms. */
export type MediaForm = { as: 'object' } | { as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList'; version: 'v1' | 'v1beta1' };

const FORMS = new Set(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList']);
const JSON_TYPES = new Set(['application/json', 'application/*', '*/*']);

interface Clause { type: string; params: Map<string, string>; q: number; index: number }

function parseClause(text: string, index: number): Clause | undefined {
  const [type, ...rest] = text.split(';').map((s) => s.trim());
  if (!type) return undefined;
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  const q = params.has('q') ? Number(params.get('q')) : 1;
  return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0, index };
}

/** Headers already negotiated: a client sends the same few on every request (bounded: any header may come). */
const negotiated = new Map<string, MediaForm>();

/** The form the `Accept` header negotiates to (plain JSON when it names none the fake serves). */
export function negotiate(accept: string | undefined): MediaForm {
  if (!accept) return { as: 'object' };
  let form = negotiated.get(accept);
  if (!form) {
    form = Object.freeze(negotiateClauses(accept));
    if (negotiated.size >= 64) negotiated.clear();
    negotiated.set(accept, form);
  }
  return form;
}

function negotiateClauses(accept: string): MediaForm {
  const clauses = accept.split(',').map(parseClause).filter((c): c is Clause => c !== undefined && c.q > 0);
  clauses.sort((a, b) => b.q - a.q || a.index - b.index);
  for (const c of clauses) {
    if (!JSON_TYPES.has(c.type)) continue;
    const as = c.params.get('as');
    if (as === undefined) return { as: 'object' };
    const version = c.params.get('v');
    if (FORMS.has(as) && c.params.get('g') === 'meta.k8s.io' && (version === 'v1' || version === 'v1beta1')) {
      return { as: as as 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList', version };
    }
  }
  return { as: 'object' };
}

/** Go's `%T` of what the server holds: a built-in's versioned type, or unstructured for custom resources. */
export function goType(kind: string, apiVersion: string, builtIn: boolean, list: boolean): string {
  if (!builtIn) return list ? '*unstructured.UnstructuredList' : '*unstructured.Unstructured';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return `*${version}.${kind}${list ? 'List' : ''}`;
}

const notAcceptable = (message: string) => new KubeError(406, 'NotAcceptable', message);

type Obj = Record<string, any>;

/**
 * One object in the negotiated form. `table` builds the Table (its columns are the caller's). Asking for a list
 * form of one object is 406, as the server answers.
 */
export function presentObject(obj: Obj, form: MediaForm, type: string, table: (items: Obj[]) => unknown): unknown {
  switch (form.as) {
    case 'object': return obj;
    case 'Table': return table([obj]);
    case 'PartialObjectMetadata': return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${form.version}`, metadata: obj.metadata };
    case 'PartialObjectMetadataList': throw notAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${type})`);
  }
}

/** A list in the negotiated form; asking for the single-object form of a list is 406. */
export function presentList(list: Obj, form: MediaForm, type: string, table: (items: Obj[]) => unknown): unknown {
  switch (form.as) {
    case 'object': return list;
    case 'Table': return table(list.items);
    case 'PartialObjectMetadata': throw notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${type})`);
    case 'PartialObjectMetadataList': {
      const apiVersion = `meta.k8s.io/${form.version}`;
      return { kind: 'PartialObjectMetadataList', apiVersion, metadata: list.metadata, items: (list.items as Obj[]).map((o) => ({ kind: 'PartialObjectMetadata', apiVersion, metadata: o.metadata })) };
    }
  }
}
