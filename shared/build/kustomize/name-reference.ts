/**
 * kustomize's name-reference fix-up (api/filters/nameref, run once at the end of the build): every field its builtin
 * nameReference table lists (configMap/secret refs in pod specs, serviceAccountName, roleRef, RBAC subjects, ...)
 * that names a resource whose name (or namespace) changed is rewritten to the resource's current name.
 */
import { isPlainObject } from '../merge/index.ts';
import { BuildRefusal } from './build-message.ts';
import { gvkOf, gvkSelected } from './field-spec.ts';
import type { FieldSpec, Gvk } from './field-spec.ts';
import { BUILTIN_FIELD_SPECS } from './field-specs-table.ts';
import { applySpecs } from './meta-transformers.ts';
import { effectiveNamespace, idString, isNamespaced } from './resource.ts';
import type { Resource } from './resource.ts';
import type { ResMap } from './res-map.ts';

export function fixNameReferences(map: ResMap, file: string): void {
  const index = new NameIndex(map.list);
  for (const referrer of map.list) {
    const gvk = gvkOf(referrer.obj);
    let couldRef: ((r: Resource) => boolean) | undefined;
    for (const backRef of BUILTIN_FIELD_SPECS.nameReference) {
      const target: Gvk = { group: backRef.group ?? '', version: backRef.version ?? '', kind: backRef.kind };
      for (const spec of backRef.fieldSpecs) {
        if (!gvkSelected(gvk, spec)) continue;
        couldRef ??= couldBeReferenced(index, referrer);
        const fixer = new Fixer(referrer, spec, target, index, couldRef, file);
        applySpecs(referrer, [{ ...spec, create: false }], file, (parent, key) => fixer.set(parent, key));
      }
    }
  }
}

/** The resources by each name they had (kustomize's previous ids), and each one's effective namespace. */
class NameIndex {
  readonly list: Resource[];
  readonly byName = new Map<string, Resource[]>();
  readonly ns = new Map<Resource, string>();
  constructor(list: Resource[]) {
    this.list = list;
    for (const r of list) {
      this.ns.set(r, effectiveNamespace(r.curId()));
      for (const name of new Set(r.prevIds.map((id) => id.name))) {
        const at = this.byName.get(name);
        if (at) at.push(r);
        else this.byName.set(name, [r]);
      }
    }
  }
}

const CLUSTER = '_non_namespaceable_';

/** kustomize SubsetThatCouldBeReferencedByResource, as a predicate. */
function couldBeReferenced(index: NameIndex, referrer: Resource): (r: Resource) => boolean {
  const rns = index.ns.get(referrer) as string;
  if (rns === CLUSTER) return () => true;
  const rbNamespaces = new Set<string>();
  if (referrer.obj.kind === 'RoleBinding' && Array.isArray(referrer.obj.subjects)) {
    for (const s of referrer.obj.subjects) {
      if (isPlainObject(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') rbNamespaces.add(s.namespace);
    }
  }
  return (r) => {
    const ns = index.ns.get(r) as string;
    return ns === CLUSTER || ns === rns || rbNamespaces.has(r.namespace);
  };
}

class Fixer {
  private readonly referrer: Resource;
  private readonly spec: FieldSpec;
  private readonly target: Gvk;
  private readonly index: NameIndex;
  private readonly couldRef: (r: Resource) => boolean;
  private readonly file: string;

  constructor(referrer: Resource, spec: FieldSpec, target: Gvk, index: NameIndex, couldRef: (r: Resource) => boolean, file: string) {
    this.referrer = referrer;
    this.spec = spec;
    this.target = target;
    this.index = index;
    this.couldRef = couldRef;
    this.file = file;
  }

  /** The candidates named `name` (any previous name) that the referrer could reference. */
  private named(name: string): Resource[] {
    return (this.index.byName.get(name) ?? []).filter(this.couldRef);
  }

  set(parent: Record<string, unknown>, key: string): void {
    const value = parent[key];
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      const referral = this.select(value, this.named(value), false);
      if (referral && referral.name !== value) parent[key] = referral.name;
    } else if (isPlainObject(value)) this.setMapping(value);
    else if (Array.isArray(value)) {
      value.forEach((element, i) => {
        if (typeof element === 'string') {
          const referral = this.select(element, this.named(element), false);
          if (referral && referral.name !== element) value[i] = referral.name;
        } else if (isPlainObject(element)) this.setMapping(element);
      });
    }
  }

  private setMapping(node: Record<string, unknown>): void {
    if (!Object.hasOwn(node, 'name')) {
      throw new BuildRefusal([{ file: this.file, message: `path config error; no 'name' field in node (${this.spec.path} of ${idString(this.referrer.curId())})` }]);
    }
    const oldName = String(node.name);
    let candidates = this.named(oldName);
    if (Object.hasOwn(node, 'namespace')) {
      // kustomize groups all candidates by original namespace first, then by current namespace.
      const ns = String(node.namespace);
      const anyByOrg = this.index.list.some((r) => this.couldRef(r) && r.orgId().namespace === ns);
      candidates = candidates.filter((r) => (anyByOrg ? r.orgId().namespace === ns : r.namespace === ns));
    }
    const referral = this.select(oldName, candidates, true);
    if (!referral) return;
    if (referral.name === oldName && referral.namespace === '') return;
    node.name = referral.name;
    if (referral.namespace !== '') node.namespace = referral.namespace;
  }

  /** kustomize selectReferral. */
  private select(oldName: string, list: Resource[], withNamespace: boolean): Resource | undefined {
    let c = list.filter((r) => r.prevIds.some((id) => gvkSelected(id, this.target)));
    if (this.spec.path.endsWith('roleRef/name')) {
      const roleRef = this.referrer.obj.roleRef;
      if (isPlainObject(roleRef) && roleRef.apiGroup !== undefined && roleRef.apiGroup !== null && roleRef.kind !== undefined && roleRef.kind !== null) {
        const sel = { group: String(roleRef.apiGroup), kind: String(roleRef.kind) };
        c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id, sel)));
      }
    }
    const rid = this.referrer.curId();
    if (isNamespaced(rid)) {
      c = c.filter((r) => {
        const id = r.curId();
        return !isNamespaced(id) || r.obj.kind === 'ServiceAccount' || effectiveNamespace(id) === effectiveNamespace(rid);
      });
    }
    if (c.length === 1) return c[0];
    c = c.filter((r) => sameList(r.prefixes, this.referrer.prefixes) && sameList(r.suffixes, this.referrer.suffixes));
    if (c.length === 1) return c[0];
    if (c.length === 0) return undefined;
    const first = c[0] as Resource;
    if (c.every((r) => r.name === first.name && (!withNamespace || r.namespace === first.namespace))) return first;
    throw new BuildRefusal([{ file: this.file, message: `found multiple possible referrals for ${oldName} in ${this.spec.path} of ${idString(rid)}: ${c.map((r) => idString(r.curId())).join(', ')}` }]);
  }
}

const sameList = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
