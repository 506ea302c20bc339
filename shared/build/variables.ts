/**
 * Per-cluster variables: what radix-flux's generator scripts filled into the manifests from each cluster's
 * ConfigMap, done declaratively (as Flux v2's `postBuild.substituteFrom`).
 *
 * - Source: a ConfigMap's `data`; with a `key`, that one value holds `name: value` lines (radix-flux's
 *   `radix-platform-config` / `platform`); without one, every data entry is a variable.
 * - Substitution, in every string value of every built object (never in keys, never in YAML text, so a value
 *   cannot inject structure): `${name}` becomes the value when `name` is defined; an undefined `${…}` is left
 *   as it is (radix's cgroup-garbagecollector script uses `${count}`); `$${x}` is written `${x}`.
 */

/** Variables by name. */
export type Variables = ReadonlyMap<string, string>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a string is a variable name (`[A-Za-z_][A-Za-z0-9_]*`). */
export function isVariableName(name: string): boolean {
  return name.length <= 253 && NAME.test(name);
}

/**
 * Parses `name: value` lines (blank lines and `#` comments skipped; the value trimmed, one pair of matching
 * quotes removed). Returns the variables, or the 1-based line that does not parse.
 */
export function parseVariableLines(text: string): { ok: true; variables: Map<string, string> } | { ok: false; line: number; message: string } {
  const variables = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    const name = colon > 0 ? trimmed.slice(0, colon).trim() : '';
    if (!isVariableName(name) || (trimmed[colon + 1] !== undefined && trimmed[colon + 1] !== ' ' && trimmed[colon + 1] !== '\t')) {
      return { ok: false, line: i + 1, message: `line ${i + 1}: expected "name: value" with a name of letters, digits and _` };
    }
    let value = trimmed.slice(colon + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    if (variables.has(name)) return { ok: false, line: i + 1, message: `line ${i + 1}: ${name} is defined twice` };
    variables.set(name, value);
  }
  return { ok: true, variables };
}

/** Substitutes variables in one string (see the module comment). */
export function substituteString(s: string, variables: Variables): string {
  if (!s.includes('${')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf('$', i);
    if (at < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, at);
    if (s.startsWith('$${', at)) {
      out += '${';
      i = at + 3;
      continue;
    }
    if (s[at + 1] === '{') {
      const end = s.indexOf('}', at + 2);
      const name = end > 0 ? s.slice(at + 2, end) : '';
      const value = end > 0 && isVariableName(name) ? variables.get(name) : undefined;
      if (value !== undefined) {
        out += value;
        i = end + 1;
        continue;
      }
    }
    out += '$';
    i = at + 1;
  }
  return out;
}

/** Substitutes in every string value of a JSON value (keys untouched); returns a new value, or the same when nothing changes. */
export function substituteValue<T>(value: T, variables: Variables): T {
  if (variables.size === 0 && !containsEscape(value)) return value;
  return walk(value, variables) as T;
}

function containsEscape(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('$${');
  if (Array.isArray(value)) return value.some(containsEscape);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsEscape);
  return false;
}

function walk(value: unknown, variables: Variables): unknown {
  if (typeof value === 'string') return substituteString(value, variables);
  if (Array.isArray(value)) return value.map((v) => walk(v, variables));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: walk(v, variables), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** A stable text of the variables (for cache keys): sorted `name=value` lines. */
export function variablesKey(variables: Variables): string {
  return [...variables].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n');
}
