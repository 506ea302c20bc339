/**
 * kustomize's patch target selection (ResMap.Select): group/version/kind/name/namespace are anchored RE2 regexes
 * (re2js: Go's syntax, linear time); name and namespace match the original or the current id; label and annotation
 * selectors use Kubernetes' selector syntax (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`).
 */
import { RE2JS } from 're2js';
import { isPlainObject } from '../merge/index.ts';
import { BuildRefusal } from './build-message.ts';
import { gvkOf } from './field-spec.ts';
import type { Selector } from './kustomization-file.ts';
import { effectiveNamespace } from './resource.ts';
import type { Resource } from './resource.ts';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

function compile(pattern: string, file: string): RE2JS {
  try {
    return RE2JS.compile(`^(?:${pattern})$`);
  } catch (error) {
    throw new BuildRefusal([{ file, message: `invalid patch target regex ${pattern} in ${file}: ${(error as Error).message}` }]);
  }
}

/** Parses a Kubernetes label selector. */
export function parseLabelSelector(text: string, file: string): Requirement[] {
  const out: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^()]*)\)$/.exec(part))) {
      out.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((v) => v.trim()) });
    } else if ((m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(part))) {
      out.push({ key: m[1] as string, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] as string] });
    } else if ((m = /^!\s*([^\s!=(),]+)$/.exec(part))) out.push({ key: m[1] as string, op: '!exists', values: [] });
    else if ((m = /^([^\s!=(),]+)$/.exec(part))) out.push({ key: m[1] as string, op: 'exists', values: [] });
    else throw new BuildRefusal([{ file, message: `unsupported selector ${text} in ${file}` }]);
  }
  return out;
}

function matches(reqs: Requirement[], map: unknown): boolean {
  const m = isPlainObject(map) ? map : {};
  return reqs.every((r) => {
    const has = Object.hasOwn(m, r.key);
    const value = has ? String(m[r.key]) : undefined;
    switch (r.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case 'in': return has && r.values.includes(value as string);
      case 'notin': return !has || !r.values.includes(value as string);
    }
  });
}

/** The resources a selector picks, in build order. */
export function selectResources(list: Resource[], s: Selector, file: string): Resource[] {
  const re = (p: string | undefined) => (p ? compile(p, file) : undefined);
  const [group, version, kind, name, ns] = [re(s.group), re(s.version), re(s.kind), re(s.name), re(s.namespace)];
  const labels = s.labelSelector ? parseLabelSelector(s.labelSelector, file) : undefined;
  const annotations = s.annotationSelector ? parseLabelSelector(s.annotationSelector, file) : undefined;
  return list.filter((r) => {
    const org = r.orgId();
    const cur = r.curId();
    if (ns && !ns.matches(effectiveNamespace(org)) && !ns.matches(effectiveNamespace(cur))) return false;
    if (name && !name.matches(org.name) && !name.matches(cur.name)) return false;
    const gvk = gvkOf(r.obj);
    if (group && !group.matches(gvk.group)) return false;
    if (version && !version.matches(gvk.version)) return false;
    if (kind && !kind.matches(gvk.kind)) return false;
    const meta = isPlainObject(r.obj.metadata) ? r.obj.metadata : {};
    if (labels && !matches(labels, meta.labels)) return false;
    if (annotations && !matches(annotations, meta.annotations)) return false;
    return true;
  });
}
