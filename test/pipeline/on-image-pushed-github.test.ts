/**
 * Registry events through the real GitHub adapter against the git-backed GitHub fake:
 * exactly the commit the core engine computes, pull-request mode, concurrency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../shared/config/index.ts';
import { execFileSync } from 'node:child_process';
import { parseImageRef } from '../../shared/images/index.ts';
import { KeyedMutex } from '../../shared/pipeline/keyed-mutex.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { onImagePushed, type OnImagePushedDeps } from '../../shared/pipeline/on-image-pushed.ts';
import { planBranchRelease } from '../../shared/pipeline/plan-branch-release.ts';
import type { ImagePushed } from '../../shared/pipeline/registry-event.ts';
import { deployment, REPO, startFixture } from '../sources/github/fixture.ts';

const config = parseConfig(
  `environments:
  development: { branch: main, path: development-configs, registries: [radixdev.azurecr.io] }
  production: { branch: main, path: production-configs, registries: [radixdev.azurecr.io], imageUpdates: pull-request }
`,
  'gitops.yaml',
);

let n = 0;
const event = (repository: string, tag: string): ImagePushed => ({ id: `e${++n}`, registry: 'radixdev.azurecr.io', repository, tag, digest: `sha256:${'b'.repeat(64)}`, pushedAt: undefined });

test('a registry event commits through GitHub exactly the change the core engine computes', async () => {
  const f = await startFixture({ 'development-configs/web.yaml': deployment('web', '1.0.0'), 'development-configs/api.yaml': deployment('api', '1.0.0') });
  try {
    const deps: OnImagePushedDeps = { config: async () => config, source: f.source, proposer: f.source, log: silentLogger, sleep: async () => {} };
    const head = await f.source.resolveBranch('main');
    const expected = await planBranchRelease({ source: f.source, config, branch: 'main', revision: head, images: [parseImageRef('radixdev.azurecr.io/web:2.0.0')], only: (e) => e.name === 'development' });
    f.reset();
    const r = await onImagePushed(event('web', '2.0.0'), deps);
    assert.ok(r.kind === 'released');
    const dev = r.branches.find((b) => b.environments.includes('development'))!;
    assert.equal(dev.status, 'committed');
    const commit = (await f.source.client.octokit.rest.git.getCommit({ owner: 'acme', repo: 'config', commit_sha: dev.revision! })).data;
    assert.equal(commit.message, expected.plan.message);
    assert.deepEqual(commit.parents.map((p) => p.sha), [head]);
    for (const [file, text] of expected.plan.files) assert.equal(await f.fake.readFile(REPO, 'main', file), text);
    assert.equal(await f.fake.readFile(REPO, 'main', 'development-configs/api.yaml'), deployment('api', '1.0.0'));
    const writes = Object.entries(f.calls()).filter(([route]) => !route.startsWith('GET') && !route.includes('graphql'));
    assert.deepEqual(writes.map(([route, count]) => `${route} ×${count}`).sort(), [
      'PATCH /repos/{owner}/{repo}/git/refs/{ref} ×1',
      'POST /repos/{owner}/{repo}/git/commits ×1',
      'POST /repos/{owner}/{repo}/git/trees ×1',
    ]);
    const again = await onImagePushed(event('web', '2.0.0'), deps);
    assert.ok(again.kind === 'released' && again.branches.every((b) => b.status === 'unchanged'), 're-running the event changes nothing');
  } finally {
    await f.close();
  }
});

test('pull-request environments get one pull request per environment, updated by later images, never one per image', async () => {
  const f = await startFixture({ 'production-configs/web.yaml': deployment('web', '1.0.0'), 'production-configs/api.yaml': deployment('api', '1.0.0') });
  try {
    const deps: OnImagePushedDeps = { config: async () => config, source: f.source, proposer: f.source, log: silentLogger, sleep: async () => {} };
    const mainHead = await f.source.resolveBranch('main');
    const first = await onImagePushed(event('web', '2.0.0'), deps);
    const second = await onImagePushed(event('api', '3.0.0'), deps);
    assert.ok(first.kind === 'released' && second.kind === 'released');
    const p1 = first.branches.find((b) => b.mode === 'pull-request')!;
    const p2 = second.branches.find((b) => b.mode === 'pull-request')!;
    assert.deepEqual([p1.status, p2.status], ['opened', 'updated']);
    assert.equal(p1.pullRequest, p2.pullRequest);
    assert.equal(await f.source.resolveBranch('main'), mainHead, 'the protected branch is never written');
    const pulls = f.fake.pulls(REPO);
    assert.equal(pulls.length, 1);
    const proposal = 'gitops/image-updates/production';
    assert.match((await f.fake.readFile(REPO, proposal, 'production-configs/web.yaml')) ?? '', /web:2\.0\.0/);
    assert.match((await f.fake.readFile(REPO, proposal, 'production-configs/api.yaml')) ?? '', /api:3\.0\.0/, 'the second image is added to the same proposal');
  } finally {
    await f.close();
  }
});

// Eight concurrent events here; twenty images on four instances race in test/reliability/image-events.heavy.ts.
const IMAGES = 8;

test(`${IMAGES} concurrent image events through GitHub produce ${IMAGES} commits and lose none`, async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < IMAGES; i++) files[`development-configs/app-${i}.yaml`] = deployment(`app-${i}`, '1.0.0', i);
  const f = await startFixture(files);
  try {
    const deps: OnImagePushedDeps = { config: async () => config, source: f.source, proposer: f.source, log: silentLogger, branchLocks: new KeyedMutex(), sleep: async () => {} };
    const results = await Promise.all(Array.from({ length: IMAGES }, (_, i) => onImagePushed(event(`app-${i}`, '2.0.0'), deps)));
    const committed = results.filter((r) => r.kind === 'released' && r.branches.some((b) => b.mode === 'commit' && b.status === 'committed'));
    assert.equal(committed.length, IMAGES);
    for (let i = 0; i < IMAGES; i++) assert.match((await f.fake.readFile(REPO, 'main', `development-configs/app-${i}.yaml`)) ?? '', new RegExp(`app-${i}:2\\.0\\.0`));
    const git = (...a: string[]) => execFileSync('git', ['-C', f.fake.gitDir(REPO), ...a], { encoding: 'utf8' }).trim();
    assert.equal(git('rev-list', '--count', 'main'), String(IMAGES + 1));
    assert.equal(git('rev-list', '--merges', '--count', 'main'), '0', 'linear history');
  } finally {
    await f.close();
  }
});
