/**
 * Delivery keys in an Azure Table. `createEntity` fails with 409 when the key is already there, which makes
 * claiming atomic across every worker instance. Azure Tables has no TTL, so each row carries `at` (ISO time):
 * a row older than the retention counts as unseen (it is re-claimed with an ETag-conditional update, so two
 * workers cannot both win it), and `expire` deletes such rows (the reconcile timer calls it).
 */
import { createHash } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import type { DeliveryLog } from '../pipeline/delivery-log.ts';

export const DELIVERY_TABLE = 'deliveries';

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;

export class TableDeliveryLog implements DeliveryLog {
  private readonly table: TableClient;
  private readonly now: () => number;
  private readonly retentionMs: number;
  private ready: Promise<unknown> | undefined;

  /** `retentionMs`: the composition root passes DELIVERY_RETENTION_MS (shared/pipeline/delivery-log.ts). */
  constructor(table: TableClient, options: { now?: () => number; retentionMs: number }) {
    this.table = table;
    this.now = options.now ?? Date.now;
    this.retentionMs = options.retentionMs;
  }

  async claim(keys: readonly string[]): Promise<boolean> {
    await this.ensureTable();
    const claimed: string[] = [];
    for (const key of keys) {
      if (await this.claimOne(key)) claimed.push(key);
      else {
        await this.release(claimed);
        return false;
      }
    }
    return true;
  }

  async release(keys: readonly string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.table.deleteEntity(partitionOf(key), rowKeyOf(key)).catch((err: unknown) => {
          if (status(err) !== 404) throw err;
        }),
      ),
    );
  }

  async expire(): Promise<number> {
    await this.ensureTable();
    const cutoff = new Date(this.now() - this.retentionMs).toISOString();
    let n = 0;
    for await (const e of this.table.listEntities<{ at?: string }>({ queryOptions: { filter: odata`at lt ${cutoff}`, select: ['PartitionKey', 'RowKey', 'at'] } })) {
      await this.table.deleteEntity(e.partitionKey!, e.rowKey!, { etag: e.etag }).then(
        () => n++,
        (err: unknown) => {
          if (status(err) !== 404 && status(err) !== 412) throw err; // gone, or re-claimed meanwhile
        },
      );
    }
    return n;
  }

  private async claimOne(key: string): Promise<boolean> {
    const entity = { partitionKey: partitionOf(key), rowKey: rowKeyOf(key), at: new Date(this.now()).toISOString() };
    try {
      await this.table.createEntity(entity);
      return true;
    } catch (err) {
      if (status(err) !== 409) throw new Error(`failed to record delivery key ${key.slice(0, 80)}`, { cause: err });
    }
    // Already there: a duplicate, unless the record has expired (then take it over, conditionally).
    const existing = await this.table.getEntity<{ at?: string }>(entity.partitionKey, entity.rowKey).catch((err: unknown) => {
      if (status(err) === 404) return undefined; // expired and deleted meanwhile
      throw err;
    });
    if (!existing) return this.claimOne(key);
    const at = Date.parse(existing.at ?? '');
    if (Number.isFinite(at) && this.now() - at < this.retentionMs) return false;
    try {
      await this.table.updateEntity(entity, 'Replace', { etag: existing.etag });
      return true;
    } catch (err) {
      if (status(err) === 412) return false; // another worker re-claimed it first
      throw err;
    }
  }

  private async ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((err: unknown) => {
      if (status(err) === 409) return; // exists
      this.ready = undefined;
      throw err;
    });
    await this.ready;
  }
}

// Table keys may not contain / \\ # ? or control characters: GitHub's GUIDs pass as they are, anything else is hashed.
function rowKeyOf(key: string): string {
  return /^[A-Za-z0-9-]{1,200}$/.test(key) ? key : createHash('sha256').update(key).digest('hex');
}
function partitionOf(key: string): string {
  return rowKeyOf(key).slice(0, 2);
}
