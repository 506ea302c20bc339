/** The proposal ledger in an Azure Table of the app's storage account (one row per proposal branch). */
import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { ProposalLedger } from '../sources/proposal-ledger.ts';

export const PROPOSAL_TABLE = 'proposals';

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;
const keyOf = (branch: string) => createHash('sha256').update(branch).digest('hex');

export class TableProposalLedger implements ProposalLedger {
  private readonly table: TableClient;
  private ready: Promise<unknown> | undefined;

  constructor(table: TableClient) {
    this.table = table;
  }

  async head(branch: string): Promise<string | undefined> {
    await this.ensureTable();
    try {
      const e = await this.table.getEntity<{ head?: string; branch?: string }>('proposal', keyOf(branch));
      return e.branch === branch && typeof e.head === 'string' ? e.head : undefined;
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw new Error(`failed to read the recorded head of ${branch}`, { cause: err });
    }
  }

  async record(branch: string, head: string): Promise<void> {
    await this.ensureTable();
    await this.table.upsertEntity({ partitionKey: 'proposal', rowKey: keyOf(branch), branch, head }, 'Replace');
  }

  private async ensureTable(): Promise<void> {
    this.ready ??= this.table.createTable().catch((err: unknown) => {
      if (status(err) === 409) return;
      this.ready = undefined;
      throw err;
    });
    await this.ready;
  }
}
