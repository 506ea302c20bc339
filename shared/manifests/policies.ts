/**
 * Flux v1 policy annotations (flux-v1-semantics §2, §4.1).
 *
 * Prefixes `fluxcd.io/` and `flux.weave.works/` carry policies; `filter.fluxcd.io/<c>`
 * is an alias of `tag.<c>`. Flux v1 picked a winner by Go map order when several
 * prefixes set one policy; we use the fixed precedence Flux itself writes with:
 * `fluxcd.io/` > `flux.weave.works/` > `filter.fluxcd.io/`.
 */

export const POLICY_PREFIXES = ['fluxcd.io/', 'flux.weave.works/'] as const;
export const FILTER_PREFIX = 'filter.fluxcd.io/';

export type IgnorePolicy = 'true' | 'sync_only';

export interface Policies {
  /** `automated: "true"`. */
  automated: boolean;
  /** `locked: "true"`. */
  locked: boolean;
  /** `ignore: "true"` (never applied) or `"sync_only"` (applied, never pruned); other values have no effect. */
  ignore: IgnorePolicy | undefined;
  /** Tag filter pattern per container name, as written (`glob:master-*`, `semver:~1`, ...). */
  tagFilters: Readonly<Record<string, string>>;
  /** Every policy with its winning raw value and the annotation key it came from. */
  raw: Readonly<Record<string, { value: string; key: string }>>;
}

const PRECEDENCE: Record<string, number> = { 'fluxcd.io/': 0, 'flux.weave.works/': 1, [FILTER_PREFIX]: 2 };

/** Splits an annotation key into a policy name and its prefix, or undefined when it is not a policy. */
export function policyOfAnnotation(key: string): { policy: string; prefix: string } | undefined {
  for (const prefix of POLICY_PREFIXES) {
    if (key.startsWith(prefix) && key.length > prefix.length) return { policy: key.slice(prefix.length), prefix };
  }
  if (key.startsWith(FILTER_PREFIX) && key.length > FILTER_PREFIX.length) {
    return { policy: `tag.${key.slice(FILTER_PREFIX.length)}`, prefix: FILTER_PREFIX };
  }
  return undefined;
}

/** Reads Flux v1 policies from annotations whose values are already strings. */
export function policiesFromAnnotations(annotations: Readonly<Record<string, string>>): Policies {
  const raw: Record<string, { value: string; key: string; rank: number }> = {};
  let any = false;
  for (const key in annotations) {
    if (!Object.hasOwn(annotations, key)) continue;
    const p = policyOfAnnotation(key);
    if (!p) continue;
    any = true;
    const value = annotations[key]!;
    const rank = PRECEDENCE[p.prefix] ?? 99;
    const prev = raw[p.policy];
    if (!prev || rank < prev.rank) raw[p.policy] = { value, key, rank };
  }
  if (!any) return { automated: false, locked: false, ignore: undefined, tagFilters: {}, raw: {} };
  const tagFilters: Record<string, string> = {};
  for (const [policy, { value }] of Object.entries(raw)) {
    if (policy.startsWith('tag.') && policy.length > 4) tagFilters[policy.slice(4)] = value;
  }
  const ignore = raw.ignore?.value;
  return {
    automated: raw.automated?.value === 'true',
    locked: raw.locked?.value === 'true',
    ignore: ignore === 'true' || ignore === 'sync_only' ? ignore : undefined,
    tagFilters,
    raw: Object.fromEntries(Object.entries(raw).map(([k, { value, key }]) => [k, { value, key }])),
  };
}
