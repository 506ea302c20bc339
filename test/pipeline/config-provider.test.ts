import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONFIG } from '../../shared/config/index.ts';
import { createConfigProvider } from '../../shared/pipeline/config-provider.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { makeRepo } from '../support/git-repo.ts';
import { memorySource } from '../support/memory-source.ts';
import { startFixture } from '../sources/github/fixture.ts';

test('inline GITOPS_CONFIG wins and is validated up front', async () => {
  const src = new LocalGitSource(makeRepo({ 'gitops.yaml': 'environments:\n  repo: {branch: master, path: a}\n' }).dir);
  const provider = createConfigProvider(src, { inlineYaml: 'environments:\n  inline: {branch: master, path: b}\n' });
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['inline']);
  assert.throws(() => createConfigProvider(src, { inlineYaml: 'environments: {}\n' }), (e: unknown) => e instanceof ConfigError && /GITOPS_CONFIG:1: environments/.test(e.message));
});

test('gitops.yaml at the default branch is used, re-read after the TTL, and the defaults apply without one', async () => {
  const repo = makeRepo({ 'gitops.yaml': 'environments:\n  one: {branch: master, path: a}\n' }, ['master', 'release']);
  let clock = 0;
  const provider = createConfigProvider(new LocalGitSource(repo.dir), { ttlMs: 1000, now: () => clock, defaultBranchFallback: true });
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['one']);
  repo.git('rm', '-q', 'gitops.yaml');
  repo.git('commit', '-qm', 'no config');
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['one'], 'cached within the TTL');
  clock = 1001;
  assert.equal(await provider(), DEFAULT_CONFIG);
});

test('an invalid gitops.yaml is a ConfigError naming the file, and is not cached', async () => {
  const repo = makeRepo({ 'gitops.yaml': 'environments:\n  x: {branch: master}\n' });
  const provider = createConfigProvider(new LocalGitSource(repo.dir), { defaultBranchFallback: true });
  await assert.rejects(provider(), (e: unknown) => e instanceof ConfigError && /gitops\.yaml:2: environments\.x\.path/.test(e.message));
  repo.git('rm', '-q', 'gitops.yaml');
  repo.git('commit', '-qm', 'fix');
  assert.equal(await provider(), DEFAULT_CONFIG);
});

test('a source that reads branch and file at once is asked once: one GitHub call cold, none warm', async () => {
  const f = await startFixture({ 'gitops.yaml': 'environments:\n  one: {branch: main, path: a}\n', 'a/x.yaml': 'x: 1\n' });
  try {
    let clock = 0;
    const provider = createConfigProvider(f.source, { ttlMs: 1000, now: () => clock, defaultBranchFallback: true });
    assert.deepEqual((await provider()).environments.map((e) => e.name), ['one']);
    assert.deepEqual(f.calls(), { 'POST /graphql': 1 }, 'default branch, tip and gitops.yaml in one query');
    f.reset();
    await provider();
    assert.equal(f.total(), 0, 'warm: cached within the TTL');
    await f.fake.commit('main', { files: { 'gitops.yaml': null }, message: 'no config' });
    clock = 1001;
    assert.equal(await provider(), DEFAULT_CONFIG);
    assert.deepEqual(f.calls(), { 'POST /graphql': 1 });
  } finally {
    await f.close();
  }
});

test('the in-memory and local git sources answer the one-read configuration too', async () => {
  const memory = memorySource({ main: { 'gitops.yaml': 'environments:\n  mem: {branch: main, path: a}\n' } });
  assert.deepEqual((await createConfigProvider(memory, { defaultBranchFallback: true })()).environments.map((e) => e.name), ['mem']);
  assert.deepEqual(memory.calls, { resolveBranch: 0, listFiles: 0, readFiles: 0, readDefaultBranchFile: 1 });
  const repo = makeRepo({ 'gitops.yaml': 'environments:\n  git: {branch: master, path: a}\n' });
  const local = new LocalGitSource(repo.dir);
  const read = await local.readDefaultBranchFile('gitops.yaml');
  assert.deepEqual(read, { branch: 'master', revision: repo.git('rev-parse', 'HEAD'), text: 'environments:\n  git: {branch: master, path: a}\n' });
  assert.equal((await local.readDefaultBranchFile('none.yaml')).text, undefined);
});
