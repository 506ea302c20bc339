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

const pinned = new Map([['development', 'master'], ['production', 'release']]);
const def = (name: string, branch: string, extra = '') => `  ${name}:\n    branch: ${branch}\n    path: ${name}\n${extra}`;

test('GITOPS_ENVIRONMENTS: each environment comes from its own branch; what another branch says about it is ignored', async () => {
  const source = memorySource({
    master: { 'gitops.yaml': `environments:\n${def('development', 'master')}${def('production', 'master', '    prune: true\n')}` },
    release: { 'gitops.yaml': `environments:\n${def('production', 'release')}` },
  });
  const config = await createConfigProvider(source, { environmentBranches: pinned })();
  assert.deepEqual(config.environments.map((e) => [e.name, e.branch, e.prune]), [['development', 'master', false], ['production', 'release', false]]);
  assert.deepEqual(config.unavailable, []);
});

test('GITOPS_ENVIRONMENTS: a definition naming another branch, a missing one and one beyond the bounds are unavailable with reasons; the others stand', async () => {
  const source = memorySource({
    master: { 'gitops.yaml': `environments:\n${def('development', 'release')}` },
    release: { 'gitops.yaml': `environments:\n${def('production', 'release', '    registries: [evil.azurecr.io]\n')}${def('staging', 'release')}` },
  });
  const three = new Map([...pinned, ['staging', 'release'], ['qa', 'release']]);
  const config = await createConfigProvider(source, { environmentBranches: three, bounds: { registries: ['radixprod.azurecr.io'] } })();
  assert.deepEqual(config.environments.map((e) => e.name), ['staging']);
  const why = Object.fromEntries((config.unavailable ?? []).map((u) => [u.name, u.reason.replace(/ at [0-9a-f]{12}/, '')]));
  assert.deepEqual(why, {
    development: 'gitops.yaml on branch master: environments.development.branch: release, but GITOPS_ENVIRONMENTS pins development to master (a branch defines only the environments deploying from it)',
    production: 'gitops.yaml on branch release: environments.production.registries: evil.azurecr.io is not in GITOPS_REGISTRIES',
    qa: 'gitops.yaml on branch release: does not define environment qa',
  });
});

test('GITOPS_ENVIRONMENTS: a branch that cannot be read makes its environments unavailable for this call only (not cached)', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` } });
  const provider = createConfigProvider(source, { environmentBranches: pinned });
  const first = await provider();
  assert.deepEqual(first.environments.map((e) => e.name), ['development']);
  assert.deepEqual(first.unavailable?.map((u) => [u.name, u.transient]), [['production', true]]);
  source.commit('release', { 'gitops.yaml': `environments:\n${def('production', 'release')}` });
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['development', 'production'], 're-read at once, not after the TTL');
});

test('a hint reads the branch at the pushed revision at once, whatever the cache holds', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` }, release: { 'gitops.yaml': `environments:\n${def('production', 'release')}` } });
  const provider = createConfigProvider(source, { environmentBranches: pinned, ttlMs: 3_600_000, now: () => 0 });
  assert.equal((await provider()).environments[0]!.path, 'development');
  const revision = source.commit('master', { 'gitops.yaml': `environments:\n  development:\n    branch: master\n    path: moved\n` });
  assert.equal((await provider()).environments[0]!.path, 'development', 'cached');
  assert.equal((await provider({ branch: 'master', revision })).environments[0]!.path, 'moved');
  assert.equal((await provider()).environments[0]!.path, 'moved', 'the hinted branch\'s tip is read again');
});

test('without GITOPS_CONFIG or GITOPS_ENVIRONMENTS the provider refuses, unless on a laptop', () => {
  const source = memorySource({ master: {} });
  assert.throws(() => createConfigProvider(source), (e: unknown) => e instanceof ConfigError && /no safe configuration source: set GITOPS_CONFIG .* or GITOPS_ENVIRONMENTS/.test(e.message));
  assert.doesNotThrow(() => createConfigProvider(source, { defaultBranchFallback: true }));
});

