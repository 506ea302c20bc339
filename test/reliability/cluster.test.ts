import { test } from 'node:test';
import { CLUSTER_SCENARIOS, NEEDS_SYNC_CLUSTER } from './cluster-scenarios.ts';

for (const s of CLUSTER_SCENARIOS) {
  test(`${s.what}`, { todo: `${NEEDS_SYNC_CLUSTER}: fills ${s.figures.join(', ')}` });
}
