/**
 * Label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x,y)`) and the
 * field selectors every kind supports (`metadata.name`, `metadata.namespace`).
 */
import { badRequest } from './status.ts';

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}

const KEY = /^([a-z0-9A-Z][-a-z0-9A-Z_.]*\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function key(k: string, selector: string): string {
  if (!KEY.test(k)) throw badRequest(`unable to parse requirement: invalid label key "${k}" in selector "${selector}"`);
  return k;
}

/** Parses a label selector into a predicate; throws 400 BadRequest on bad syntax, as the server does. */
export function parseLabelSelector(selector: string | null | undefined): Requirement {
  if (!selector || !selector.trim()) return () => true;
  const reqs: Requirement[] = [];
  for (const term of splitTerms(selector)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const k = key(m[1]!, selector);
      const values = new Set(m[3]!.split(',').map((v) => v.trim()).filter(Boolean));
      reqs.push(m[2] === 'in' ? (l) => k in l && values.has(l[k]!) : (l) => !(k in l) || !values.has(l[k]!));
    } else if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      const k = key(m[1]!, selector);
      const v = m[3]!;
      reqs.push(m[2] === '!=' ? (l) => l[k] !== v : (l) => l[k] === v);
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      const k = key(m[1]!, selector);
      reqs.push((l) => !(k in l));
    } else if (KEY.test(term)) {
      reqs.push((l) => term in l);
    } else {
      throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, identifier, or '!'`);
    }
  }
  return (labels) => reqs.every((r) => r(labels));
}

/** Parses a field selector over metadata.name / metadata.namespace. */
export function parseFieldSelector(selector: string | null | undefined): (obj: Record<string, any>) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const reqs: Array<(o: Record<string, any>) => boolean> = [];
  for (const term of splitTerms(selector)) {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (!m || !['metadata.name', 'metadata.namespace'].includes(m[1]!)) {
      throw badRequest(`"${term}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    const [, field, op, value] = m;
    const get = (o: Record<string, any>) => (field === 'metadata.name' ? o.metadata?.name : o.metadata?.namespace ?? '');
    reqs.push(op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (o) => reqs.every((r) => r(o));
}
