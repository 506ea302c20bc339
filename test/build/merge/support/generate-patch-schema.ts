/**
 * Generates `shared/build/merge/patch-schema-table.ts`: the patch merge keys and strategies of the built-in kinds,
 * exactly as kustomize v5.5.0 (inside `kubectl`) knows them. kustomize embeds the Kubernetes v1.21.2 OpenAPI
 * document (kyaml `openapi/kubernetesapi/v1_21_2/swagger.pb`, a gnostic OpenAPI v2 protobuf) gzip-compressed in
 * the binary; this script finds that stream in the kubectl executable, decodes the protobuf, and writes:
 *
 * - `KINDS`: `group/version/Kind` (core group: `version/Kind`) -> [definition name, namespaced]; scope comes from the
 *   API paths (`.../namespaces/{namespace}/...`), as kyaml computes it;
 * - `TYPES`: definition name -> field -> [shape, element or value type, merge key, strategy], for the object, list
 *   and map fields of every definition reachable from a kind.
 *
 * Run: `node test/build/merge/support/generate-patch-schema.ts [/usr/bin/kubectl] > shared/build/merge/patch-schema-table.ts`
 * The test `patch-schema-table.test.ts` regenerates it and compares, where kubectl is installed.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

type Field = { no: number; bytes?: Uint8Array; varint?: number };

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 1;
  for (;;) {
    const b = buf[pos++] as number;
    result += (b & 0x7f) * shift;
    if (b < 0x80) return [result, pos];
    shift *= 128;
  }
}

/** Decodes one protobuf message into its fields (wire types 0, 1, 2, 5). */
function decode(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const no = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      fields.push({ no, varint: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      fields.push({ no, bytes: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unexpected wire type ${wire} at ${pos}`);
  }
  return fields;
}

const text = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('utf8') : '');
const sub = (fields: Field[], no: number): Field[] => fields.filter((f) => f.no === no);
const first = (fields: Field[], no: number): Uint8Array | undefined => sub(fields, no)[0]?.bytes;

// gnostic openapi_v2 field numbers (checked against the data: description 4, type 22, items 23, extensions 31).
const DOC_PATHS = 8;
const DOC_DEFINITIONS = 9;
const S_REF = 1;
const S_ADDITIONAL = 21;
const S_TYPE = 22;
const S_ITEMS = 23;
const S_PROPERTIES = 25;
const S_EXTENSIONS = 31;

/** Vendor extensions of a schema or operation: name -> YAML text. */
function extensions(fields: Field[], no: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of sub(fields, no)) {
    const named = decode(f.bytes as Uint8Array);
    const any = decode(first(named, 2) as Uint8Array);
    out.set(text(first(named, 1)), text(first(any, 2)).trim());
  }
  return out;
}

const refName = (ref: string): string => ref.replace('#/definitions/', '');

function findGzipSchema(binary: Uint8Array): Uint8Array {
  for (let i = binary.indexOf(0x1f); i >= 0; i = binary.indexOf(0x1f, i + 1)) {
    if (binary[i + 1] !== 0x8b || binary[i + 2] !== 0x08) continue;
    let out: Buffer;
    try {
      out = gunzipSync(binary.subarray(i, i + 8_000_000), { finishFlush: 2 });
    } catch {
      continue;
    }
    if (out.length > 1_000_000 && out.includes('x-kubernetes-patch-merge-key') && out.includes('v1.21.2')) return out;
  }
  throw new Error('no embedded Kubernetes v1.21.2 OpenAPI document found in the kubectl binary');
}

function main(): void {
  const kubectl = realpathSync(process.argv[2] ?? '/usr/bin/kubectl');
  const doc = decode(findGzipSchema(readFileSync(kubectl)));
  const defs = new Map<string, Field[]>();
  for (const f of decode(first(doc, DOC_DEFINITIONS) as Uint8Array)) {
    const named = decode(f.bytes as Uint8Array);
    defs.set(text(first(named, 1)), decode(first(named, 2) as Uint8Array));
  }
  // Scope per GVK from the paths: a GVK served under /namespaces/{namespace}/ is namespaced.
  const namespaced = new Map<string, boolean>();
  for (const f of decode(first(doc, DOC_PATHS) as Uint8Array)) {
    const named = decode(f.bytes as Uint8Array);
    const path = text(first(named, 1));
    const item = decode(first(named, 2) as Uint8Array);
    for (const op of item.filter((x) => x.no >= 2 && x.no <= 8)) {
      const gvk = extensions(decode(op.bytes as Uint8Array), 13).get('x-kubernetes-group-version-kind');
      if (!gvk) continue;
      const key = gvkKey(gvk);
      const ns = path.includes('/namespaces/{namespace}/');
      namespaced.set(key, (namespaced.get(key) ?? false) || ns);
    }
  }
  const kinds: Record<string, [string, boolean]> = {};
  for (const [name, schema] of defs) {
    const gvks = extensions(schema, S_EXTENSIONS).get('x-kubernetes-group-version-kind');
    if (!gvks) continue;
    for (const one of gvks.split(/\n(?=- )/)) {
      const key = gvkKey(one.replace(/^- /, '').replace(/\n  /g, '\n'));
      kinds[key] = [name, namespaced.get(key) ?? false];
    }
  }
  const types: Record<string, Record<string, [string, string?, string?, string?]>> = {};
  const queue = [...new Set(Object.values(kinds).map(([n]) => n))];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (types[name]) continue;
    const schema = defs.get(name);
    if (!schema) continue;
    const fields: Record<string, [string, string?, string?, string?]> = {};
    types[name] = fields;
    const props = first(schema, S_PROPERTIES);
    for (const p of props ? decode(props) : []) {
      const named = decode(p.bytes as Uint8Array);
      const field = text(first(named, 1));
      const s = decode(first(named, 2) as Uint8Array);
      const ext = extensions(s, S_EXTENSIONS);
      const key = ext.get('x-kubernetes-patch-merge-key');
      const strategy = ext.get('x-kubernetes-patch-strategy');
      const type = typeOf(s);
      const ref = text(first(s, S_REF));
      let entry: [string, string?, string?, string?] | undefined;
      if (ref) entry = ['o', refName(ref)];
      else if (type === 'array') {
        const items = decode(first(s, S_ITEMS) as Uint8Array);
        const item = decode(first(items, 1) as Uint8Array);
        const itemRef = text(first(item, S_REF));
        entry = ['l', itemRef ? refName(itemRef) : ''];
      } else if (type === 'object') {
        const add = first(s, S_ADDITIONAL);
        const addSchema = add ? first(decode(add), 1) : undefined;
        const addRef = addSchema ? text(first(decode(addSchema), S_REF)) : '';
        entry = ['m', addRef ? refName(addRef) : ''];
      } else if (key || strategy) entry = ['s'];
      if (!entry) continue;
      if (key || strategy) entry.push(key ?? '', strategy ?? '');
      fields[field] = entry;
      const next = entry[1];
      if (next && !types[next]) queue.push(next);
    }
  }
  const sortedKinds = Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const sortedTypes = Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, f]) => Object.keys(f).length > 0));
  process.stdout.write(render(sortedKinds, sortedTypes));
}

function typeOf(schema: Field[]): string {
  const t = first(schema, S_TYPE);
  return t ? text(first(decode(t), 1)) : '';
}

/** `group: apps\nkind: Deployment\nversion: v1` (any key order) -> `apps/v1/Deployment` or `v1/Pod`. */
function gvkKey(yaml: string): string {
  const get = (k: string): string => (new RegExp(`(?:^|\\n)\\s*${k}: *"?([^"\\n]*)"?`).exec(yaml)?.[1] ?? '').trim();
  const group = get('group');
  return `${group ? `${group}/` : ''}${get('version')}/${get('kind')}`;
}

function render(kinds: Record<string, unknown>, types: Record<string, unknown>): string {
  return `/**
 * GENERATED by test/build/merge/support/generate-patch-schema.ts from the Kubernetes v1.21.2 OpenAPI document that
 * kustomize v5.5.0 embeds (kyaml openapi/kubernetesapi/v1_21_2). Do not edit by hand.
 *
 * KINDS: 'group/version/Kind' -> [definition, namespaced]. TYPES: definition -> field -> [shape, type, mergeKey,
 * strategy]; shape 'o' object (type = definition), 'l' list (type = element definition or '' for scalars),
 * 'm' map (type = value definition or ''), 's' scalar with a patch strategy.
 */
export const KINDS: Readonly<Record<string, readonly [string, boolean]>> = ${JSON.stringify(kinds)};

export const TYPES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = ${JSON.stringify(types)};
`;
}

main();
