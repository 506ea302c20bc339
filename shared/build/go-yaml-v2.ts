/**
 * YAML text exactly as go-yaml v2's `yaml.Marshal` writes a JSON-like value (`map[interface{}]interface{}`,
 * slices, strings, numbers, booleans, nil), which is how Flux v1 wrote `flux-patch.yaml`
 * (`pkg/cluster/kubernetes/patch.go` `getPatch`).
 *
 * Rules reproduced: map keys sorted with go-yaml's `keyList.Less` (other characters before letters, digit runs
 * compared as numbers); 2-space indentation with block sequences at their key's indentation; `{}` and `[]` for
 * empty collections; a string is plain unless it would read back as something else (bool, null, number,
 * timestamp, base-60 float: then double-quoted) or the emitter's scalar analysis forbids plain (then
 * single-quoted, or double-quoted when single quotes cannot hold it).
 *
 * Where go-yaml's output depends on emitter details this module does not reproduce (line folding of long
 * scalars at column 80, multi-line strings, non-printable characters), it throws {@link GoYamlUnsupported}
 * instead of writing something close: the caller refuses the work with the reason.
 */
import { isMapping } from '../manifests/is-mapping.ts';

/** A value go-yaml would marshal that this module cannot write exactly. */
export class GoYamlUnsupported extends Error {
  readonly path: string;
  constructor(message: string, path: string) {
    super(`${message} at ${path || '(root)'}`);
    this.name = 'GoYamlUnsupported';
    this.path = path;
  }
}

const BEST_WIDTH = 80;

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** go-yaml v2 `sorter.go` `keyList.Less` for two string keys. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** Keys in go-yaml v2's order. */
export function goYamlSortKeys(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
}

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ ]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Go `strconv.ParseInt(s, 0, 64)` / `ParseUint` acceptance (after go-yaml removed underscores). */
function goParsesAsInt(s: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const body = m[2]!;
  let value: bigint;
  if (/^0[oO]/.test(body)) value = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  if (m[1] === '-') value = -value;
  return value >= -(2n ** 63n) && value < 2n ** 64n;
}

/** Whether go-yaml v2 would read a plain scalar with this text as something other than a string. */
function resolvesToNonString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return true;
  const c = s[0]!;
  if (c === '.') return YAML_STYLE_FLOAT.test(s) || /^\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s);
  if (c === '+' || c === '-' || isDigit(c)) {
    const ts = TIMESTAMP.exec(s);
    if (ts && validDate(ts)) return true;
    const plain = s.replaceAll('_', '');
    if (goParsesAsInt(plain)) return true;
    if (YAML_STYLE_FLOAT.test(plain)) return true;
    if (/^-?0b[01]+$/.test(plain)) return true;
  }
  return false;
}

function validDate(m: RegExpExecArray): boolean {
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  return true;
}

interface Analysis { blockPlain: boolean; singleQuoted: boolean; multiline: boolean }

/** libyaml `yaml_emitter_analyze_scalar` (the parts that decide plain/single/double for a block context). */
function analyze(value: string, path: string): Analysis {
  if (value.startsWith('---') || value.startsWith('...')) return { blockPlain: false, singleQuoted: true, multiline: false };
  let blockIndicators = false;
  let leadingSpace = false;
  let trailingSpace = false;
  let special = false;
  let lineBreaks = false;
  const chars = [...value];
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    const followedByWs = next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      if ((c === '?' || c === ':') && followedByWs) blockIndicators = true;
      if (c === '-' && followedByWs) blockIndicators = true;
    } else {
      if (c === ':' && followedByWs) blockIndicators = true;
      if (c === '#' && precededByWs) blockIndicators = true;
    }
    const code = c.codePointAt(0)!;
    const printable = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x7e) || code === 0x85
      || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) || (code >= 0x10000 && code <= 0x10ffff);
    if (!printable || code === 0xfeff) special = true;
    if (c === '\n' || c === '\r' || code === 0x85 || code === 0x2028 || code === 0x2029) lineBreaks = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
    }
    precededByWs = c === ' ' || c === '\t' || c === '\n' || c === '\r';
  }
  if (special || lineBreaks) throw new GoYamlUnsupported('a string with line breaks or non-printable characters is not written by this port of go-yaml', path);
  if (chars.some((c) => c === '\t')) throw new GoYamlUnsupported('a string with a tab is not written by this port of go-yaml', path);
  let blockPlain = true;
  if (leadingSpace || trailingSpace) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { blockPlain, singleQuoted: true, multiline: false };
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const c of s) {
    if (c === '"' || c === '\\') out += `\\${c}`;
    else out += c;
  }
  return `${out}"`;
}

