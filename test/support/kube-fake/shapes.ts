/**
 * The structure of objects as server-side apply sees it: structs with declared fields, maps,
 * lists (atomic, set, or associative by keys) and leaves. Built-in kinds take their field
 * structure from the @kubernetes/client-node models (generated from the Kubernetes OpenAPI);
 * custom resources take it from their CRD's openAPIV3Schema. Also finds and prunes unknown fields.
 */
import * as k8s from '@kubernetes/client-node';

/** How SSA treats a value. `deduced`: no schema (preserve-unknown-fields); objects are granular, lists atomic. */
export type Shape =
  | { t: 'struct'; field: (name: string) => Shape | undefined; preserveUnknown: boolean }
  | { t: 'map'; elem: Shape }
  | { t: 'list'; elem: Shape; listType: 'atomic' | 'set' | 'map'; keys: string[] }
  | { t: 'scalar' }
  | { t: 'deduced' };

const SCALAR: Shape = { t: 'scalar' };
const DEDUCED: Shape = { t: 'deduced' };

/** Associative lists of built-in kinds (x-kubernetes-list-map-keys in the real OpenAPI); others are atomic. */
const LIST_KEYS: Record<string, string[]> = {
  'V1PodSpec.containers': ['name'], 'V1PodSpec.initContainers': ['name'], 'V1PodSpec.ephemeralContainers': ['name'],
  'V1PodSpec.volumes': ['name'], 'V1PodSpec.hostAliases': ['ip'], 'V1PodSpec.resourceClaims': ['name'],
  'V1PodSpec.schedulingGates': ['name'], 'V1PodSpec.topologySpreadConstraints': ['topologyKey', 'whenUnsatisfiable'],
  'V1Container.env': ['name'], 'V1Container.ports': ['containerPort', 'protocol'], 'V1Container.volumeMounts': ['mountPath'],
  'V1Container.volumeDevices': ['devicePath'], 'V1EphemeralContainer.env': ['name'],
  'V1EphemeralContainer.ports': ['containerPort', 'protocol'], 'V1EphemeralContainer.volumeMounts': ['mountPath'],
  'V1ServiceSpec.ports': ['port', 'protocol'], 'V1ObjectMeta.ownerReferences': ['uid'],
};
const SET_LISTS = new Set(['V1ObjectMeta.finalizers']);
/** Defaults the real server applies before SSA sees key fields (so `protocol` may be omitted). */
export const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

type ModelClass = { getAttributeTypeMap(): Array<{ baseName: string; type: string }> };
const models = k8s as unknown as Record<string, ModelClass | undefined>;
const modelCache = new Map<string, Shape>();

function fromType(type: string, owner: string, field: string): Shape {
  if (type.startsWith('Array<')) {
    const elem = fromType(type.slice(6, -1), owner, field);
    const key = `${owner}.${field}`;
    if (LIST_KEYS[key]) return { t: 'list', elem, listType: 'map', keys: LIST_KEYS[key]! };
    if (SET_LISTS.has(key)) return { t: 'list', elem, listType: 'set', keys: [] };
    if (field === 'conditions' && elem.t === 'struct' && elem.field('type')) return { t: 'list', elem, listType: 'map', keys: ['type'] };
    return { t: 'list', elem, listType: 'atomic', keys: [] };
  }
  const m = /^\{ \[key: string\]: (.*); \}$/.exec(type);
  if (m) return { t: 'map', elem: fromType(m[1]!, owner, field) };
  if (models[type]?.getAttributeTypeMap) return modelShape(type);
  return SCALAR;
}

