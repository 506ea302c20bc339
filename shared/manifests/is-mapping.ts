/**
 * Whether a parsed YAML or JSON value is a mapping (an object that is not an array or null): the one type guard
 * the pure modules narrow untrusted documents with.
 */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
