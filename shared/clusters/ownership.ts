/**
 * Objects another sync set owns (issue 10, item 3): before an object this environment has not applied yet is
 * sent, the cluster is asked whether it already carries another set's GC mark (another environment deploying
 * to the same cluster, or the same repository under another URL). Forced server-side apply would take it over,
 * and that environment's prune would then delete it; so it is reported as a conflict instead, unless the
 * operator allows taking over (GITOPS_TAKE_OVER_OBJECTS). One labelled list per kind, not one read per object.
 */
import type { ApplyItem } from './apply-body.ts';
import type { ClusterApi, ObjectOutcome } from './apply.ts';
import { GC_MARK_LABEL } from './gc-mark.ts';
import { listMarkedMetadata } from './prune.ts';
import { mapBounded } from './rank-scheduler.ts';
import type { SyncState } from './sync-state.ts';

/** Items the state's inventory does not show as ours (with this mark): the ones that could belong to someone else. */
export function notYetOwned(items: readonly ApplyItem[], state: SyncState | undefined): ApplyItem[] {
  const ours = new Map((state?.inventory ?? []).map((e) => [e.id, e.mark]));
  return items.filter((i) => ours.get(i.id) !== i.mark);
}

/**
 * Conflict outcomes for the items whose object in the cluster carries another set's mark. A mark this
 * environment's own state records for the object (its set before a change of path or URL) is not another's.
 */
export async function foreignOwned(api: ClusterApi, items: readonly ApplyItem[], state: SyncState | undefined, concurrency = 8): Promise<ObjectOutcome[]> {
  const previous = new Map((state?.inventory ?? []).map((e) => [e.id, e.mark]));
  const byKind = new Map<string, ApplyItem[]>();
  for (const i of items) {
    const key = `${i.resource.apiVersion} ${i.resource.kind}`;
    byKind.set(key, [...(byKind.get(key) ?? []), i]);
  }
  const conflicts: ObjectOutcome[] = [];
  await mapBounded([...byKind.values()], concurrency, async (group) => {
    const first = group[0]!.resource;
    const r = await api.discovery.resolve(first.apiVersion, first.kind);
    if (!r) return; // an unknown kind has no objects yet (a CRD in this very sync)
    const marks = new Map<string, string>();
    for (const meta of await listMarkedMetadata(api, r)) {
      const labels = meta.labels as Record<string, unknown> | undefined;
      const mark = labels?.[GC_MARK_LABEL];
      if (typeof mark === 'string' && mark && typeof meta.name === 'string') marks.set(`${r.namespaced && typeof meta.namespace === 'string' ? meta.namespace : ''}/${meta.name}`, mark);
    }
    for (const i of group) {
      const mark = marks.get(`${r.namespaced ? i.resource.namespace ?? '' : ''}/${i.resource.name}`);
      if (mark && mark !== i.mark && mark !== previous.get(i.id)) {
        conflicts.push({
          id: i.id, action: 'failed', file: i.resource.file, line: i.resource.line,
          message: `conflict: the object in the cluster belongs to another sync set (another environment, or this repository under another URL; ${GC_MARK_LABEL}=${mark}); not taken over (set GITOPS_TAKE_OVER_OBJECTS=true to allow it)`,
        });
      }
    }
  });
  return conflicts;
}
