import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runRanked } from '../../shared/clusters/index.ts';

describe('rank scheduler', () => {
  it('finishes every item of a rank before the next rank starts, lowest rank first', async () => {
    const events: string[] = [];
    const items = [{ n: 'deploy', r: 3 }, { n: 'ns', r: 0 }, { n: 'crd', r: 1 }, { n: 'svc', r: 1 }, { n: 'hr', r: 4 }, { n: 'cm', r: 2 }];
    await runRanked(items, {
      rankOf: (i) => i.r,
      run: async (i) => { events.push(`start ${i.n}`); await sleep(i.n === 'crd' ? 20 : 1); events.push(`end ${i.n}`); },
      afterRank: async (rank) => { events.push(`rank ${rank} done`); },
    });
    const at = (e: string) => events.indexOf(e);
    assert.ok(at('end ns') < at('start crd'));
    assert.ok(at('end crd') < at('rank 1 done') && at('rank 1 done') < at('start cm'));
    assert.ok(at('end cm') < at('start deploy') && at('end deploy') < at('start hr'));
  });

  it('never runs more than the concurrency limit at once within a rank, and uses the limit', async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 40 }, (_, i) => i);
    await runRanked(items, {
      rankOf: () => 4,
      concurrency: 5,
      run: async () => { running++; peak = Math.max(peak, running); await sleep(2); running--; },
    });
    assert.equal(peak, 5);
  });

  it('returns results in the order of the items whatever order they finish in', async () => {
    const out = await runRanked([3, 1, 2, 0], { rankOf: (x) => x % 2, run: async (x) => { await sleep(5 - x); return x * 10; } });
    assert.deepEqual(out, [30, 10, 20, 0]);
  });

  it('runs the highest rank first when descending (deletes)', async () => {
    const order: number[] = [];
    await runRanked([0, 4, 1, 3], { rankOf: (x) => x, descending: true, concurrency: 1, run: async (x) => { order.push(x); } });
    assert.deepEqual(order, [4, 3, 1, 0]);
  });
});
