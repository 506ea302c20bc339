import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../shared/config/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { onImagePushed, type OnImagePushedDeps } from '../../shared/pipeline/on-image-pushed.ts';
import type { ImagePushed } from '../../shared/pipeline/registry-event.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import type { CommitRequest, CommitResult, SourceReader, SourceWriter } from '../../shared/sources/port.ts';
import { makeRepo } from '../support/git-repo.ts';

const helmRelease = (name: string, repo: string, tag: string, filter = 'glob:master-*') => `---
apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: ${name}
  namespace: default
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: ${filter}
spec:
  values:
    image:
      repository: ${repo}
      tag: "${tag}" # kept by automation
`;

let n = 0;
const pushed = (image: string): ImagePushed => {
  const [registry, ...rest] = image.split('/');
  const [repository, tag] = rest.join('/').split(':');
  return { id: `ev-${++n}`, registry: registry!, repository: repository!, tag: tag!, digest: `sha256:${'a'.repeat(64)}`, pushedAt: new Date() };
};

function setup(files: Record<string, string>, extra: Partial<OnImagePushedDeps> = {}) {
  const repo = makeRepo(files, ['master', 'release']);
  const source = new LocalGitSource(repo.dir, { author: { name: 'serverless-gitops', email: 'gitops@example.com' } });
  const log = memoryLogger();
  const deps: OnImagePushedDeps = { config: async () => DEFAULT_CONFIG, source, log, sleep: async () => {}, ...extra };
  return { repo, source, deps, log };
}

test('an image push becomes one commit on the environment\'s branch with Flux\'s message and a one-value diff', async () => {
  const { repo, deps } = setup({
    'development-configs/op.yaml': helmRelease('radix-operator', 'radixdev.azurecr.io/radix-operator', 'master-1'),
    'playground-configs/op.yaml': helmRelease('radix-operator', 'radixdev.azurecr.io/radix-operator', 'release-1', 'glob:release-*'),
  });
  const r = await onImagePushed(pushed('radixdev.azurecr.io/radix-operator:master-2'), deps);
  assert.equal(r.kind, 'released');
  if (r.kind !== 'released') return;
  const master = r.branches.find((b) => b.branch === 'master')!;
  const release = r.branches.find((b) => b.branch === 'release')!;
  assert.equal(master.status, 'committed');
  assert.equal(master.revision, repo.git('rev-parse', 'master'));
  assert.equal(repo.git('log', '-1', '--format=%s|%an', 'master'), 'Auto-release radixdev.azurecr.io/radix-operator:master-2|serverless-gitops');
  assert.equal(repo.git('diff', '--numstat', 'master~1', 'master'), '1\t1\tdevelopment-configs/op.yaml');
  assert.match(repo.show('master', 'development-configs/op.yaml'), /tag: "master-2" # kept by automation/);
  assert.equal(release.status, 'unchanged', 'playground filters release-*');
  assert.equal(repo.git('rev-list', '--count', 'release'), '1');
});

test('re-running the same event changes nothing', async () => {
  const { repo, deps } = setup({ 'development-configs/op.yaml': helmRelease('op', 'radixdev.azurecr.io/op', 'master-1') });
  await onImagePushed(pushed('radixdev.azurecr.io/op:master-2'), deps);
  const head = repo.git('rev-parse', 'master');
  const again = await onImagePushed(pushed('radixdev.azurecr.io/op:master-2'), deps);
  assert.ok(again.kind === 'released' && again.branches.every((b) => b.status === 'unchanged'));
  assert.equal(repo.git('rev-parse', 'master'), head);
});

// Eight concurrent events here; twenty images on four instances race in test/reliability/image-events.heavy.ts.
const IMAGES = 8;

test(`${IMAGES} events for ${IMAGES} images at once produce ${IMAGES} updates in git and lose none`, async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < IMAGES; i++) files[`development-configs/app-${i}.yaml`] = helmRelease(`app-${i}`, `radixdev.azurecr.io/app-${i}`, 'master-1');
  const { repo, deps } = setup(files, { maxAttempts: 40 });
  const results = await Promise.all(Array.from({ length: IMAGES }, (_, i) => onImagePushed(pushed(`radixdev.azurecr.io/app-${i}:master-2`), deps)));
  assert.equal(results.filter((r) => r.kind === 'released' && r.branches.find((b) => b.branch === 'master')!.status === 'committed').length, IMAGES);
  assert.equal(repo.git('rev-list', '--count', 'master'), String(IMAGES + 1), 'one commit per image on the initial one');
  assert.equal(repo.git('rev-list', '--merges', '--count', 'master'), '0', 'linear history');
  for (let i = 0; i < IMAGES; i++) assert.match(repo.show('master', `development-configs/app-${i}.yaml`), /tag: "master-2"/, `app-${i} updated`);
  const messages = repo.git('log', '--format=%s', `master~${IMAGES}..master`).split('\n').sort();
  assert.deepEqual(messages, Array.from({ length: IMAGES }, (_, i) => `Auto-release radixdev.azurecr.io/app-${i}:master-2`).sort());
});

