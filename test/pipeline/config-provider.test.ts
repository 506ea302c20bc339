import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONFIG } from '../../shared/config/index.ts';
import { createConfigProvider } from '../../shared/pipeline/config-provider.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { makeRepo } from '../support/git-repo.ts';

test('inline GITOPS_CONFIG wins and is validated up front', async () => {
  const src = new LocalGitSource(makeRepo({ 'gitops.yaml': 'environments:\n  repo: {branch: master, path: a}\n' }).dir);
  const provider = createConfigProvider(src, { inlineYaml: 'environments:\n  inline: {branch: master, path: b}\n' });
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['inline']);
  assert.throws(() => createConfigProvider(src, { inlineYaml: 'environments: {}\n' }), (e: unknown) => e instanceof ConfigError && /GITOPS_CONFIG:1: environments/.test(e.message));
});

test('gitops.yaml at the default branch is used, re-read after the TTL, and the defaults apply without one', async () => {
  const repo = makeRepo({ 'gitops.yaml': 'environments:\n  one: {branch: master, path: a}\n' }, ['master', 'release']);
  let clock = 0;
  const provider = createConfigProvider(new LocalGitSource(repo.dir), { ttlMs: 1000, now: () => clock });
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['one']);
  repo.git('rm', '-q', 'gitops.yaml');
  repo.git('commit', '-qm', 'no config');
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['one'], 'cached within the TTL');
  clock = 1001;
  assert.equal(await provider(), DEFAULT_CONFIG);
});

test('an invalid gitops.yaml is a ConfigError naming the file, and is not cached', async () => {
  const repo = makeRepo({ 'gitops.yaml': 'environments:\n  x: {branch: master}\n' });
  const provider = createConfigProvider(new LocalGitSource(repo.dir));
  await assert.rejects(provider(), (e: unknown) => e instanceof ConfigError && /gitops\.yaml:2: environments\.x\.path/.test(e.message));
  repo.git('rm', '-q', 'gitops.yaml');
  repo.git('commit', '-qm', 'fix');
  assert.equal(await provider(), DEFAULT_CONFIG);
});
