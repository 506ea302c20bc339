/**
 * The cluster remembers (architecture rule 2): one ConfigMap per environment holding the last applied
 * commit, when, when the last full sync was, the inventory (ids, gc marks, checksums) and per-object errors.
 * Large inventories are gzip-compressed; what still does not fit under the 1 MiB ConfigMap limit is trimmed,
 * and the state says so (a trimmed inventory makes the next sync a full one).
 */
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { APPLY_PATCH, FIELD_MANAGER, METADATA_ACCEPT } from './apply.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';
import { suspensionFromData, type Suspension } from './suspension.ts';
import { stateObjectName } from './state-object.ts';

export { ensureNamespace, stateObjectName } from './state-object.ts';
import { healthRecordSchema, type HealthRecord } from './health-record.ts';

export const DEFAULT_STATE_NAMESPACE = 'gitops-system';
/** Stay well under the 1 MiB object limit (metadata and managedFields count too). */
export const STATE_BYTES_LIMIT = 900 * 1024;
/**
 * Inventories up to 256 KiB (about 1,200 objects) are stored as plain JSON: compressing one costs a few ms of
 * CPU on every sync of every cluster. Larger ones are compressed at the fastest level (within 5% of the default's
 * size on inventories, whose marks and checksums do not compress).
 */
const COMPRESS_ABOVE = 256 * 1024;
const MAX_ERROR_CHARS = 1000;

/** `rv`: the resourceVersion the server answered our last apply with (tells "unchanged" from "configured" next time). */
const inventoryEntry = z.object({ id: z.string(), apiVersion: z.string(), mark: z.string(), checksum: z.string(), rv: z.string().optional() });
const errorEntry = z.object({ id: z.string(), message: z.string() });
// Built once (building a schema costs more than checking a small value with it), not at every read.
const inventorySchema = z.array(inventoryEntry);
const errorsSchema = z.array(errorEntry);
const revisionSchema = z.string().min(1);
const textSchema = z.string();

export type InventoryEntry = z.infer<typeof inventoryEntry>;
export type StateError = z.infer<typeof errorEntry>;

export interface SyncState {
  environment: string;
  /** The commit last applied. */
  revision: string;
  /** ISO time of the last sync, and of the last full one (every object applied). */
  syncedAt: string;
  fullSyncAt: string | undefined;
  /** Frozen when read: it may be the one a previous sync of this instance read or wrote. */
  inventory: readonly InventoryEntry[];
  errors: StateError[];
  /** What had to be dropped to fit, in words; undefined when nothing was. */
  trimmed: string | undefined;
  /** The inventory did not fit and was dropped: the next sync must apply everything. */
  inventoryDropped?: boolean;
  /** Rollout health of the last sync that changed objects with health rules (written by the health checks, read only here). */
  health?: HealthRecord;
}


