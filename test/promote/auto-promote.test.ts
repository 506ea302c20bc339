import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, REPO } from '../sources/github/fixture.ts';
import { findEnvironment, parseConfig } from '../../shared/config/index.ts';
import { autoPromote, type ClusterApplied } from '../../shared/pipeline/auto-promote.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { devProdConfig } from './dev-prod-config.ts';

const config = parseConfig(devProdConfig({ auto: true }), 'gitops.yaml');
const dev = findEnvironment(config, 'dev')!;
const cm = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: ${level}\n`;

test('auto: true opens the promotion pull request only once every cluster of the source applied the commit cleanly, once per source commit', async () => {
  const f = await startFixture({ 'dev/settings.yaml': cm('debug'), 'prod/settings.yaml': cm('warn') }, { branches: ['master', 'release'] });
  try {
    const head = await f.source.resolveBranch('master');
    let clusters: ClusterApplied[] = [{ cluster: 'weekly-1', applied: head, clean: true }, { cluster: 'weekly-2', applied: 'f'.repeat(40), clean: true }];
    const deps = { source: f.source, config, clusters: async () => clusters, log: memoryLogger() };

    const early = await autoPromote(dev, head, deps);
    assert.deepEqual(early.map((o) => o.status), ['waiting']);
    assert.match(early[0]!.reason!, /weekly-2/);
    assert.equal(f.fake.pulls(REPO).length, 0);

    clusters = [{ cluster: 'weekly-1', applied: head, clean: true }, { cluster: 'weekly-2', applied: head, clean: false }];
    assert.deepEqual((await autoPromote(dev, head, deps)).map((o) => o.status), ['waiting'], 'a sync with failures is not a success');

    clusters = clusters.map((c) => ({ ...c, clean: true }));
    assert.deepEqual((await autoPromote(dev, head, deps)).map((o) => o.status), ['opened']);
    assert.deepEqual((await autoPromote(dev, head, deps)).map((o) => o.status), ['unchanged'], 'idempotent per source commit');
    assert.equal(f.fake.pulls(REPO).length, 1);
    assert.equal(await f.fake.readFile(REPO, 'gitops/promote/dev-to-prod', 'prod/settings.yaml'), cm('debug'));

    const next = await f.fake.commit('master', { files: { 'dev/settings.yaml': cm('info') }, message: 'dev: info' });
    const nextHead = typeof next === 'string' ? next : await f.source.resolveBranch('master');
    assert.deepEqual((await autoPromote(dev, head, deps)).map((o) => o.status), ['waiting'], 'an old commit after the branch moved proposes nothing');
    clusters = clusters.map((c) => ({ ...c, applied: nextHead }));
    assert.deepEqual((await autoPromote(dev, nextHead, deps)).map((o) => o.status), ['updated']);
    assert.equal(f.fake.pulls(REPO).length, 1);
    assert.equal(await f.fake.readFile(REPO, 'gitops/promote/dev-to-prod', 'prod/settings.yaml'), cm('info'));
  } finally {
    await f.close();
  }
});

test('an environment nothing promotes from automatically proposes nothing', async () => {
  const f = await startFixture({ 'dev/settings.yaml': cm('debug') }, { branches: ['master', 'release'] });
  try {
    const prod = findEnvironment(config, 'prod')!;
    const out = await autoPromote(prod, await f.source.resolveBranch('release'), { source: f.source, config, clusters: async () => [], log: memoryLogger() });
    assert.deepEqual(out, []);
  } finally {
    await f.close();
  }
});
