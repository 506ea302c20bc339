/**
 * A js-yaml schema that reads plain scalars the way Kubernetes (and Flux v1) do: go-yaml v2's resolver
 * (`gopkg.in/yaml.v2` `resolve.go`, also inside `sigs.k8s.io/yaml`), a YAML 1.1 dialect.
 *
 * - null: `~`, `null`, `Null`, `NULL`, empty.
 * - bool: `y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON` and the `n/no/false/off` forms.
 * - int: Go `strconv.ParseInt(s, 0, 64)` after removing `_`: `0755` is octal (493), `0o17`, `0x1F`, `0b101`,
 *   optional sign; out of int64 range falls back to uint64, then to float.
 * - float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (so `1e3` is 1000 and `08` is 8), `.5`,
 *   `.inf`/`-.inf`/`.nan` spellings.
 * - merge keys `<<`.
 * - everything else is a string: no sexagesimal (`6:00` stays "6:00"), and timestamps stay strings (go-yaml v2
 *   keeps them as strings when decoding into `interface{}`).
 * - Unknown tags (`!foo`, `!!binary`, `!!timestamp`) are read as the plain string, sequence or mapping, as
 *   go-yaml does for tags it cannot resolve.
 */
import {
  FAILSAFE_SCHEMA, NOT_RESOLVED, Schema, boolYaml11Tag, defineMappingTag, defineScalarTag, defineSequenceTag,
  mapTag, mergeTag, nullYaml11Tag, seqTag,
} from 'js-yaml';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go `strconv.ParseInt(s, 0, 64)` syntax (after `_` removal); group 1 = sign, 2 = base prefix or leading 0. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
/** go-yaml v2 `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go `strconv.ParseFloat` accepts for a scalar starting with `.` that is not in go-yaml's table. */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;

const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);

function parseGoInt(text: string): number | typeof NOT_RESOLVED {
  const m = GO_INT.exec(text);
  if (!m) return NOT_RESOLVED;
  const negative = m[1] === '-';
  const [radix, digits] = m[2] !== undefined ? [16, m[2]] : m[3] !== undefined ? [8, m[3]] : m[4] !== undefined
    ? [2, m[4]] : m[5] !== undefined ? [8, m[5] || '0'] : [10, m[6] as string];
  if (digits.length <= 12) {
    const n = Number.parseInt(digits, radix);
    return negative && n !== 0 ? -n : n;
  }
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const big = (negative ? -1n : 1n) * BigInt(prefix + digits);
  if (big >= INT64_MIN && big <= INT64_MAX) return Number(big);
  if (!negative && m[1] === '' && big <= UINT64_MAX) return Number(big);
  return NOT_RESOLVED;
}

/** Resolves an int or float the way go-yaml v2 does for a scalar starting with a digit, sign or `.`. */
export function resolveKubeNumber(source: string): number | typeof NOT_RESOLVED {
  const special = SPECIAL_FLOATS.get(source);
  if (special !== undefined) return special;
  if (source.charCodeAt(0) === 46 /* . */) return DOT_FLOAT.test(source) ? Number.parseFloat(source) : NOT_RESOLVED;
  const plain = source.includes('_') ? source.replaceAll('_', '') : source;
  const int = parseGoInt(plain);
  if (int !== NOT_RESOLVED) return int;
  if (!YAML_STYLE_FLOAT.test(plain)) return NOT_RESOLVED;
  const float = Number.parseFloat(plain);
  return Number.isFinite(float) ? float : NOT_RESOLVED;
}

const isNumber = (data: unknown): boolean => typeof data === 'number';

/** `!!int` and `!!float` share go-yaml's resolver: the first that applies wins, as in `resolve()`. */
const numberTag = (tagName: string) => defineScalarTag<number>(tagName, {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: (source) => resolveKubeNumber(source),
  identify: isNumber,
  represent: (data: number) => String(data),
});

/**
 * Any tag the schema does not know: the node is read as if untagged (string, sequence or mapping), as go-yaml
 * does for tags it cannot resolve. Shared with kustomize's reader (`shared/build/kustomize/kyaml-schema.ts`);
 * list them after the schema's own tags.
 */
export const UNKNOWN_TAGS = [
  defineScalarTag<string>('', {
    matchByTagPrefix: true,
    resolve: (source) => source,
    identify: () => false,
  }),
  defineSequenceTag<unknown[]>('', {
    matchByTagPrefix: true,
    create: seqTag.create,
    addItem: seqTag.addItem,
    identify: () => false,
  }),
  defineMappingTag<Record<string, unknown>>('', {
    matchByTagPrefix: true,
    create: mapTag.create,
    addPair: mapTag.addPair,
    has: mapTag.has,
    keys: mapTag.keys,
    get: mapTag.get,
    identify: () => false,
  }),
] as const;

/**
 * The schema manifests are parsed with: go-yaml v2 (YAML 1.1) scalars, merge keys, `{}` mappings, and
 * unknown tags read as their untagged node.
 */
export const KUBE_YAML_SCHEMA: Schema = new Schema([
  ...FAILSAFE_SCHEMA.tags,
  nullYaml11Tag,
  boolYaml11Tag,
  numberTag('tag:yaml.org,2002:int'),
  numberTag('tag:yaml.org,2002:float'),
  mergeTag,
  ...UNKNOWN_TAGS,
]);
