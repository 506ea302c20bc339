import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSyncState, ensureNamespace, readSyncState, writeSyncState, STATE_BYTES_LIMIT, type ClusterConnection, type SyncState } from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { fakeEnvironment, testConnector } from './cluster-fixtures.ts';

function state(n: number, errors = 0, messageLength = 50): SyncState {
  return {
    environment: 'development', revision: 'a'.repeat(40), syncedAt: '2026-01-01T00:00:00.000Z', fullSyncAt: '2026-01-01T00:00:00.000Z',
    inventory: Array.from({ length: n }, (_, i) => ({ id: `ns-${i % 50}:deployment/app-${i}`, apiVersion: 'apps/v1', mark: `sha256.${String(i).padStart(43, 'x')}`, checksum: i.toString(16).padStart(40, '0') })),
    errors: Array.from({ length: errors }, (_, i) => ({ id: `default:configmap/e${i}`, message: 'm'.repeat(messageLength) })),
    trimmed: undefined,
  };
}

describe('sync state in a ConfigMap', () => {
  let fake: KubeFake;
  let conn: ClusterConnection;
  before(async () => {
    fake = await startKubeFake({ name: 'state' });
    const connector = testConnector();
    conn = await connector.connect((await connector.discover(fakeEnvironment([fake])))[0]!);
  });
  after(() => fake.close());

  it('reads nothing when the cluster has no state (a new cluster)', async () => {
    assert.equal(await readSyncState(conn.client, 'gitops-system', 'development'), undefined);
  });

  it('creates the state namespace when it is missing and round-trips the state', async () => {
    await ensureNamespace(conn.client, 'gitops-system');
    assert.ok(fake.get('v1', 'Namespace', undefined, 'gitops-system'));
    const s = state(3, 1);
    await writeSyncState(conn.client, 'gitops-system', s);
    const back = await readSyncState(conn.client, 'gitops-system', 'development');
    assert.deepEqual(back, { ...s, inventoryDropped: false });
    assert.equal(fake.get('v1', 'ConfigMap', 'gitops-system', 'gitops-development')?.data.revision, s.revision);
  });

  it('asks back only the metadata of the state it writes (the inventory is not sent back)', async () => {
    const answers: unknown[] = [];
    const client = { cluster: conn.client.cluster, request: async (r: Parameters<typeof conn.client.request>[0]) => { const res = await conn.client.request(r); answers.push(res.body); return res; } };
    await writeSyncState(client, 'gitops-system', state(3));
    assert.deepEqual(Object.keys(answers[0] as object).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal((answers[0] as { kind: string }).kind, 'PartialObjectMetadata');
  });

  it('keeps an inventory of hundreds of objects as plain JSON (no compression on every sync)', () => {
    const data = encodeSyncState(state(500));
    assert.equal(data['inventory.json.gz'], undefined);
    assert.equal((JSON.parse(data['inventory.json']!) as unknown[]).length, 500);
  });

  it('compresses a large inventory, and reads it back', async () => {
    const s = state(5000);
    const data = encodeSyncState(s);
    assert.ok(data['inventory.json.gz']);
    assert.equal(data['inventory.json'], undefined);
    await writeSyncState(conn.client, 'gitops-system', s);
    const back = await readSyncState(conn.client, 'gitops-system', 'development');
    assert.equal(back?.inventory.length, 5000);
    assert.deepEqual(back?.inventory[4999], s.inventory[4999]);
  });

  it('trims errors to stay under the ConfigMap limit and says so', () => {
    const data = encodeSyncState(state(10, 3000, 2000));
    const size = Object.entries(data).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
    assert.ok(size < STATE_BYTES_LIMIT, `${size} bytes`);
    assert.match(data.trimmed ?? '', /errors trimmed: \d+ of 3000 kept/);
    const errors = JSON.parse(data['errors.json']!) as Array<{ message: string }>;
    assert.ok(errors.length > 0 && errors.every((e) => e.message.length <= 1001));
  });

  it('treats an unreadable state as no state, so the next sync is a full one', async () => {
    fake.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gitops-broken', namespace: 'gitops-system' }, data: { revision: 'abc', syncedAt: 'x', 'inventory.json': '{not json' } });
    assert.equal(await readSyncState(conn.client, 'gitops-system', 'broken'), undefined);
  });

  describe('an inventory read again', () => {
    const stateOf = () => readSyncState(conn.client, 'gitops-system', 'again');
    const write = (n: number) => writeSyncState(conn.client, 'gitops-system', { ...state(n), environment: 'again' });

    it('is the one this instance wrote while the stored text is unchanged (not parsed again), frozen', async () => {
      await write(20);
      const first = await stateOf();
      const second = await stateOf();
      assert.equal(first?.inventory.length, 20);
      assert.equal(second?.inventory, first?.inventory);
      assert.ok(Object.isFrozen(first?.inventory) && Object.isFrozen(first?.inventory[0]));
      assert.throws(() => { (first!.inventory[0] as { checksum: string }).checksum = 'changed'; }, TypeError);
    });

    it('is parsed again when another writer changed the stored text', async () => {
      await write(20);
      const before = await stateOf();
      const cm = fake.get('v1', 'ConfigMap', 'gitops-system', 'gitops-again')!;
      const other = state(3).inventory.map((e) => ({ ...e, checksum: 'f'.repeat(40) }));
      fake.put({ ...cm, data: { ...cm.data, 'inventory.json': JSON.stringify(other) } });
      const after = await stateOf();
      assert.notEqual(after?.inventory, before?.inventory);
      assert.deepEqual(after?.inventory, other);
    });

    it('is parsed again when the stored text no longer checks, and then read as no state', async () => {
      await write(5);
      await stateOf();
      const cm = fake.get('v1', 'ConfigMap', 'gitops-system', 'gitops-again')!;
      fake.put({ ...cm, data: { ...cm.data, 'inventory.json': JSON.stringify([{ id: 'x' }]) } });
      assert.equal(await stateOf(), undefined);
    });

    it('is kept per state: two environments on one cluster each read back their own', async () => {
      await write(7);
      await writeSyncState(conn.client, 'gitops-system', { ...state(3), environment: 'again-too' });
      assert.equal((await stateOf())?.inventory.length, 7);
      assert.equal((await readSyncState(conn.client, 'gitops-system', 'again-too'))?.inventory.length, 3);
      assert.equal((await stateOf())?.inventory.length, 7);
    });

    it('is not kept when the inventory was dropped to fit (what is stored is not what was written)', async () => {
      const inventory = Array.from({ length: 40_000 }, (_, i) => ({ id: `n:deployment/a-${i}`, apiVersion: 'apps/v1', mark: `sha256.${randomBytes(32).toString('base64url')}`, checksum: randomBytes(20).toString('hex') }));
      const big = { ...state(0), environment: 'again', inventory };
      assert.equal(encodeSyncState(big).inventoryDropped, 'true', 'the inventory is too large for a ConfigMap');
      await writeSyncState(conn.client, 'gitops-system', big);
      const back = await stateOf();
      assert.deepEqual([back?.inventory, back?.inventoryDropped], [[], true]);
    });
  });
});
