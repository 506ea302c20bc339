/**
 * Image events under GitHub faults at a given scale: `github-faults.test.ts` runs them small in `npm test`,
 * `github-faults.heavy.ts` at full scale in `npm run test:heavy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageEventsUnderFaults } from './github-faults.ts';

export function githubFaultTests(images: number, redeliveries: number): void {
  test(`${images + redeliveries} image events while one GitHub request in ten fails (5xx, resets, 429, lost answers) lose nothing and end in the right files`, async () => {
    const r = await imageEventsUnderFaults({ images, redeliveries, faultRate: 0.1, seed: 7 });
    assert.ok(r.events >= images);
    assert.ok(r.faults.http_5xx > 0 && r.faults.resets > 0 && r.faults.rate_limited_429 > 0 && r.faults.lost_answers > 0, `every kind of fault was injected: ${JSON.stringify(r.faults)}`);
    assert.equal(r.events_lost, 0);
    assert.equal(r.lost_updates, 0);
    assert.equal(r.commits, r.expected_commits, 'one commit per image, redeliveries change nothing');
    assert.equal(r.conflicting_commits, 0);
    assert.equal(r.final_state_correct, true);
  });
}
