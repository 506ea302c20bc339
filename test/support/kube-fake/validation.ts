/**
 * Schema validation: built-in kinds against the Kubernetes OpenAPI schemas compiled in
 * `kubernetes-models`, custom resources against their CRD's openAPIV3Schema (ajv), and object
 * names as the real server checks them. Failures become 422 Invalid with one cause per field.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ResourceType } from './registry.ts';
import { invalid, type StatusCause } from './status.ts';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const builtIn = new Map<string, Validator>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const crdValidators = new WeakMap<object, ValidateFunction>();

/** Loads the kubernetes-models validators of the given built-in types (once per schema). */
export async function loadBuiltInValidators(types: ResourceType[]): Promise<void> {
  await Promise.all(types.filter((t) => t.schema && !builtIn.has(t.schema)).map(async (t) => {
    const mod = (await import(`kubernetes-models/_schemas/${t.schema}`)) as { validate: Validator };
    builtIn.set(t.schema!, mod.validate);
  }));
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
function fieldOf(instancePath: string, extra?: string): string {
  const segs = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra) segs.push(extra);
  return segs.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v: any = root;
  for (const s of instancePath.split('/').slice(1)) v = v?.[s.replace(/~1/g, '/').replace(/~0/g, '~')];
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

function causesFrom(errors: ErrorObject[], root: unknown): StatusCause[] {
  const seen = new Set<string>();
  const out: StatusCause[] = [];
  for (const e of errors) {
    const missing = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : undefined;
    const field = fieldOf(e.instancePath, missing);
    const v = valueAt(root, e.instancePath);
    let cause: StatusCause;
    if (missing) cause = { reason: 'FieldValueRequired', message: 'Required value', field };
    else if (e.keyword === 'type') {
      const want = (e.params as { type: string | string[] }).type;
      cause = { reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeName(v)}": ${field} in body must be of type ${[want].flat().join(',')}: ${JSON.stringify(v)}`, field };
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((a) => JSON.stringify(a)).join(', ');
      cause = { reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(v)}: supported values: ${allowed}`, field };
    } else cause = { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: ${e.message ?? e.keyword}`, field };
    const key = `${cause.field}|${cause.reason}`;
    if (!seen.has(key)) { seen.add(key); out.push(cause); }
  }
  return out;
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function nameCauses(type: ResourceType, name: unknown): StatusCause[] {
  if (typeof name !== 'string' || name === '') {
    return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  }
  const label = type.kind === 'Namespace';
  const max = label ? 63 : 253;
  if (name.length > max || !(label ? LABEL : SUBDOMAIN).test(name)) {
    const what = label ? 'a lowercase RFC 1123 label' : 'a lowercase RFC 1123 subdomain';
    return [{ reason: 'FieldValueInvalid', field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: ${what} must consist of lower case alphanumeric characters, '-'${label ? '' : " or '.'"}, and must start and end with an alphanumeric character` }];
  }
  return [];
}

/** Throws 422 Invalid when `obj` does not satisfy its type's schema or has a bad name. */
export function validateObject(type: ResourceType, obj: Record<string, any>): void {
  const causes = nameCauses(type, obj.metadata?.name);
  if (type.schema) {
    const fn = builtIn.get(type.schema);
    if (fn && !fn(obj) && fn.errors) causes.push(...causesFrom(fn.errors, obj));
  } else if (type.crd?.openAPIV3Schema && typeof type.crd.openAPIV3Schema === 'object') {
    const schema = type.crd.openAPIV3Schema as object;
    let fn = crdValidators.get(schema);
    if (!fn) {
      // metadata is checked by the server, not by the CRD's schema.
      const { properties = {}, ...rest } = schema as { properties?: Record<string, unknown> };
      const { metadata: _m, ...props } = properties;
      crdValidators.set(schema, (fn = ajv.compile({ ...rest, properties: props })));
    }
    if (!fn(obj) && fn.errors) causes.push(...causesFrom(fn.errors, obj));
  }
  if (causes.length) throw invalid(type.kind, type.group, String(obj.metadata?.name ?? ''), causes);
}
