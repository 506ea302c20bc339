import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../shared/config/index.ts';
import { branchUpdateOf, planBranchUpdate, planPush } from '../../shared/pipeline/plan-push.ts';
import { parsePushEvent } from '../../shared/pipeline/push-event.ts';
import { pushPayload, type PushSpec } from '../support/push-payloads.ts';

const plan = (spec: PushSpec) => planPush(parsePushEvent(pushPayload(spec)), DEFAULT_CONFIG);

test('changed paths map to the environments whose directory holds them', () => {
  const p = plan({
    branch: 'release',
    commits: [{ modified: ['playground-configs/a.yaml', 'README.md'] }, { added: ['playground-configs/b.yaml'] }],
  });
  assert.equal(p.kind, 'sync');
  if (p.kind !== 'sync') return;
  assert.deepEqual(p.environments, [{ environment: 'playground', full: false, changed: ['playground-configs/a.yaml', 'playground-configs/b.yaml'], removed: [] }]);
  assert.deepEqual(p.unaffected, ['production']);
});

test('removals are part of the plan, net of later re-additions', () => {
  const p = plan({
    commits: [
      { removed: ['development-configs/x.yaml', 'development-configs/y.yaml'] },
      { added: ['development-configs/y.yaml'] },
      { modified: ['development-configs/z.yaml'] },
      { removed: ['development-configs/z.yaml'] },
    ],
  });
  assert.ok(p.kind === 'sync');
  assert.deepEqual(p.environments[0], { environment: 'development', full: false, changed: ['development-configs/y.yaml'], removed: ['development-configs/x.yaml', 'development-configs/z.yaml'] });
});

test('a forced push, a new branch, or capped lists mean a full sync of every environment on the branch', () => {
  const cases: [PushSpec, string][] = [
    [{ branch: 'release', forced: true }, 'forced push'],
    [{ branch: 'release', created: true }, 'new branch'],
    [{ branch: 'release', before: '0'.repeat(40) }, 'new branch'],
    [{ branch: 'release', commits: Array.from({ length: 2048 }, () => ({ modified: ['x'] })) }, 'the payload lists 2048 commits (GitHub caps the list at 2048)'],
    [{ branch: 'release', commits: [{ added: Array.from({ length: 3000 }, (_, i) => `f${i}`) }] }, ''],
    [{ branch: 'release', commits: [] }, 'the payload lists no commits'],
  ];
  for (const [spec, reason] of cases) {
    const p = plan(spec);
    assert.ok(p.kind === 'sync');
    assert.deepEqual(p.environments.map((e) => [e.environment, e.full]), [['playground', true], ['production', true]]);
    if (reason) assert.equal(p.environments[0]!.fullReason, reason);
    else assert.match(p.environments[0]!.fullReason!, /lists 3000 files/);
  }
});

test('a change to gitops.yaml syncs every environment on the branch in full', () => {
  const p = plan({ branch: 'release', commits: [{ modified: ['gitops.yaml'] }] });
  assert.ok(p.kind === 'sync');
  assert.deepEqual(p.environments.map((e) => [e.environment, e.full, e.fullReason]), [['playground', true, 'gitops.yaml changed'], ['production', true, 'gitops.yaml changed']]);
});

test('tag pushes, branch deletions and branches no environment deploys are ignored with the reason', () => {
  const tag = pushPayload();
  tag.ref = 'refs/tags/v1';
  assert.deepEqual(planPush(parsePushEvent(tag), DEFAULT_CONFIG), { kind: 'ignored', reason: 'refs/tags/v1 is not a branch' });
  assert.deepEqual(plan({ deleted: true, after: '0'.repeat(40) }), { kind: 'ignored', reason: 'branch master was deleted' });
  assert.deepEqual(plan({ branch: 'feature/x' }), { kind: 'ignored', reason: 'no environment deploys branch feature/x' });
});

test('a push that touches no environment directory affects none', () => {
  const p = plan({ commits: [{ modified: ['docs/readme.md', 'development-configs-old/a.yaml'] }] });
  assert.ok(p.kind === 'sync');
  assert.deepEqual(p.environments, []);
  assert.deepEqual(p.unaffected, ['development']);
});

test('a .flux.yaml changed in a folder above an environment (it may change the mode) means a full sync of it', () => {
  const p = plan({ commits: [{ modified: ['.flux.yaml'] }] });
  assert.ok(p.kind === 'sync');
  assert.deepEqual(p.environments.map((e) => [e.environment, e.full, e.fullReason]), [['development', true, '.flux.yaml changed']]);
  const elsewhere = plan({ commits: [{ modified: ['other-configs/.flux.yaml'] }] });
  assert.ok(elsewhere.kind === 'sync');
  assert.deepEqual(elsewhere.environments, []);
});

test('a branch update seen without a webhook (the local git writer) plans as the same push would', () => {
  const [before, after] = ['a'.repeat(40), 'b'.repeat(40)];
  const update = { ref: 'refs/heads/release', before, after, deleted: false, changed: ['playground-configs/a.yaml'], removed: ['production-configs/old.yaml'] };
  const fromPayload = planPush(parsePushEvent(pushPayload({ branch: 'release', before, after, commits: [{ modified: ['playground-configs/a.yaml'] }, { removed: ['production-configs/old.yaml'] }] })), DEFAULT_CONFIG);
  assert.deepEqual(planBranchUpdate(update, DEFAULT_CONFIG), fromPayload);
  assert.deepEqual(fromPayload, {
    kind: 'sync', branch: 'release', revision: after, unaffected: [],
    environments: [
      { environment: 'playground', full: false, changed: ['playground-configs/a.yaml'], removed: [] },
      { environment: 'production', full: false, changed: [], removed: ['production-configs/old.yaml'] },
    ],
  });
});

test('a branch update whose file lists cannot be trusted is a full sync of every environment of the branch, with the reason', () => {
  const p = planBranchUpdate({ ref: 'refs/heads/release', before: 'a'.repeat(40), after: 'b'.repeat(40), deleted: false, changed: [], removed: [], fullReason: 'forced push' }, DEFAULT_CONFIG);
  assert.ok(p.kind === 'sync');
  assert.deepEqual(p.environments.map((e) => [e.environment, e.full, e.fullReason]), [['playground', true, 'forced push'], ['production', true, 'forced push']]);
  assert.deepEqual(branchUpdateOf(parsePushEvent(pushPayload({ branch: 'release', forced: true, commits: [{ modified: ['x'] }] }))).fullReason, 'forced push');
});