test('five deliveries of the same image at once make exactly one commit', async () => {
  const { repo, deps } = setup({ 'development-configs/op.yaml': helmRelease('op', 'radixdev.azurecr.io/op', 'master-1') });
  const results = await Promise.all(Array.from({ length: 5 }, () => onImagePushed(pushed('radixdev.azurecr.io/op:master-9'), deps)));
  const statuses = results.map((r) => (r.kind === 'released' ? r.branches.find((b) => b.branch === 'master')!.status : 'ignored')).sort();
  assert.deepEqual(statuses, ['committed', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
  assert.equal(repo.git('rev-list', '--count', 'master'), '2');
});

test('when the branch moves between read and write, HEAD is re-read and the change recomputed on the new tree', async () => {
  const { repo, source, deps } = setup({ 'development-configs/op.yaml': helmRelease('op', 'radixdev.azurecr.io/op', 'master-1'), 'development-configs/other.yaml': 'kind: ConfigMap\n' });
  let raced = false;
  const racing = withCommit(source, {
    async commit(req: CommitRequest) {
      if (!raced) {
        raced = true; // a developer pushes in between
        const head = await source.resolveBranch('master');
        await source.commit({ branch: 'master', expectedHead: head, message: 'dev change', files: new Map([['development-configs/other.yaml', 'kind: ConfigMap\nmetadata: {name: x}\n']]) });
      }
      return source.commit(req);
    },
  });
  const r = await onImagePushed(pushed('radixdev.azurecr.io/op:master-3'), { ...deps, source: racing });
  assert.ok(r.kind === 'released');
  const master = r.branches.find((b) => b.branch === 'master')!;
  assert.deepEqual([master.status, master.attempts], ['committed', 2]);
  assert.equal(repo.git('log', '--format=%s', 'master').split('\n').join('|'), 'Auto-release radixdev.azurecr.io/op:master-3|dev change|initial');
  assert.match(repo.show('master', 'development-configs/other.yaml'), /name: x/, 'the other writer\'s change is kept');
});

test('a branch that never stops moving fails the event after bounded attempts, so it is retried', async () => {
  const { source, deps } = setup({ 'development-configs/op.yaml': helmRelease('op', 'radixdev.azurecr.io/op', 'master-1') });
  const stuck = withCommit(source, { commit: async () => ({ status: 'moved' as const, head: await source.resolveBranch('master') }) });
  await assert.rejects(onImagePushed(pushed('radixdev.azurecr.io/op:master-3'), { ...deps, source: stuck, maxAttempts: 3 }), /failed to commit to master in .*: the branch moved on each of 3 attempts \(the event will be retried\)/);
});

test('a registry no environment lists is ignored with a log line', async () => {
  const { deps, log } = setup({ 'development-configs/op.yaml': helmRelease('op', 'radixdev.azurecr.io/op', 'master-1') });
  assert.deepEqual(await onImagePushed(pushed('elsewhere.azurecr.io/op:master-2'), deps), { kind: 'ignored', reason: 'no environment lists registry elsewhere.azurecr.io' });
  assert.equal(log.entries[0]!.event, 'image.ignored');
});

test('an image built before the one running is refused under a glob filter when the registry knows both build times', async () => {
  const { repo, deps } = setup({ 'development-configs/op.yaml': helmRelease('op', 'radixdev.azurecr.io/op', 'master-new') });
  const times = new Map([
    ['radixdev.azurecr.io/op:master-new', new Date('2026-11-20T00:00:00Z')],
    ['radixdev.azurecr.io/op:master-old', new Date('2026-11-01T00:00:00Z')],
  ]);
  const r = await onImagePushed(pushed('radixdev.azurecr.io/op:master-old'), { ...deps, buildTimes: async () => times });
  assert.ok(r.kind === 'released');
  const master = r.branches.find((b) => b.branch === 'master')!;
  assert.equal(master.status, 'unchanged');
  assert.match(master.skipped[0]!.message, /master-old was not built after the current radixdev\.azurecr\.io\/op:master-new/);
  assert.equal(repo.git('rev-list', '--count', 'master'), '1');
});

/** The source with its commit replaced (to stage races). */
function withCommit(source: LocalGitSource, over: { commit(req: CommitRequest): Promise<CommitResult> }): SourceReader & SourceWriter {
  return {
    description: source.description,
    defaultBranch: () => source.defaultBranch(),
    resolveBranch: (b) => source.resolveBranch(b),
    listFiles: (r) => source.listFiles(r),
    readFiles: (r, p) => source.readFiles(r, p),
    commit: (req) => over.commit(req),
  };
}
