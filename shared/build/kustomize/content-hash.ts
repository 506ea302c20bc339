/**
 * kustomize's content-hash name suffix for generated ConfigMaps and Secrets (api/hasher): SHA-256 of the Go
 * `json.Marshal` of selected fields (see {@link contentHash}), first 10 hex digits,
 * with `0 1 3 a e` mapped to `g h k m t` so the suffix cannot spell words.
 */
import { createHash } from 'node:crypto';

/** Go's encoding/json string encoding: escapes `<`, `>`, `&`, U+2028 and U+2029 as well as controls. */
export function goJsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go `json.Marshal` of a JSON-like value with map keys sorted, as encoding/json does for maps. */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${goJsonString(k)}:${goJsonMarshal(v)}`).join(',')}}`;
}

function encodeHash(hex: string): string {
  const map: Record<string, string> = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => map[c] ?? c).join('');
}

const mapOrEmpty = (v: unknown): unknown =>
  v === undefined ? '' : v !== null && typeof v === 'object' && !Array.isArray(v) ? v : v === null ? null : String(v);

/**
 * The suffix for a ConfigMap or Secret object as it stands at the end of the build. kustomize v5.5.0 looks the name
 * up as a single field literally named `metadata/name`, which never exists, so the name it hashes is always '';
 * ConfigMaps hash `{data, kind, name}` (+ `binaryData` when a map), Secrets `{data, kind, name, type}` (+ `stringData`).
 */
export function contentHash(obj: Record<string, unknown>): string {
  const m: Record<string, unknown> = { kind: obj.kind, name: '', data: mapOrEmpty(obj.data) };
  if (obj.kind === 'Secret') {
    m.type = obj.type === undefined ? '' : obj.type;
    if (isMap(obj.stringData)) m.stringData = obj.stringData;
  } else if (isMap(obj.binaryData)) m.binaryData = obj.binaryData;
  return encodeHash(createHash('sha256').update(goJsonMarshal(m)).digest('hex'));
}

const isMap = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
