/**
 * The bad-input checks at a given scale: `bad-input.test.ts` runs them small in `npm test`,
 * `bad-input.heavy.ts` at full scale in `npm run test:heavy`.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { badInputs, type BadInputFigures } from './bad-input.ts';

export function badInputTests(count: number): void {
  let r: BadInputFigures;
  before(async () => {
    r = await badInputs({ count });
  });

  test(`${count.toLocaleString('en')} generated bad deliveries, events and manifests are each rejected, ignored or reported, never a crash`, () => {
    assert.ok(r.bad_inputs_tried >= count);
    assert.equal(r.outcomes.crash, 0, JSON.stringify(r.examples));
    assert.equal(r.unhandled_rejections, 0);
  });

  test('no bad input enqueues a job or writes to GitHub', () => {
    assert.equal(r.outcomes.effect, 0, JSON.stringify(r.examples));
    assert.equal(r.jobs_enqueued, 0);
    assert.equal(r.github_writes, 0);
  });

  test('a push whose changed files are YAML bombs is accepted, and each bomb is a render error beside the good file', () => {
    assert.equal(r.bomb_push.crashed, false);
    assert.equal(r.bomb_push.push_status, 202);
    assert.equal(r.bomb_push.bombs_reported, r.bomb_push.files);
    assert.equal(r.bomb_push.rendered_ok_file, true);
  });

  test('a gitops.yaml that is an alias bomb answers the push 422 and enqueues nothing', () => {
    assert.equal(r.bomb_config.crashed, false);
    assert.equal(r.bomb_config.push_status, 422);
    assert.equal(r.bomb_config.jobs, 0);
  });
}
