import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { MemoryDeliveryLog, type DeliveryLog } from '../../shared/pipeline/delivery-log.ts';
import { TableDeliveryLog } from '../../shared/storage/table-delivery-log.ts';
import { TableProposalLedger } from '../../shared/storage/table-proposal-ledger.ts';
import { startAzurite, type Azurite } from '../support/azurite.ts';

const HOUR = 3_600_000;
let azurite: Azurite;
let run = 0;
before(async () => {
  azurite = await startAzurite();
});
after(async () => {
  await azurite?.close();
});

const table = () => TableClient.fromConnectionString(azurite.connectionString, `deliverylog${++run}`, { allowInsecureConnection: true });
const kinds: [string, (now: () => number) => DeliveryLog][] = [
  ['table (Azurite)', (now) => new TableDeliveryLog(table(), { now, retentionMs: 24 * HOUR })],
  ['memory', (now) => new MemoryDeliveryLog({ now, retentionMs: 24 * HOUR })],
];

for (const [kind, make] of kinds) {
  test(`${kind}: a delivery is a duplicate when any of its keys was claimed, and a refused claim records nothing`, async () => {
    const log = make(() => Date.parse('2026-11-30T10:00:00Z'));
    assert.equal(await log.claim(['id-1', 'body-sha256:aa']), true);
    assert.equal(await log.claim(['id-1', 'body-sha256:bb']), false, 'same id');
    assert.equal(await log.claim(['id-2', 'body-sha256:aa']), false, 'same body under a new id');
    assert.equal(await log.claim(['id-2', 'body-sha256:cc']), true, 'id-2 was not recorded by the refused claim');
    await log.release(['id-1', 'body-sha256:aa']);
    assert.equal(await log.claim(['id-1', 'body-sha256:aa']), true, 'released keys can be claimed again');
  });

  test(`${kind}: records expire after the retention: then they count as unseen, and expire() deletes them`, async () => {
    let now = Date.parse('2026-11-30T10:00:00Z');
    const log = make(() => now);
    assert.equal(await log.claim(['old', 'old-body']), true);
    now += 20 * HOUR;
    assert.equal(await log.claim(['fresh']), true);
    assert.equal(await log.claim(['old']), false, 'still within the retention');
    now += 5 * HOUR; // old: 25 h, fresh: 5 h
    assert.equal(await log.expire(), 2, 'old and old-body deleted');
    assert.equal(await log.claim(['fresh']), false, 'fresh is kept');
    assert.equal(await log.claim(['old']), true, 'an expired key is unseen');
  });

  test(`${kind}: an expired record not yet deleted is taken over by exactly one of two concurrent claims`, async () => {
    let now = Date.parse('2026-11-30T10:00:00Z');
    const log = make(() => now);
    assert.equal(await log.claim(['k']), true);
    now += 30 * HOUR;
    const results = await Promise.all([log.claim(['k']), log.claim(['k'])]);
    assert.deepEqual(results.sort(), [false, true]);
  });
}

test('table: a row written before expiry was added (partitioned by key, with its at) expires the same way', async () => {
  const client = table();
  await client.createTable();
  const log = new TableDeliveryLog(client, { now: () => Date.parse('2026-11-30T10:00:00Z'), retentionMs: HOUR });
  await client.createEntity({ partitionKey: 'le', rowKey: 'legacy-id', at: '2026-11-01T00:00:00.000Z' });
  assert.equal(await log.claim(['legacy-id']), true, 'an old row with its at is expired and taken over');
});

test('the proposal ledger keeps the head the app last wrote per branch, in the app\'s table', async () => {
  const ledger = new TableProposalLedger(TableClient.fromConnectionString(azurite.connectionString, `proposals${++run}`, { allowInsecureConnection: true }));
  assert.equal(await ledger.head('gitops/image-updates/production'), undefined);
  await ledger.record('gitops/image-updates/production', 'a'.repeat(40));
  await ledger.record('gitops/image-updates/production', 'b'.repeat(40));
  assert.equal(await ledger.head('gitops/image-updates/production'), 'b'.repeat(40));
  assert.equal(await ledger.head('gitops/image-updates/staging'), undefined);
});