test('hints for the revision already cached cost nothing: one read per new commit, not one per sync job', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` }, release: { 'gitops.yaml': `environments:\n${def('production', 'release')}` } });
  const provider = createConfigProvider(source, { environmentBranches: pinned, ttlMs: 3_600_000, now: () => 0 });
  await provider();
  const revision = source.commit('master', { 'gitops.yaml': `environments:\n${def('development', 'master')}` });
  await provider({ branch: 'master', revision }); // the push
  await provider(); // the first job's plain read: the tip again
  const reads = source.calls.readFiles;
  for (let i = 0; i < 5; i++) { await provider(); await provider({ branch: 'master', revision }); } // five more jobs
  assert.equal(source.calls.readFiles, reads);
});

test('on a laptop too, a hint for a revision already read costs nothing: the jobs of a push share the webhook\'s read', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` } });
  const provider = createConfigProvider(source, { defaultBranchFallback: true, ttlMs: 3_600_000, now: () => 0 });
  await provider();
  const revision = source.commit('master', { 'gitops.yaml': `environments:\n${def('development', 'master')}\n${def('staging', 'master')}` });
  assert.deepEqual((await provider({ branch: 'master', revision })).environments.map((e) => e.name), ['development', 'staging']); // the push
  const reads = source.calls.readFiles;
  for (let i = 0; i < 5; i++) await provider({ branch: 'master', revision }); // five jobs of that push
  assert.equal(source.calls.readFiles, reads);
  const next = source.commit('master', { 'gitops.yaml': `environments:\n${def('development', 'master')}` });
  assert.deepEqual((await provider({ branch: 'master', revision: next })).environments.map((e) => e.name), ['development'], 'a new commit is read');
  assert.equal(source.calls.readFiles, reads + 1);
});

const totalCalls = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

test('a push from the cached tip replaces it: the jobs after the webhook read nothing, not even the tip', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` }, release: { 'gitops.yaml': `environments:\n${def('production', 'release')}` } });
  const provider = createConfigProvider(source, { environmentBranches: pinned, ttlMs: 3_600_000, now: () => 0 });
  await provider();
  const before = await source.resolveBranch('master');
  const revision = source.commit('master', { 'gitops.yaml': `environments:\n  development:\n    branch: master\n    path: moved\n` });
  assert.equal((await provider({ branch: 'master', revision, before })).environments[0]!.path, 'moved'); // the push
  const calls = totalCalls(source.calls);
  assert.equal((await provider()).environments[0]!.path, 'moved', 'the tip is the pushed revision');
  await provider({ branch: 'master', revision });
  assert.equal(totalCalls(source.calls), calls, 'nothing read again');
});

test('a late push (its before is not the cached tip) does not replace the tip: the tip is read again', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` }, release: { 'gitops.yaml': `environments:\n${def('production', 'release')}` } });
  const provider = createConfigProvider(source, { environmentBranches: pinned, ttlMs: 3_600_000, now: () => 0 });
  const first = await source.resolveBranch('master');
  const older = source.commit('master', { 'gitops.yaml': `environments:\n  development:\n    branch: master\n    path: older\n` });
  source.commit('master', { 'gitops.yaml': `environments:\n  development:\n    branch: master\n    path: newest\n` });
  assert.equal((await provider()).environments[0]!.path, 'newest');
  // The delivery of the push first → older arrives after the tip moved on.
  assert.equal((await provider({ branch: 'master', revision: older, before: first })).environments[0]!.path, 'older');
  assert.equal((await provider()).environments[0]!.path, 'newest', 'the older push never became the tip');
});

test('on a laptop, a push from the cached tip replaces it too', async () => {
  const source = memorySource({ master: { 'gitops.yaml': `environments:\n${def('development', 'master')}` } });
  const provider = createConfigProvider(source, { defaultBranchFallback: true, ttlMs: 3_600_000, now: () => 0 });
  await provider();
  const before = await source.resolveBranch('master');
  const revision = source.commit('master', { 'gitops.yaml': `environments:\n${def('development', 'master')}\n${def('staging', 'master')}` });
  await provider({ branch: 'master', revision, before });
  const calls = totalCalls(source.calls);
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['development', 'staging']);
  assert.equal(totalCalls(source.calls), calls, 'nothing read again');
  const late = await provider({ branch: 'master', revision: before, before: 'f'.repeat(40) });
  assert.deepEqual(late.environments.map((e) => e.name), ['development'], 'a hint reads its own revision');
  assert.deepEqual((await provider()).environments.map((e) => e.name), ['development', 'staging'], 'a late hint does not replace the tip');
});
