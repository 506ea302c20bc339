/**
 * What a Kubernetes object diff compares (pure): the object without what the server owns (managedFields,
 * status, resourceVersion, generation, uid, creationTimestamp, selfLink, kubectl's last-applied annotation),
 * and Secret values masked the way `kubectl diff` masks them, so no secret reaches a terminal or a PR.
 */
import { isMapping } from '../manifests/is-mapping.ts';

type Obj = Record<string, unknown>;

/** metadata fields the API server sets; a diff of them says nothing about the desired state. */
export const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export const MASK = '***';

const isObj: (v: unknown) => v is Obj = isMapping;

/** A copy of `object` without status and server-set metadata (empty annotations dropped). */
export function stripServerFields(object: unknown): unknown {
  if (!isObj(object)) return object;
  const { status: _status, ...rest } = object;
  if (!isObj(rest.metadata)) return rest;
  const metadata: Obj = { ...rest.metadata };
  for (const k of SERVER_METADATA) delete metadata[k];
  if (isObj(metadata.annotations) && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _l, ...annotations } = metadata.annotations;
    if (Object.keys(annotations).length) metadata.annotations = annotations;
    else delete metadata.annotations;
  }
  return { ...rest, metadata };
}

const isSecret = (o: unknown): o is Obj => isObj(o) && o.kind === 'Secret' && (o.apiVersion === 'v1' || o.apiVersion === undefined);

/**
 * Masks the values of a Secret's `data` and `stringData` on both sides: equal values become `***`,
 * different ones `*** (before)` and `*** (after)`, so a diff shows which keys changed and never a value.
 */
export function maskSecretPair(before: unknown, after: unknown): [unknown, unknown] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const out: [Obj | unknown, Obj | unknown] = [isObj(before) ? { ...before } : before, isObj(after) ? { ...after } : after];
  for (const field of ['data', 'stringData'] as const) {
    const b = isObj(before) && isObj(before[field]) ? (before[field] as Obj) : undefined;
    const a = isObj(after) && isObj(after[field]) ? (after[field] as Obj) : undefined;
    const mb: Obj = {};
    const ma: Obj = {};
    for (const k of Object.keys(b ?? {})) mb[k] = a && k in a && a[k] === b![k] ? MASK : `${MASK} (before)`;
    for (const k of Object.keys(a ?? {})) ma[k] = b && k in b && b[k] === a![k] ? MASK : `${MASK} (after)`;
    if (b) (out[0] as Obj)[field] = mb;
    if (a) (out[1] as Obj)[field] = ma;
  }
  return out;
}

/** Both sides stripped of server fields, then Secret values masked. */
export function prepareKubernetesPair(before: unknown, after: unknown): [unknown, unknown] {
  return maskSecretPair(before === undefined ? undefined : stripServerFields(before), after === undefined ? undefined : stripServerFields(after));
}
