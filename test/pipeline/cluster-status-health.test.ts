import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterConnector, ensureNamespace, systemClock, writeHealth, writeSyncState, type HealthRecord } from '../../shared/clusters/index.ts';
import { clusterStatus } from '../../shared/pipeline/cluster-status.ts';
import { startKubeFake } from '../support/kube-fake/index.ts';

const REV = 'c'.repeat(40);
const record = (revision: string, status: HealthRecord['status'], message: string): HealthRecord => ({
  revision, status, message, since: '2026-11-30T10:00:00.000Z', deadline: '2026-11-30T10:10:00.000Z', checkedAt: '2026-11-30T10:10:00.000Z', checks: 6, pending: [], failed: [],
});

test('gitops status shows the rollout health of the commit applied, and a degraded or timed-out one needs attention', async (t) => {
  const fake = await startKubeFake();
  t.after(() => fake.close());
  const conn = await createClusterConnector({ clock: systemClock }).connect({ name: 'c1', origin: 'static', server: fake.url, auth: 'none' });
  await ensureNamespace(conn.client, 'gitops-system');
  await writeSyncState(conn.client, 'gitops-system', { environment: 'development', revision: REV, syncedAt: '2026-11-30T10:00:00Z', fullSyncAt: undefined, inventory: [], errors: [], trimmed: undefined });
  const read = () => clusterStatus('development', 'c1', async () => conn, { head: REV, now: Date.now(), stateNamespace: 'gitops-system' });
  assert.equal((await read()).health, undefined);
  await writeHealth(conn.client, 'gitops-system', 'development', record(REV, 'timed-out', 'timed out waiting for default:deployment/web (Available: 0/2)'));
  assert.deepEqual((await read()).health, { status: 'timed-out', message: 'timed out waiting for default:deployment/web (Available: 0/2)', checkedAt: '2026-11-30T10:10:00.000Z' });
  await writeHealth(conn.client, 'gitops-system', 'development', record('d'.repeat(40), 'healthy', 'healthy'));
  assert.equal((await read()).health, undefined, 'a record for another commit says nothing about the one applied');
  await writeSyncState(conn.client, 'gitops-system', { environment: 'development', revision: REV, syncedAt: '2026-11-30T10:05:00Z', fullSyncAt: undefined, inventory: [], errors: [], trimmed: undefined });
  assert.ok(fake.get('v1', 'ConfigMap', 'gitops-system', 'gitops-development')!.data['health.json'], 'a sync\'s state write keeps the health record (another field manager owns it)');
});
