/**
 * Policy changes on one workload (pure), as `fluxctl automate|deautomate|lock|unlock|policy` made them
 * (flux-v1-semantics §4.1, §6.2): which annotation keys to set or remove, and Flux's commit message.
 * Keys: the one the workload already uses for that policy (`fluxcd.io/`, then `flux.weave.works/`, then
 * `filter.fluxcd.io/`), else the prefix its other policies use, else `fluxcd.io/`. A removed policy is removed
 * under every prefix (Flux v1 removed one key and could leave the policy in force under the other).
 */
import { FILTER_PREFIX, POLICY_PREFIXES, policyOfAnnotation, type Resource } from '../manifests/index.ts';
import type { AnnotationChange } from './annotation-edit.ts';
import { findContainers } from './find-containers.ts';
import { DEFAULT_FILTER, parseTagFilter, TagFilterError } from './tag-filter.ts';

export interface PolicyRequest {
  automated?: boolean;
  locked?: boolean;
  /** Container name → filter (`glob:…`, `semver:…`, `regex:…`), or null to remove it (`*` and `glob:*` also remove). */
  tagFilters?: Readonly<Record<string, string | null>>;
}

export type PolicyPlan =
  | { ok: true; changes: AnnotationChange[]; message: string | undefined; events: string[] }
  | { ok: false; message: string };

const ANNOTATION_PREFIXES = [...POLICY_PREFIXES, FILTER_PREFIX];

/** Keys of `policy` present on the resource, in write precedence. */
function keysOf(resource: Resource, policy: string): string[] {
  return Object.keys(resource.annotations)
    .filter((k) => policyOfAnnotation(k)?.policy === policy)
    .sort((a, b) => ANNOTATION_PREFIXES.findIndex((p) => a.startsWith(p)) - ANNOTATION_PREFIXES.findIndex((p) => b.startsWith(p)));
}

/** The prefix the workload's policy annotations use when they all use one (`filter.fluxcd.io/` aside). */
function usedPrefix(resource: Resource): string {
  const used = new Set(Object.keys(resource.annotations).flatMap((k) => {
    const p = policyOfAnnotation(k);
    return p && p.prefix !== FILTER_PREFIX ? [p.prefix] : [];
  }));
  return used.size === 1 ? [...used][0]! : 'fluxcd.io/';
}

function set(resource: Resource, policy: string, value: string): AnnotationChange[] {
  const existing = keysOf(resource, policy)[0];
  return [{ key: existing ?? `${usedPrefix(resource)}${policy}`, value }];
}

function remove(resource: Resource, policy: string): AnnotationChange[] {
  return keysOf(resource, policy).map((key) => ({ key, value: null }));
}

/** Flux v1's policy commit message: one line for one kind of change, else a list under a title. */
export function policyCommitMessage(events: readonly string[], workload: string): string {
  const lines = events.map((e) => `${e}: ${workload}`);
  return lines.length === 1 ? `${lines[0]}\n` : `Updated workload policies\n\n${lines.map((l) => `- ${l}\n`).join('')}`;
}

/** Plans a policy change on a workload; refuses unknown containers and invalid filters. */
export function planPolicy(resource: Resource, request: PolicyRequest): PolicyPlan {
  const { containers, problems } = findContainers(resource);
  const names = new Set([...containers.map((c) => c.container), ...problems.flatMap((p) => (p.container ? [p.container] : []))]);
  if (names.size === 0) return { ok: false, message: `${resource.id} (${resource.file}:${resource.line}) has no containers: policies apply to workloads` };
  const changes: AnnotationChange[] = [];
  const types = new Set<string>();
  const p = resource.policies;
  if (request.automated === true && !p.automated) { changes.push(...set(resource, 'automated', 'true')); types.add('automate'); }
  if (request.automated === false && p.raw.automated) { changes.push(...remove(resource, 'automated')); types.add('deautomate'); }
  if (request.locked === true && !p.locked) { changes.push(...set(resource, 'locked', 'true')); types.add('lock'); }
  if (request.locked === false && (p.raw.locked || p.raw.locked_user || p.raw.locked_msg)) {
    changes.push(...remove(resource, 'locked'), ...remove(resource, 'locked_user'), ...remove(resource, 'locked_msg'));
    types.add('unlock');
  }
  for (const [container, filter] of Object.entries(request.tagFilters ?? {})) {
    if (!names.has(container)) return { ok: false, message: `${resource.id} has no container ${container} (has: ${[...names].join(', ')})` };
    const policy = `tag.${container}`;
    const clear = filter === null || filter === '*' || filter === DEFAULT_FILTER;
    if (clear) {
      if (keysOf(resource, policy).length) { changes.push(...remove(resource, policy)); types.add('update_policy'); }
      continue;
    }
    try {
      parseTagFilter(filter);
    } catch (err) {
      return { ok: false, message: err instanceof TagFilterError ? `${container}: ${err.message}` : String(err) };
    }
    if (p.tagFilters[container] !== filter || keysOf(resource, policy).length === 0) { changes.push(...set(resource, policy, filter)); types.add('update_policy'); }
  }
  const order = ['automate', 'deautomate', 'lock', 'unlock', 'update_policy'];
  const label: Record<string, string> = { automate: 'Automated', deautomate: 'Deautomated', lock: 'Locked', unlock: 'Unlocked', update_policy: 'Updated policies' };
  const events = order.filter((t) => types.has(t)).map((t) => label[t]!);
  return { ok: true, changes, events, message: changes.length ? policyCommitMessage(events, resource.id) : undefined };
}
