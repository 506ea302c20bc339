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
  for (const referrer of map.list) {
    const gvk = gvkOf(referrer.obj);
    let candidates: Resource[] | undefined;
    for (const backRef of BUILTIN_FIELD_SPECS.nameReference) {
      const target: Gvk = { group: backRef.group ?? '', version: backRef.version ?? '', kind: backRef.kind };
      for (const spec of backRef.fieldSpecs) {
        if (!gvkSelected(gvk, spec)) continue;
        candidates ??= couldBeReferenced(map, referrer);
        const fixer = new Fixer(referrer, spec, target, candidates, file);
        applySpecs(referrer, [{ ...spec, create: false }], file, (parent, key) => fixer.set(parent, key));
      }
    }
  }
}

/** kustomize SubsetThatCouldBeReferencedByResource. */
function couldBeReferenced(map: ResMap, referrer: Resource): Resource[] {
  const rid = referrer.curId();
  if (!isNamespaced(rid)) return map.list;
  const rbNamespaces = new Set<string>();
  if (rid.kind === 'RoleBinding' && Array.isArray(referrer.obj.subjects)) {
    for (const s of referrer.obj.subjects) {
      if (isPlainObject(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') rbNamespaces.add(s.namespace);
    }
  }
  return map.list.filter((r) => {
    const id = r.curId();
    if (!isNamespaced(id)) return true;
    if (effectiveNamespace(id) === effectiveNamespace(rid)) return true;
    return rbNamespaces.has(r.namespace);
  });
}

class Fixer {
  private readonly referrer: Resource;
  private readonly spec: FieldSpec;
  private readonly target: Gvk;
  private readonly candidates: Resource[];
  private readonly file: string;

  constructor(referrer: Resource, spec: FieldSpec, target: Gvk, candidates: Resource[], file: string) {
    this.referrer = referrer;
    this.spec = spec;
    this.target = target;
    this.candidates = candidates;
    this.file = file;
  }

  set(parent: Record<string, unknown>, key: string): void {
    const value = parent[key];
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      const referral = this.select(value, this.candidates, false);
      if (referral && referral.name !== value) parent[key] = referral.name;
    } else if (isPlainObject(value)) this.setMapping(value);
    else if (Array.isArray(value)) {
      value.forEach((element, i) => {
        if (typeof element === 'string') {
          const referral = this.select(element, this.candidates, false);
          if (referral && referral.name !== element) value[i] = referral.name;
        } else if (isPlainObject(element)) this.setMapping(element);
      });
    }
  }

  private setMapping(node: Record<string, unknown>): void {
    if (!Object.hasOwn(node, 'name')) {
      throw new BuildRefusal([{ file: this.file, message: `path config error; no 'name' field in node (${this.spec.path} of ${idString(this.referrer.curId())})` }]);
    }
    let candidates = this.candidates;
    if (Object.hasOwn(node, 'namespace')) {
      const ns = String(node.namespace);
      const byOrg = candidates.filter((r) => r.orgId().namespace === ns);
      candidates = byOrg.length > 0 ? byOrg : candidates.filter((r) => r.namespace === ns);
    }
    const oldName = String(node.name);
    const referral = this.select(oldName, candidates, true);
    if (!referral) return;
    if (referral.name === oldName && referral.namespace === '') return;
    node.name = referral.name;
    if (referral.namespace !== '') node.namespace = referral.namespace;
  }

  /** kustomize selectReferral. */
  private select(oldName: string, list: Resource[], withNamespace: boolean): Resource | undefined {
    let c = list.filter((r) => r.prevIds.some((id) => id.name === oldName));
    c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id, this.target)));
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
