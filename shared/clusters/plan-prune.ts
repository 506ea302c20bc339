/**
 * Which objects a prune deletes (pure). Flux v1's GC rules (flux-v1-semantics §3.6) plus safety:
 * - owned = carries this sync set's mark, and the mark equals the one computed for the object's own id
 *   (a copied label does not make an object ours);
 * - an owned object git no longer declares is deleted, unless the cluster object says
 *   `ignore: "true" | "sync_only"` (either prefix) or git still declares its id but skips it;
 * - refused unless forced: an empty desired set, a render with errors (a file that failed to parse might
 *   hold the objects), or deleting more than `maxShare` of what is owned.
 */
import { policiesFromAnnotations, resourceId, sortForDelete } from '../manifests/index.ts';
import { gcMark } from './gc-mark.ts';

/** A cluster object carrying a GC mark label, as listed. */
export interface MarkedObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** Undefined for cluster-scoped objects. */
  namespace: string | undefined;
  mark: string;
  annotations: Readonly<Record<string, string>>;
}

export interface PrunePlanInput {
  syncSetName: string;
  /** Objects found in the cluster with the GC mark label. */
  marked: readonly MarkedObject[];
  /** Ids git declares at the revision being applied. */
  desired: ReadonlySet<string>;
  /** Ids git declares but skips (ignore "true" in git): never pruned. */
  skipped: ReadonlySet<string>;
  /** Number of errors rendering the environment. */
  renderErrors: number;
  /** Largest share of the owned objects one prune may delete (0..1]. */
  maxShare: number;
  /** Delete even when a safety rule refuses. */
  force: boolean;
}

export interface PruneCandidate extends MarkedObject {
  id: string;
}

export interface PrunePlan {
  /** What to delete, in delete order (reverse apply order); empty when refused. */
  delete: PruneCandidate[];
  /** What would be deleted if nothing refused it (equal to `delete` unless refused), in delete order. */
  candidates: PruneCandidate[];
  /** Owned objects kept although git no longer declares them, with why. */
  protected: Array<{ id: string; reason: string }>;
  /** How many listed objects are ours (the base of `maxShare`). */
  owned: number;
  /** Why the prune is refused, when it is. */
  refused?: string;
}

/** Plans a prune. */
export function planPrune(input: PrunePlanInput): PrunePlan {
  const owned: PruneCandidate[] = [];
  const seen = new Set<string>();
  for (const o of input.marked) {
    const id = resourceId(o.namespace, o.kind, o.name);
    if (o.mark !== gcMark(input.syncSetName, id) || seen.has(id)) continue;
    seen.add(id);
    owned.push({ ...o, id });
  }
  const candidates: PruneCandidate[] = [];
  const kept: PrunePlan['protected'] = [];
  for (const o of owned) {
    if (input.desired.has(o.id)) continue;
    if (input.skipped.has(o.id)) { kept.push({ id: o.id, reason: 'git declares it with ignore: "true"' }); continue; }
    const ignore = policiesFromAnnotations(o.annotations).ignore;
    if (ignore) { kept.push({ id: o.id, reason: `the cluster object has ignore: "${ignore}"` }); continue; }
    candidates.push(o);
  }
  const ordered = sortForDelete(candidates);
  const plan: PrunePlan = { delete: ordered, candidates: ordered, protected: kept, owned: owned.length };
  if (ordered.length === 0 || input.force) return plan;
  let refused: string | undefined;
  if (input.desired.size === 0) refused = `the desired state is empty; refusing to delete ${ordered.length} objects`;
  else if (input.renderErrors > 0) refused = `the render had ${input.renderErrors} error${input.renderErrors === 1 ? '' : 's'} (a file that failed might hold these objects); refusing to delete ${ordered.length} objects`;
  else if (ordered.length > input.maxShare * owned.length) {
    refused = `would delete ${ordered.length} of ${owned.length} owned objects (${Math.round((100 * ordered.length) / owned.length)}%, more than ${Math.round(input.maxShare * 100)}%)`;
  }
  return refused ? { ...plan, delete: [], refused } : plan;
}
