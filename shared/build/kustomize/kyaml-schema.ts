/**
 * The scalars of resource files as kustomize v5.5.0 reads them (kyaml = go-yaml v3, then JSON), checked against
 * `kubectl kustomize`: unlike the YAML 1.1 reader used for raw manifests, `yes`/`no`/`on`/`off`/`y`/`n` stay strings;
 * only `true`/`false` (and `True`, `TRUE`, ...) are booleans. Numbers follow go-yaml's resolver as in
 * `shared/manifests/yaml-schema.ts` (`0755` is 493, `0x1F` is 31). A plain date `2001-12-14` becomes the string
 * `2001-12-14T00:00:00Z` (go-yaml v3 reads a time, JSON prints it so); other plain timestamps stay as written.
 * Infinities and NaN are refused (kustomize fails on them). `!!binary` is refused rather than decoded. What the
 * two readers really share (the number resolver, unknown tags read as untagged) is defined once, in yaml-schema.ts;
 * null, bool and timestamps differ (YAML 1.1 there, go-yaml v3 here) and are defined here.
 */
import { FAILSAFE_SCHEMA, NOT_RESOLVED, Schema, defineScalarTag, mergeTag } from 'js-yaml';
import { resolveKubeNumber, UNKNOWN_TAGS } from '../../manifests/yaml-schema.ts';

/** Thrown from the resolver for scalars kustomize cannot print (NaN, infinities) or that we refuse. */
export class UnsupportedScalarError extends Error {}

/**
 * A plain scalar that is not a string, with the text it was written as: kustomize prints some fields
 * (annotations, a patch's labels) as that text. {@link unboxScalars} replaces it by its value or its text.
 */
export class RawScalar {
  readonly value: number | boolean | string | null;
  readonly raw: string;
  constructor(value: number | boolean | string | null, raw: string) {
    this.value = value;
    this.raw = raw;
  }
  toString(): string {
    return String(this.value);
  }
}

/**
 * A copy of a parsed document with every {@link RawScalar} replaced by its value, or by its text where
 * `asText(path)` says so. The copy also unshares what YAML aliases shared (kustomize's objects are plain trees:
 * a change to one place must not show at another); the parser's alias-expansion bound keeps it small.
 */
export function unboxScalars(node: unknown, asText: (path: readonly string[]) => boolean, path: string[] = []): unknown {
  if (node instanceof RawScalar) return asText(path) ? node.raw : node.value;
  if (Array.isArray(node)) return node.map((e) => unboxScalars(e, asText, path));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      path.push(key);
      out[key] = unboxScalars(value, asText, path);
      path.pop();
    }
    return out;
  }
  return node;
}

const numberTag = (tagName: string) => defineScalarTag<RawScalar>(tagName, {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (source) => {
    const n = resolveKubeNumber(source);
    if (n === NOT_RESOLVED) return NOT_RESOLVED;
    if (!Number.isFinite(n)) throw new UnsupportedScalarError(`kustomize cannot print the number ${source}`);
    return new RawScalar(n, source);
  },
  identify: () => false,
});

const boolTag = defineScalarTag<RawScalar>('tag:yaml.org,2002:bool', {
  implicit: true,
  implicitFirstChars: [...'tTfF'],
  resolve: (source) => (/^(?:true|True|TRUE)$/.test(source) ? new RawScalar(true, source)
    : /^(?:false|False|FALSE)$/.test(source) ? new RawScalar(false, source) : NOT_RESOLVED),
  identify: () => false,
});

const nullTag = defineScalarTag<RawScalar>('tag:yaml.org,2002:null', {
  implicit: true,
  implicitFirstChars: ['~', 'n', 'N', ''],
  resolve: (source) => (/^(?:~|null|Null|NULL|)$/.test(source) ? new RawScalar(null, source) : NOT_RESOLVED),
  identify: () => false,
});

const DATE_ONLY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const dateTag = defineScalarTag<string>('tag:yaml.org,2002:timestamp', {
  implicit: true,
  implicitFirstChars: [...'0123456789'],
  resolve: (source) => (DATE_ONLY.test(source) ? new RawScalar(`${source}T00:00:00Z`, source) as unknown as string : NOT_RESOLVED),
  identify: () => false,
  represent: (data: string) => data,
});

const binaryTag = defineScalarTag<string>('tag:yaml.org,2002:binary', {
  resolve: () => {
    throw new UnsupportedScalarError('!!binary scalars are not supported');
  },
  identify: () => false,
});


/** The schema kustomize's resource reader amounts to. */
export const KYAML_SCHEMA: Schema = new Schema([
  ...FAILSAFE_SCHEMA.tags,
  nullTag,
  boolTag,
  numberTag('tag:yaml.org,2002:int'),
  numberTag('tag:yaml.org,2002:float'),
  dateTag,
  binaryTag,
  mergeTag,
  ...UNKNOWN_TAGS,
]);
