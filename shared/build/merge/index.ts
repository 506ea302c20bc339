/** Merge semantics kustomize uses: strategic merge for kinds the schema knows, RFC 7386 JSON merge otherwise. */
export { jsonMergePatch, clone, isPlainObject } from './json-merge-patch.ts';
export { MergeRefusal, strategicMergePatch } from './strategic-merge-patch.ts';
export { isKnownKind, isNamespacedKind, fieldSchema, rootType } from './patch-schema.ts';
export type { FieldSchema } from './patch-schema.ts';