/** The scalar text go-yaml v2 writes for a string in block context, starting at `column`. */
function stringScalar(s: string, column: number, path: string): string {
  let text: string;
  if (s === '' || resolvesToNonString(s) || BASE60_FLOAT.test(s)) text = doubleQuoted(s);
  else {
    const a = analyze(s, path);
    text = a.blockPlain ? s : a.singleQuoted ? `'${s.replaceAll("'", "''")}'` : doubleQuoted(s);
  }
  // libyaml folds a scalar at a space once the column passes best_width (80): refuse rather than guess.
  if (s.includes(' ') && column + text.length > BEST_WIDTH) {
    throw new GoYamlUnsupported('a string with spaces that reaches past column 80 would be folded by go-yaml', path);
  }
  return text;
}

/** Go `strconv.FormatFloat(f, 'g', -1, 64)` plus go-yaml's `.inf`/`.nan`. */
function formatFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (Object.is(f, -0)) return '-0';
  const exp = Number(f.toExponential().split('e')[1]);
  if (exp < -4 || exp >= 21) {
    const [mant, e] = f.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  return String(f);
}

function scalar(value: unknown, column: number, path: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return String(value);
    return formatFloat(value);
  }
  if (typeof value === 'string') return stringScalar(value, column, path);
  throw new GoYamlUnsupported(`a ${typeof value} value`, path);
}

const isMap = isMapping;
const isEmptyCollection = (v: unknown): boolean => (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);

function keyText(key: string, indent: number, path: string): string {
  const text = scalar(key, indent, path);
  // libyaml writes a key longer than 128 characters as a complex key (`? key`): not reproduced.
  if (text.length > 128) throw new GoYamlUnsupported('a mapping key longer than 128 characters', path);
  return text;
}

function writeMap(map: Record<string, unknown>, indent: number, path: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const key of goYamlSortKeys(Object.keys(map))) {
    const pad = first && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
    first = false;
    const at = path ? `${path}.${key}` : key;
    const k = keyText(key, indent, at);
    writeEntry(`${pad}${k}:`, map[key], indent, indent + k.length + 2, at, out, true);
  }
}

function writeSeq(seq: readonly unknown[], indent: number, path: string, out: string[], firstPrefix?: string): void {
  seq.forEach((item, i) => {
    const pad = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
    const at = `${path}[${i}]`;
    if (isMap(item) && !isEmptyCollection(item)) writeMap(item, indent + 2, at, out, `${pad}- `);
    else if (Array.isArray(item) && item.length > 0) writeSeq(item, indent + 2, at, out, `${pad}- `);
    else out.push(`${pad}- ${isEmptyCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item, indent + 2, at)}`);
  });
}

/** Writes `head` (e.g. `  key:`) followed by the value: inline for scalars/empties, nested lines otherwise. */
function writeEntry(head: string, value: unknown, indent: number, column: number, path: string, out: string[], inMap: boolean): void {
  if (isMap(value) && !isEmptyCollection(value)) {
    out.push(head);
    writeMap(value, indent + 2, path, out);
  } else if (Array.isArray(value) && value.length > 0) {
    out.push(head);
    writeSeq(value, inMap ? indent : indent + 2, path, out);
  } else if (isEmptyCollection(value)) out.push(`${head} ${Array.isArray(value) ? '[]' : '{}'}`);
  else out.push(`${head} ${scalar(value, column, path)}`);
}

/** `yaml.Marshal(value)` of go-yaml v2 for a JSON-like value. Throws {@link GoYamlUnsupported}. */
export function marshalGoYamlV2(value: unknown): string {
  const out: string[] = [];
  if (isMap(value) && !isEmptyCollection(value)) writeMap(value, 0, '', out);
  else if (Array.isArray(value) && value.length > 0) writeSeq(value, 0, '', out);
  else if (isEmptyCollection(value)) out.push(Array.isArray(value) ? '[]' : '{}');
  else out.push(scalar(value, 0, ''));
  return `${out.join('\n')}\n`;
}