function configMapPath(namespace: string, environment: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${stateObjectName(environment)}`;
}

/** Reads an environment's state; undefined when there is none (or it is unreadable: then a full sync follows). */
export async function readSyncState(client: KubeClient, namespace: string, environment: string): Promise<SyncState | undefined> {
  return (await readStateObject(client, namespace, environment)).state;
}

/** The state ConfigMap in one read: the sync state (as {@link readSyncState}) and any suspension. */
export async function readStateObject(client: KubeClient, namespace: string, environment: string): Promise<{ state: SyncState | undefined; suspension: Suspension | undefined }> {
  let res;
  try {
    res = await client.request({ method: 'GET', path: configMapPath(namespace, environment) });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return { state: undefined, suspension: undefined };
    throw err;
  }
  const data = (res.body?.data ?? {}) as Record<string, string>;
  return { state: parseState(environment, data, inventoriesOf(client, namespace, environment)), suspension: suspensionFromData(data) };
}

/**
 * The inventory each cluster's state held when this instance last read or wrote it, with its text as stored (the
 * compressed text when it is compressed). A state is read at the start of every sync and mostly holds what the
 * last one wrote: the same text is the same inventory, so it is not parsed and checked again (686 objects: 146 KB
 * of JSON, entry by entry, about 2 ms of CPU per cluster before any job of a push can render). A hit needs the very
 * text, so the key (cluster name and state) only decides what is kept, never what is read. Bounded by the texts'
 * size (16 MiB: a hundred states of 700 objects); the inventories are frozen.
 */
interface KnownInventory { text: string; inventory: readonly InventoryEntry[] }
const known = new LRUCache<string, KnownInventory>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (k) => Math.max(1, k.text.length) });

function inventoriesOf(client: KubeClient, namespace: string, environment: string): { get(): KnownInventory | undefined; set(k: KnownInventory): void } {
  const key = `${client.cluster}\n${namespace}/${environment}`;
  return { get: () => known.get(key), set: (k) => void known.set(key, k) };
}

function frozen(inventory: readonly InventoryEntry[]): readonly InventoryEntry[] {
  for (const e of inventory) Object.freeze(e);
  return Object.freeze(inventory);
}

function parseInventory(data: Record<string, string>, cache: ReturnType<typeof inventoriesOf>): readonly InventoryEntry[] {
  const stored = data['inventory.json.gz'] ?? data['inventory.json'];
  if (stored === undefined) return [];
  const hit = cache.get();
  if (hit && hit.text === stored) return hit.inventory;
  const text = data['inventory.json.gz'] !== undefined ? gunzipSync(Buffer.from(stored, 'base64')).toString('utf8') : stored;
  const inventory = frozen(inventorySchema.parse(JSON.parse(text)));
  cache.set({ text: stored, inventory });
  return inventory;
}

function parseState(environment: string, data: Record<string, string>, inventories: ReturnType<typeof inventoriesOf>): SyncState | undefined {
  try {
    return {
      environment,
      revision: revisionSchema.parse(data.revision),
      syncedAt: textSchema.parse(data.syncedAt),
      fullSyncAt: data.fullSyncAt || undefined,
      inventory: parseInventory(data, inventories),
      errors: errorsSchema.parse(JSON.parse(data['errors.json'] ?? '[]')),
      trimmed: data.trimmed || undefined,
      inventoryDropped: data.inventoryDropped === 'true',
      ...healthOf(data['health.json']),
    };
  } catch {
    return undefined;
  }
}

function healthOf(text: string | undefined): { health?: HealthRecord } {
  if (text === undefined) return {};
  try {
    return { health: healthRecordSchema.parse(JSON.parse(text)) };
  } catch {
    return {};
  }
}

/** The ConfigMap data for a state: compressed and trimmed to fit. */
export function encodeSyncState(state: SyncState): Record<string, string> {
  const notes: string[] = state.trimmed ? [state.trimmed] : [];
  const data: Record<string, string> = { environment: state.environment, revision: state.revision, syncedAt: state.syncedAt };
  if (state.fullSyncAt) data.fullSyncAt = state.fullSyncAt;
  const inventory = JSON.stringify(state.inventory);
  if (Buffer.byteLength(inventory) > COMPRESS_ABOVE) data['inventory.json.gz'] = gzipSync(inventory, { level: constants.Z_BEST_SPEED }).toString('base64');
  else data['inventory.json'] = inventory;
  const size = (d: Record<string, string>) => Object.entries(d).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  let errors = state.errors.map((e) => ({ id: e.id, message: e.message.length > MAX_ERROR_CHARS ? `${e.message.slice(0, MAX_ERROR_CHARS)}…` : e.message }));
  const budget = () => STATE_BYTES_LIMIT - size(data) - 1024;
  if (Buffer.byteLength(JSON.stringify(errors)) > budget()) {
    const before = errors.length;
    while (errors.length > 0 && Buffer.byteLength(JSON.stringify(errors)) > budget()) errors = errors.slice(0, Math.floor(errors.length / 2));
    notes.push(`errors trimmed: ${errors.length} of ${before} kept`);
  }
  if (budget() < 0) {
    delete data['inventory.json'];
    delete data['inventory.json.gz'];
    data['inventory.json'] = '[]';
    data.inventoryDropped = 'true';
    notes.push(`inventory of ${state.inventory.length} objects dropped: too large for a ConfigMap even compressed (the next sync applies everything)`);
  }
  data['errors.json'] = JSON.stringify(errors);
  if (notes.length) data.trimmed = notes.join('; ');
  return data;
}

/** Writes an environment's state (server-side apply; the namespace must exist). */
export async function writeSyncState(client: KubeClient, namespace: string, state: SyncState): Promise<void> {
  const name = stateObjectName(state.environment);
  const data = encodeSyncState(state);
  await client.request({
    method: 'PATCH',
    path: configMapPath(namespace, state.environment),
    query: { fieldManager: FIELD_MANAGER, force: 'true' },
    contentType: APPLY_PATCH,
    body: {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'serverless-gitops' } },
      data,
    },
    // Nothing is read from the answer: its metadata, not the inventory sent back.
    accept: METADATA_ACCEPT,
  });
  // What the next sync will read back, unless someone else writes first (then the text differs).
  const text = data['inventory.json.gz'] ?? data['inventory.json'];
  if (text !== undefined && data.inventoryDropped === undefined) inventoriesOf(client, namespace, state.environment).set({ text, inventory: frozen([...state.inventory]) });
}

