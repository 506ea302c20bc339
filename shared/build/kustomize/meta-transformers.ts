/**
 * kustomize's namespace, name prefix/suffix, label and annotation transformers (v5.5.0 semantics, builtin field
 * specs from {@link BUILTIN_FIELD_SPECS}).
 */
import { isPlainObject } from '../merge/index.ts';
import { BuildRefusal } from './build-message.ts';
import { FieldSpecError, gvkOf, gvkSelected, splitPath, visitField } from './field-spec.ts';
import type { FieldSpec } from './field-spec.ts';
import { BUILTIN_FIELD_SPECS } from './field-specs-table.ts';
import type { Kustomization } from './kustomization-file.ts';
import { idString, isNamespaced } from './resource.ts';
import type { Resource } from './resource.ts';
import type { ResMap } from './res-map.ts';

/** Applies `set(parent, key)` at every place the specs name in the resource; wraps kustomize's walk errors. */
export function applySpecs(
  res: Resource, specs: readonly FieldSpec[], file: string, set: (parent: Record<string, unknown>, key: string) => void,
  createValue?: () => unknown,
): void {
  const gvk = gvkOf(res.obj);
  for (const spec of specs) {
    if (!gvkSelected(gvk, spec)) continue;
    try {
      visitField(res.obj, splitPath(spec.path), spec.create === true, set, createValue);
    } catch (error) {
      if (!(error instanceof FieldSpecError)) throw error;
      throw new BuildRefusal([{ file, message: `${file}: ${error.message} in ${idString(res.curId())} (${spec.path})` }]);
    }
  }
}

/** `namespace:`: metadata.namespace of namespaced kinds, the builtin specs, RBAC subjects named `default`. */
export function applyNamespace(map: ResMap, namespace: string, file: string): void {
  const specs = BUILTIN_FIELD_SPECS.namespace;
  for (const res of map.list) {
    res.storePreviousId();
    const id = res.curId();
    if (isNamespaced(id)) res.metadata.namespace = namespace;
    if (id.kind === 'RoleBinding' || id.kind === 'ClusterRoleBinding') {
      const subjects = res.obj.subjects;
      if (Array.isArray(subjects)) {
        for (const s of subjects) if (isPlainObject(s) && s.name === 'default') s.namespace = namespace;
      }
    }
    applySpecs(res, specs, file, (parent, key) => {
      parent[key] = namespace;
    }, () => namespace);
    if (map.byCurrentId(res.curId()).length !== 1) {
      throw new BuildRefusal([{ file, message: `namespace transformation produces ID conflict: ${idString(res.curId())}` }]);
    }
  }
}

const PREFIX_SKIP: ReadonlyArray<{ group?: string; kind: string }> = [
  { kind: 'CustomResourceDefinition' }, { group: 'apiregistration.k8s.io', kind: 'APIService' }, { kind: 'Namespace' },
];

/** `namePrefix` / `nameSuffix`: metadata.name of every kind but CRDs, APIServices and Namespaces. */
export function applyNameAffix(map: ResMap, affix: string, where: 'prefix' | 'suffix'): void {
  if (affix === '') return;
  for (const res of map.list) {
    const org = res.orgId();
    if (PREFIX_SKIP.some((s) => gvkSelected(org, s))) continue;
    res.storePreviousId();
    res.metadata.name = where === 'prefix' ? `${affix}${res.name}` : `${res.name}${affix}`;
    if (where === 'prefix') res.prefixes.push(affix);
    else res.suffixes.push(affix);
  }
}

function setEntries(values: Record<string, string>) {
  return (parent: Record<string, unknown>, key: string): void => {
    let target = parent[key];
    if (target === null || target === undefined) {
      target = {};
      parent[key] = target;
    }
    if (!isPlainObject(target)) throw new FieldSpecError(`expected a mapping at ${key}`);
    for (const [k, v] of Object.entries(values)) target[k] = v;
  };
}

/** Merges field specs as kustomize's FsSlice.MergeAll does: a spec for the same path and kinds is not added twice. */
function mergeSpecs(a: readonly FieldSpec[], b: readonly FieldSpec[]): FieldSpec[] {
  const out = [...a];
  for (const s of b) {
    if (!out.some((o) => o.path === s.path && (o.group ?? '') === (s.group ?? '') && (o.version ?? '') === (s.version ?? '')
      && (o.kind ?? '') === (s.kind ?? ''))) out.push(s);
  }
  return out;
}

/** `labels` (each entry with its options) then `commonLabels`, as kustomize's LabelTransformer runs them. */
export function applyLabels(map: ResMap, k: Kustomization, file: string): void {
  const common = k.commonLabels ?? {};
  for (const entry of k.labels ?? []) {
    const pairs = entry.pairs ?? {};
    let specs: FieldSpec[] = (entry.fields ?? []).map((f) => ({ ...f }));
    if (entry.includeSelectors) specs = mergeSpecs(specs, BUILTIN_FIELD_SPECS.commonLabels);
    else {
      specs = mergeSpecs(specs, [{ path: 'metadata/labels', create: true }]);
      if (entry.includeTemplates) specs = mergeSpecs(specs, BUILTIN_FIELD_SPECS.templateLabels);
    }
    if (Object.keys(pairs).length === 0) continue;
    for (const res of map.list) applySpecs(res, specs, file, setEntries(pairs));
  }
  if (Object.keys(common).length === 0) return;
  for (const res of map.list) applySpecs(res, BUILTIN_FIELD_SPECS.commonLabels, file, setEntries(common));
}

/** `commonAnnotations`. */
export function applyAnnotations(map: ResMap, annotations: Record<string, string>, file: string): void {
  if (Object.keys(annotations).length === 0) return;
  for (const res of map.list) applySpecs(res, BUILTIN_FIELD_SPECS.commonAnnotations, file, setEntries(annotations));
}
