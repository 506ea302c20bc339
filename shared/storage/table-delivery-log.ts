/**
 * Delivery ids in an Azure Table: `createEntity` fails with 409 when the id is
 * already there, which makes claiming atomic across every worker instance.
 */
import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { DeliveryLog } from '../pipeline/delivery-log.ts';

export const DELIVERY_TABLE = 'deliveries';

export class TableDeliveryLog implements DeliveryLog {
  private readonly table: TableClient;
  private ready: Promise<unknown> | undefined;

  constructor(table: TableClient) {
    this.table = table;
  }

  async claim(id: string): Promise<boolean> {
    await this.ensureTable();
    try {
      await this.table.createEntity({ partitionKey: partitionOf(id), rowKey: rowKeyOf(id), at: new Date().toISOString() });
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 409) return false;
      throw new Error(`failed to record delivery ${id}`, { cause: err });
    }
  }

  async release(id: string): Promise<void> {
    await this.table.deleteEntity(partitionOf(id), rowKeyOf(id)).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    });
  }

  private async ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((err: { statusCode?: number }) => {
      if (err.statusCode === 409) return; // exists
      this.ready = undefined;
      throw err;
    });
    await this.ready;
  }
}

// Table keys may not contain / \\ # ? or control characters: GitHub's GUIDs pass as they are, anything else is hashed.
function rowKeyOf(id: string): string {
  return /^[A-Za-z0-9-]{1,200}$/.test(id) ? id : createHash('sha256').update(id).digest('hex');
}
function partitionOf(id: string): string {
  return rowKeyOf(id).slice(0, 2);
}