/** The shape of a @kubernetes/client-node model class (e.g. `V1Deployment`). */
export function modelShape(name: string): Shape {
  const hit = modelCache.get(name);
  if (hit) return hit;
  const attrs = new Map(models[name]!.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  const fields = new Map<string, Shape>();
  const shape: Shape = {
    t: 'struct', preserveUnknown: false,
    field(f) {
      const type = attrs.get(f);
      if (type === undefined) return undefined;
      let s = fields.get(f);
      if (!s) fields.set(f, (s = fromType(type, name, f)));
      return s;
    },
  };
  modelCache.set(name, shape);
  return shape;
}

type Schema = Record<string, any>;

/** The shape of a value described by a CRD structural schema. */
export function schemaShape(s: Schema | undefined): Shape {
  if (!s || typeof s !== 'object') return DEDUCED;
  if (s['x-kubernetes-int-or-string']) return SCALAR;
  if (s.type === 'array') {
    const listType = s['x-kubernetes-list-type'] ?? 'atomic';
    return { t: 'list', elem: schemaShape(s.items), listType, keys: listType === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : [] };
  }
  const preserve = Boolean(s['x-kubernetes-preserve-unknown-fields']);
  const props: Schema | undefined = s.properties;
  if (s.type === 'object' || props || s.additionalProperties || preserve || s['x-kubernetes-embedded-resource']) {
    if (s['x-kubernetes-map-type'] === 'atomic') return SCALAR;
    if (!props && s.additionalProperties && typeof s.additionalProperties === 'object') return { t: 'map', elem: schemaShape(s.additionalProperties) };
    if (!props && (s.additionalProperties === true || (preserve && !s['x-kubernetes-embedded-resource']))) return { t: 'map', elem: DEDUCED };
    const embedded = Boolean(s['x-kubernetes-embedded-resource']);
    const cache = new Map<string, Shape>();
    return {
      t: 'struct', preserveUnknown: preserve,
      field(f) {
        if (embedded && f === 'metadata') return modelShape('V1ObjectMeta');
        if (embedded && (f === 'apiVersion' || f === 'kind')) return SCALAR;
        if (!props || !(f in props)) return undefined;
        let sh = cache.get(f);
        if (!sh) cache.set(f, (sh = schemaShape(props[f])));
        return sh;
      },
    };
  }
  return SCALAR;
}

/** The root shape of a custom resource: apiVersion, kind, metadata (ObjectMeta), then the schema's fields. */
export function customResourceShape(openAPIV3Schema: unknown): Shape {
  if (typeof openAPIV3Schema !== 'object' || openAPIV3Schema === null) return crdShape(openAPIV3Schema);
  let shape = crdShapes.get(openAPIV3Schema);
  if (!shape) crdShapes.set(openAPIV3Schema, (shape = crdShape(openAPIV3Schema)));
  return shape;
}

/** Shapes of custom resources by their schema object (stored objects, so never changed in place). */
const crdShapes = new WeakMap<object, Shape>();

function crdShape(openAPIV3Schema: unknown): Shape {
  const inner = openAPIV3Schema ? schemaShape(openAPIV3Schema as Schema) : ({ t: 'struct', preserveUnknown: true, field: () => undefined } as Shape);
  const meta = modelShape('V1ObjectMeta');
  return {
    t: 'struct', preserveUnknown: inner.t === 'struct' ? inner.preserveUnknown : true,
    field(f) {
      if (f === 'apiVersion' || f === 'kind') return SCALAR;
      if (f === 'metadata') return meta;
      return inner.t === 'struct' ? inner.field(f) : undefined;
    },
  };
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The paths of the fields of `value` that its shape does not declare, pushed to `unknown` in the order
 * {@link pruneUnknown} finds them, without copying anything.
 */
export function findUnknown(value: unknown, shape: Shape, unknown: string[], path = ''): void {
  if (shape.t === 'struct' && isObject(value)) {
    for (const k of Object.keys(value)) {
      const fs = shape.field(k);
      if (fs) findUnknown(value[k], fs, unknown, path ? `${path}.${k}` : k);
      else if (!shape.preserveUnknown) unknown.push(path ? `${path}.${k}` : k);
    }
  } else if (shape.t === 'map' && isObject(value)) {
    for (const k of Object.keys(value)) findUnknown(value[k], shape.elem, unknown, path ? `${path}.${k}` : k);
  } else if (shape.t === 'list' && Array.isArray(value)) {
    value.forEach((v, i) => findUnknown(v, shape.elem, unknown, `${path}[${i}]`));
  }
}

/**
 * A copy of `value` without the fields its shape does not declare; their paths
 * (`spec.template.spec.containers[0].madeUp`) are pushed to `unknown`.
 */
export function pruneUnknown(value: unknown, shape: Shape, unknown: string[], path = ''): unknown {
  if (shape.t === 'struct' && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const fs = shape.field(k);
      const p = path ? `${path}.${k}` : k;
      if (fs) out[k] = pruneUnknown(v, fs, unknown, p);
      else if (shape.preserveUnknown) out[k] = v;
      else unknown.push(p);
    }
    return out;
  }
  if (shape.t === 'map' && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = pruneUnknown(v, shape.elem, unknown, path ? `${path}.${k}` : k);
    return out;
  }
  if (shape.t === 'list' && Array.isArray(value)) return value.map((v, i) => pruneUnknown(v, shape.elem, unknown, `${path}[${i}]`));
  return value;
}
