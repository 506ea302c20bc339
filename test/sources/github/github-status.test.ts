import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO, startFixture } from './fixture.ts';
import { truncateDescription } from '../../../shared/sources/github/index.ts';

test('a sync reports pending then success on the commit under gitops/<environment>/<cluster>', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    const head = await f.source.resolveBranch('main');
    const context = 'gitops/production/prod-1';
    await f.source.setStatus(head, { context, state: 'pending', description: 'Applying to 3 clusters' });
    await f.source.setStatus(head, { context, state: 'success', description: 'Applied to 3 clusters' });
    const statuses = f.fake.statuses(REPO, head);
    assert.deepEqual(statuses.map((s) => [s.context, s.state, s.description]), [
      ['gitops/production/prod-1', 'pending', 'Applying to 3 clusters'],
      ['gitops/production/prod-1', 'success', 'Applied to 3 clusters'],
    ]);
  } finally {
    await f.close();
  }
});

test('a failure description longer than 140 characters is cut at a word and accepted by GitHub', async () => {
  const f = await startFixture({ 'a.yaml': 'a: 1\n' });
  try {
    const head = await f.source.resolveBranch('main');
    const long = 'prod-weu-1 failed: Deployment radix-web in namespace radix-web-prod was rejected by the admission webhook because the image tag does not exist in the registry';
    await f.source.setStatus(head, { context: 'gitops/production', state: 'failure', description: long });
    const [status] = f.fake.statuses(REPO, head);
    assert.ok(status!.description!.length <= 140);
    assert.ok(status!.description!.endsWith('…'));
    assert.ok(long.startsWith(status!.description!.slice(0, -1)));
  } finally {
    await f.close();
  }
});

test('descriptions are one line and short ones are kept as they are', () => {
  assert.equal(truncateDescription('Applied\n to  3 clusters '), 'Applied to 3 clusters');
  assert.equal(truncateDescription('x'.repeat(200)).length, 140);
  assert.equal([...truncateDescription('é'.repeat(150))].length, 140);
});
