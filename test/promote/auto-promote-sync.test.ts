/**
 * `auto: true` through the real sync handler: the GitHub fake, two Kubernetes fakes as the source's clusters.
 * The promotion pull request is opened only after the second cluster's sync succeeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncJob } from '../../shared/app/cluster-handlers.ts';
import { createClusterConnector, systemClock } from '../../shared/clusters/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { startKubeFake } from '../support/kube-fake/index.ts';
import { coldSource, REPO, TOKEN } from '../reliability/github-harness.ts';
import { testRuntime } from '../reliability/test-runtime.ts';
import { startGitHubFake } from '../support/github-fake/index.ts';

const GITOPS = `environments:
  development:
    branch: main
    path: development-configs
  playground:
    branch: release
    path: playground-configs
    promotion: { from: development, auto: true }
`;
const cm = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  level: ${level}\n`;

test('auto: true opens the promotion pull request after every cluster of the source synced the commit', async (t) => {
  const [k1, k2] = await Promise.all([startKubeFake({ name: 'c1' }), startKubeFake({ name: 'c2' })]);
  const github = await startGitHubFake({
    repos: [{ fullName: REPO, branches: ['main', 'release'], files: { 'gitops.yaml': GITOPS, 'development-configs/settings.yaml': cm('debug'), 'playground-configs/settings.yaml': cm('warn') } }],
    token: TOKEN,
  });
  t.after(async () => { await k1.close(); await k2.close(); await github.close(); });
  const targets = [k1, k2].map((k, i) => ({ name: `c${i + 1}`, origin: 'static' as const, server: k.url, auth: 'none' as const }));
  const runtime = testRuntime({
    source: coldSource(github), settings: { GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN }, jobs: [], clusters: 2,
    fleet: { targets, connector: createClusterConnector({ clock: systemClock }) },
  });
  const log = memoryLogger();
  const job = (cluster: string) => ({ v: 1, environment: 'development', cluster, reason: 'push', full: true, changed: [], removed: [] });
  assert.equal((await syncJob(runtime, log, job('c1'), 'test'))?.outcome, 'synced');
  assert.equal(github.pulls(REPO).length, 0, 'c2 has not applied the commit yet');
  assert.equal((await syncJob(runtime, log, job('c2'), 'test'))?.outcome, 'synced');
  const pulls = github.pulls(REPO);
  assert.equal(pulls.length, 1);
  assert.deepEqual([pulls[0]!.head, pulls[0]!.base, pulls[0]!.title], ['gitops/promote/development-to-playground', 'release', 'Promote development to playground']);
  assert.equal(await github.readFile(REPO, 'gitops/promote/development-to-playground', 'playground-configs/settings.yaml'), cm('debug'));
  // Another sync of the same commit proposes nothing new.
  await syncJob(runtime, log, job('c1'), 'test');
  assert.equal(github.pulls(REPO).length, 1);
});
