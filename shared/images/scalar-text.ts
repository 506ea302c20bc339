/**
 * Prints a new string value for an existing YAML scalar, in that scalar's own style.
 *
 * Double and single quotes are kept. A plain scalar stays plain only while the new value still reads
 * back as the same string under both YAML 1.1 (Kubernetes) and YAML 1.2; otherwise (`1.10`, `true`,
 * `yes`, `1:20`, `a #b`) it is single-quoted, as kubeyaml (ruamel) did. Block scalars are not images
 * anyone writes; they are refused rather than restyled.
 */
import { parse } from 'yaml';

/** The YAML scalar styles, as the `yaml` package names them. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

function readsBackAs(text: string, value: string): boolean {
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version, prettyErrors: false }) !== value) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Whether `value` can be written as a plain scalar (in a flow collection when `inFlow`). */
export function plainIsSafe(value: string, inFlow: boolean): boolean {
  if (value === '' || value !== value.trim() || /[\n\r\t]/.test(value)) return false;
  if (inFlow && /[,[\]{}]/.test(value)) return false;
  return readsBackAs(value, value);
}

/** The single-quoted form of a value. */
export function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The double-quoted form of a value (JSON escapes are valid YAML escapes). */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value);
}

/** The source text for `value` in `style`, or undefined when the style cannot be kept. */
export function scalarText(value: string, style: ScalarStyle | undefined, inFlow: boolean): string | undefined {
  switch (style) {
    case 'QUOTE_DOUBLE':
      return doubleQuoted(value);
    case 'QUOTE_SINGLE':
      return singleQuoted(value);
    case 'PLAIN':
    case undefined:
      return plainIsSafe(value, inFlow) ? value : singleQuoted(value);
    default:
      return undefined;
  }
}
