/**
 * What a sync applies (pure): every object of the rendered environment with its body, mark and checksum;
 * on an incremental sync only those whose checksum differs from the cluster's inventory (or that failed
 * last time); and the inventory the cluster holds afterwards.
 */
import type { Resource } from '../manifests/index.ts';
import { buildApplyItem, type ApplyItem, type ApplyItemCache } from './apply-body.ts';
import type { ObjectOutcome } from './apply.ts';
import type { InventoryEntry, SyncState } from './sync-state.ts';

/** The apply items of rendered resources (already in apply order). */
export function applyItems(resources: readonly Resource[], setName: string, cache?: ApplyItemCache): readonly ApplyItem[] {
  return cache ? cache.items(resources, setName) : resources.map((r) => buildApplyItem(r, setName));
}

export interface ApplyPlan {
  toApply: ApplyItem[];
  /** Objects whose applied content equals the inventory's: not sent. */
  unchanged: ApplyItem[];
}

/** Everything on a full sync; otherwise what changed since the state's inventory, and what failed last time. */
export function planApply(items: readonly ApplyItem[], state: SyncState | undefined, full: boolean): ApplyPlan {
  if (full || !state) return { toApply: [...items], unchanged: [] };
  const inventory = new Map(state.inventory.map((e) => [e.id, e]));
  const failed = new Set(state.errors.map((e) => e.id));
  const toApply: ApplyItem[] = [];
  const unchanged: ApplyItem[] = [];
  for (const item of items) {
    const prev = inventory.get(item.id);
    if (!prev || prev.checksum !== item.checksum || prev.mark !== item.mark || failed.has(item.id)) toApply.push(item);
    else unchanged.push(item);
  }
  return { toApply, unchanged };
}

/** The inventory after a sync: the desired objects that are in the cluster as we applied them. */
export function nextInventory(items: readonly ApplyItem[], outcomes: ReadonlyMap<string, ObjectOutcome>, previous: SyncState | undefined): InventoryEntry[] {
  const prior = new Map((previous?.inventory ?? []).map((e) => [e.id, e]));
  const out: InventoryEntry[] = [];
  for (const item of items) {
    const outcome = outcomes.get(item.id);
    if (!outcome || outcome.action === 'unchanged') {
      const p = prior.get(item.id);
      if (p) out.push(p);
    } else if (outcome.action === 'applied') {
      out.push({ id: item.id, apiVersion: item.resource.apiVersion, mark: item.mark, checksum: item.checksum, ...(outcome.resourceVersion ? { rv: outcome.resourceVersion } : {}) });
    } else if (outcome.action === 'failed') {
      const p = prior.get(item.id);
      if (p) out.push(p);
    }
  }
  return out;
}

export type ApplyChange = 'created' | 'configured' | 'unchanged';

/**
 * What an accepted apply did, from the server's answer: created (201); unchanged when the answer's
 * resourceVersion is the one our last apply of the same content recorded (a no-op apply does not bump it);
 * else configured (our change, or the server had drifted and was put back).
 */
export function applyChange(outcome: ObjectOutcome, previous: InventoryEntry | undefined, checksum: string): ApplyChange {
  if (outcome.created) return 'created';
  if (previous?.rv !== undefined && outcome.resourceVersion === previous.rv && previous.checksum === checksum) return 'unchanged';
  return 'configured';
}
