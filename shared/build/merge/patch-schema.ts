/**
 * Lookups in the generated patch schema (`patch-schema-table.ts`): which kinds kustomize v5.5.0 knows, their scope,
 * and the patch merge key and strategy of each field.
 */
import { KINDS, TYPES } from './patch-schema-table.ts';

/** What the schema says about one field of a known type. */
export interface FieldSchema {
  shape: 'o' | 'l' | 'm' | 's';
  /** Definition of the object, list element or map value ('' for scalars / unknown). */
  type: string;
  mergeKey: string;
  strategy: string;
}

const kindKey = (apiVersion: string, kind: string): string => `${apiVersion}/${kind}`;

/** Whether the schema knows the kind (built-in apiVersion/kind): strategic merge applies; otherwise JSON merge. */
export function isKnownKind(apiVersion: string, kind: string): boolean {
  return Object.hasOwn(KINDS, kindKey(apiVersion, kind));
}

/** The definition name of a known kind, or undefined. */
export function rootType(apiVersion: string, kind: string): string | undefined {
  const key = kindKey(apiVersion, kind);
  return Object.hasOwn(KINDS, key) ? KINDS[key]?.[0] : undefined;
}

/**
 * Whether objects of the kind are namespaced, as kyaml decides: a kind the schema knows by kind name (any group)
 * answers from its paths; an unknown kind is assumed namespaced.
 */
export function isNamespacedKind(apiVersion: string, kind: string): boolean {
  const exact = KINDS[kindKey(apiVersion, kind)];
  if (exact) return exact[1];
  return true;
}

/** The schema of `field` in definition `type`, or undefined when the schema does not describe it. */
export function fieldSchema(type: string | undefined, field: string): FieldSchema | undefined {
  if (!type) return undefined;
  const fields = TYPES[type];
  if (!fields || !Object.hasOwn(fields, field)) return undefined;
  const entry = fields[field] as readonly string[];
  return {
    shape: entry[0] as FieldSchema['shape'],
    type: entry[1] ?? '',
    mergeKey: entry[2] ?? '',
    strategy: entry[3] ?? '',
  };
}
