/**
 * The text rewrites of a promotion (pure): registry hosts in image references and tag filters in Flux
 * annotations, each replacing the characters of one scalar and nothing else (quotes, comments, indentation,
 * other documents stay byte for byte), as image edits are.
 *
 * - A string value that is a registry host, or starts with `host/`, gets the target host (an image anywhere:
 *   `image:`, `repository:`, `registry:` values, init containers of HelmRelease values).
 * - A tag-filter annotation (`fluxcd.io/tag.<container>`, `flux.weave.works/tag.<container>`,
 *   `filter.fluxcd.io/<container>`) under `annotations` whose value is a source filter gets the target filter.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { policyOfAnnotation } from '../manifests/policies.ts';
import { scalarText, type ScalarStyle } from '../images/scalar-text.ts';

/** One rewritten value. */
export interface TextRewrite {
  /** 1-based line in the source file. */
  line: number;
  kind: 'registry' | 'filter';
  from: string;
  to: string;
}

export type RewriteOutcome = { ok: true; text: string; rewrites: TextRewrite[] } | { ok: false; line?: number; message: string };

export interface Rewrites {
  registries: Readonly<Record<string, string>>;
  filters: Readonly<Record<string, string>>;
}

interface Replacement { start: number; end: number; text: string }

/** Rewrites registries and filters in one YAML file's text. Refuses a file that does not parse, or a value it cannot rewrite in its own style. */
export function rewriteText(text: string, rewrites: Rewrites): RewriteOutcome {
  const hosts = Object.keys(rewrites.registries);
  const filters = rewrites.filters;
  if (hosts.length === 0 && Object.keys(filters).length === 0) return { ok: true, text, rewrites: [] };
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, lineCounter });
  const done: TextRewrite[] = [];
  const replacements: Replacement[] = [];
  let problem: { line?: number; message: string } | undefined;

  const replace = (node: Node, kind: TextRewrite['kind'], from: string, to: string, inFlow: boolean) => {
    const scalar = node as Node & { type?: ScalarStyle; range: [number, number, number] };
    const line = lineCounter.linePos(scalar.range[0]).line;
    const written = scalarText(to, scalar.type, inFlow);
    if (written === undefined) {
      problem ??= { line, message: `${JSON.stringify(from)} is a ${scalar.type} scalar; cannot rewrite it to ${JSON.stringify(to)} in its own style` };
      return;
    }
    replacements.push({ start: scalar.range[0], end: scalar.range[1], text: written });
    done.push({ line, kind, from, to });
  };

  const registryOf = (value: string): string | undefined => {
    const lower = value.toLowerCase();
    return hosts.find((h) => lower === h || lower.startsWith(`${h}/`));
  };

  const walk = (node: unknown, parentKey: string | undefined, inFlow: boolean): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const value = pair.value;
        if (isScalar(value) && typeof value.value === 'string' && value.range) {
          const policy = key !== undefined && parentKey === 'annotations' ? policyOfAnnotation(key) : undefined;
          if (policy?.policy.startsWith('tag.') && Object.hasOwn(filters, value.value)) {
            replace(value, 'filter', value.value, filters[value.value]!, !!node.flow);
            continue;
          }
        }
        walk(value, key, !!node.flow);
      }
      return;
    }
    if (isSeq(node)) {
      for (const item of node.items) walk(item, undefined, !!node.flow);
      return;
    }
    if (isScalar(node) && typeof node.value === 'string' && node.range) {
      const host = registryOf(node.value);
      if (host !== undefined) replace(node, 'registry', node.value, rewrites.registries[host]! + node.value.slice(host.length), inFlow);
    }
  };

  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      return { ok: false, line: lineCounter.linePos(e.pos[0]).line, message: `does not parse as YAML: ${e.message.split('\n')[0]}` };
    }
    walk(doc.contents, undefined, false);
  }
  if (problem) return { ok: false, ...problem };
  replacements.sort((a, b) => b.start - a.start);
  let out = text;
  for (const r of replacements) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  done.sort((a, b) => a.line - b.line);
  return { ok: true, text: out, rewrites: done };
}
