/**
 * Concurrent image events at a given scale: `image-events.test.ts` runs them small in `npm test`,
 * `image-events.heavy.ts` at full scale in `npm run test:heavy`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concurrentImages, sameImage } from './image-events.ts';

export function imageEventTests(images: number, instances: number): void {
  test(`${images} images pushed at once to ${instances} instances land as ${images} one-file commits on a linear history, none lost`, async () => {
    const r = await concurrentImages(images, instances);
    assert.equal(r.lost_updates, 0);
    assert.equal(r.commits, r.expected_commits);
    assert.equal(r.conflicting_commits, 0);
    assert.equal(r.merges, 0);
    assert.equal(r.events_failed, 0);
  });

  test('five events for one image: duplicates make exactly one commit, newer semver tags end at the newest and never step back', async () => {
    const r = await sameImage(5, 3);
    assert.deepEqual([r.duplicates.commits, r.duplicates.final_tag, r.duplicates.lost_updates], [1, 'master-2', 0]);
    assert.equal(r.newer_tags.final_tag, r.newer_tags.expected_tag);
    assert.equal(r.newer_tags.rollbacks, 0);
    assert.ok(r.newer_tags.commits >= 1 && r.newer_tags.commits <= r.newer_tags.events);
    assert.equal(r.conflicting_commits, 0);
    assert.equal(r.merges, 0);
    assert.equal(r.events_failed, 0);
  });
}
