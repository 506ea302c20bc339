/**
 * Reads one kustomization file (YAML 1.1, as kustomize reads it with sigs.k8s.io/yaml) and checks every field:
 * supported fields are validated with zod; refused and unknown fields are errors ("unsupported kustomize field X
 * in FILE"), never ignored.
 */
import { z } from 'zod';
import { parseYamlDocuments } from '../../manifests/yaml.ts';
import type { BuildMessage } from './build-message.ts';

const str = z.string();
/** YAML 1.1 plain keys that are not strings for sigs.k8s.io/yaml (kustomize then fails: non-string map key). */
const NON_STRING_KEY = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const stringMap = z.record(z.string().refine((k) => !NON_STRING_KEY.test(k), {
  message: 'a key YAML 1.1 reads as a boolean, number or null (kustomize refuses it; if it is quoted, kustomize would accept it, but we cannot tell)',
}), z.string());
const fieldSpec = z.strictObject({
  path: z.string(), group: str.optional(), version: str.optional(), kind: str.optional(), create: z.boolean().optional(),
});
const selector = z.strictObject({
  group: str.optional(), version: str.optional(), kind: str.optional(), name: str.optional(),
  namespace: str.optional(), labelSelector: str.optional(), annotationSelector: str.optional(),
});
const generatorOptions = z.strictObject({
  labels: stringMap.optional(), annotations: stringMap.optional(),
  disableNameSuffixHash: z.boolean().optional(), immutable: z.boolean().optional(),
});
const generator = {
  name: str.optional(), namespace: str.optional(), behavior: z.enum(['create', 'replace', 'merge']).optional(),
  literals: z.array(str).optional(), files: z.array(str).optional(), envs: z.array(str).optional(),
  env: str.optional(), options: generatorOptions.optional(),
};

/** The fields kustomize v5.5.0 knows and we build. */
const SUPPORTED = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1').optional(),
  kind: z.literal('Kustomization').optional(),
  metadata: z.looseObject({}).optional(),
  resources: z.array(str).optional(),
  bases: z.array(str).optional(),
  namespace: str.optional(),
  namePrefix: str.optional(),
  nameSuffix: str.optional(),
  commonLabels: stringMap.optional(),
  labels: z.array(z.strictObject({
    pairs: stringMap.optional(), includeSelectors: z.boolean().optional(), includeTemplates: z.boolean().optional(),
    fields: z.array(fieldSpec).optional(),
  })).optional(),
  commonAnnotations: stringMap.optional(),
  patchesStrategicMerge: z.array(str).optional(),
  patchesJson6902: z.array(z.strictObject({
    target: z.strictObject({ group: str.optional(), version: str.optional(), kind: str.optional(), name: str, namespace: str.optional() }),
    path: str.optional(), patch: str.optional(),
  })).optional(),
  patches: z.array(z.strictObject({
    path: str.optional(), patch: str.optional(), target: selector.optional(),
    options: z.strictObject({ allowNameChange: z.boolean().optional(), allowKindChange: z.boolean().optional() }).optional(),
  })).optional(),
  images: z.array(z.strictObject({
    name: str, newName: str.optional(), newTag: str.optional(), digest: str.optional(),
  })).optional(),
  replicas: z.array(z.strictObject({ name: str, count: z.number().int() })).optional(),
  configMapGenerator: z.array(z.strictObject(generator)).optional(),
  secretGenerator: z.array(z.strictObject({ ...generator, type: str.optional() })).optional(),
  generatorOptions: generatorOptions.optional(),
});

export type Kustomization = z.infer<typeof SUPPORTED>;
export type FieldSpecInput = z.infer<typeof fieldSpec>;
export type Selector = z.infer<typeof selector>;
export type GeneratorArgs = NonNullable<Kustomization['configMapGenerator']>[number] & { type?: string };
export type GeneratorOptions = z.infer<typeof generatorOptions>;

/** Fields kustomize has that we refuse (plugins, remote content, features we do not reproduce). */
export const REFUSED_FIELDS: readonly string[] = [
  'generators', 'transformers', 'validators', 'helmCharts', 'helmChartInflationGenerator', 'helmGlobals',
  'replacements', 'vars', 'components', 'crds', 'openapi', 'configurations', 'sortOptions', 'buildMetadata',
  'imageTags',
];

/** Parses and validates a kustomization file's text. */
export function parseKustomization(text: string, file: string): { ok: true; value: Kustomization } | { ok: false; errors: BuildMessage[] } {
  const parsed = parseYamlDocuments(text, file);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const docs = parsed.documents.filter((d) => d.value !== null);
  const empty = { ok: false as const, errors: [{ file, message: `${file} is empty (kustomize refuses an empty kustomization)` }] };
  if (docs.length === 0) return empty;
  if (docs.length > 1) return { ok: false, errors: [{ file, message: `${file} holds more than one YAML document` }] };
  const value = docs[0]?.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [{ file, line: docs[0]?.line, message: `${file} is not a YAML mapping` }] };
  }
  const errors: BuildMessage[] = [];
  const known = new Set(Object.keys(SUPPORTED.shape));
  const rest: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue; // an empty field is absent for kustomize too
    if (known.has(key)) rest[key] = v;
    else errors.push({ file, line: keyLine(text, key), message: `unsupported kustomize field ${key} in ${file}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = SUPPORTED.safeParse(rest);
  if (!result.success) {
    return {
      ok: false,
      errors: result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const where = issue.path.join('.');
        const unknownKeys = issue.code === 'unrecognized_keys' ? ` (unsupported: ${issue.keys.join(', ')})` : '';
        return { file, line: keyLine(text, key), message: `invalid kustomize field ${where || key} in ${file}: ${issue.message}${unknownKeys}` };
      }),
    };
  }
  // kustomize: a kustomization equal to the empty one, the header apart, is an error ("kustomization.yaml is empty").
  const content = Object.entries(result.data as Record<string, unknown>).filter(([key, v]) => key !== 'apiVersion' && key !== 'kind' && v !== '');
  if (content.length === 0) return empty;
  return { ok: true, value: result.data };
}

/** 1-based line of a top-level key, when it can be found. */
export function keyLine(text: string, key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^["']?${escaped}["']?\\s*:`, 'm').exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index).split('\n').length;
}
