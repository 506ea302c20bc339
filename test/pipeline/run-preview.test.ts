/**
 * The preview worker: one build per distinct cluster variable set, dry runs only where allowed and only of the
 * changed objects, a rejected dry run fails the environment, and a job whose head the pull request has left
 * reports nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, type Environment } from '../../shared/config/index.ts';
import type { Resource } from '../../shared/manifests/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { renderBuilder, type PreviewBuilder } from '../../shared/pipeline/preview-build.ts';
import type { PreviewJob } from '../../shared/pipeline/preview-job.ts';
import { runPreview, type PreviewReporter, type PreviewTarget, type RunPreviewDeps } from '../../shared/pipeline/run-preview.ts';
import type { DryRunOutcome, EnvironmentPreview } from '../../shared/preview/index.ts';
import { memorySource } from '../support/memory-source.ts';

const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: web\ndata:\n  v: "${value}"\n`;

function fixture(dryRun = 'all') {
  const config = parseConfig(`environments:\n  dev: { branch: main, path: dev, previews: { dryRun: ${dryRun} } }\n`, 'gitops.yaml');
  const source = memorySource({ main: { 'dev/a.yaml': cm('a', '1'), 'dev/b.yaml': cm('b', '1') } });
  const base = source.head('main');
  const head = source.commit('feature', { 'dev/a.yaml': cm('a', '2'), 'dev/b.yaml': cm('b', '1') });
  const reports: { target: PreviewTarget; preview: EnvironmentPreview }[] = [];
  let current: string | undefined = head;
  const reporter: PreviewReporter = {
    currentHead: async () => current,
    started: async () => {},
    report: async (target, preview) => void reports.push({ target, preview }),
    abandoned: async (target, reason) => void abandoned.push(`${target.environment}: ${reason}`),
  };
  const abandoned: string[] = [];
  const builds: string[] = [];
  const inner = renderBuilder();
  const builder: PreviewBuilder = { build: (s, env, rev, vars) => (builds.push(`${rev === head ? 'head' : 'base'} ${JSON.stringify([...vars])}`), inner.build(s, env, rev, vars)) };
  const dryRuns: { cluster: string; ids: string[] }[] = [];
  const job: PreviewJob = { v: 1, repository: 'acme/config', number: 5, baseRef: 'main', baseSha: base, headSha: head, sameRepository: true, environments: ['dev'] };
  type C = { name: string; region: string };
  const clusters: C[] = [{ name: 'c3', region: 'x' }, { name: 'c1', region: 'x' }, { name: 'c2', region: 'y' }];
  const deps: RunPreviewDeps<C> & { source: typeof source } = {
    config: async () => config,
    source,
    builder,
    reporter,
    clusters: async () => clusters,
    variables: async (_: Environment, c: C) => new Map([['region', c.region]]),
    dryRun: async (_: Environment, c: C, resources: readonly Resource[]): Promise<DryRunOutcome[]> => {
      dryRuns.push({ cluster: c.name, ids: resources.map((r) => r.id) });
      return resources.map((r) => ({ cluster: c.name, id: r.id, ok: c.name !== 'c2', ...(c.name === 'c2' ? { message: 'admission webhook "policy" denied the request', file: r.file, line: r.line } : {}) }));
    },
    log: memoryLogger(),
  };
  return { job, deps, reports, builds, dryRuns, abandoned, setHead: (h: string | undefined) => { current = h; } };
}

test('clusters sharing variables are built once; each group reports its clusters, and only changed objects are dry-run', async () => {
  const f = fixture();
  const result = await runPreview(f.job, f.deps);
  assert.equal(result.outcome, 'reported');
  assert.deepEqual(f.builds.sort(), ['base [["region","x"]]', 'base [["region","y"]]', 'head [["region","x"]]', 'head [["region","y"]]']);
  const { preview } = f.reports[0]!;
  assert.deepEqual(preview.groups.map((g) => [g.clusters, g.variables, g.diff.changed.map((c) => c.id)]), [[['c1', 'c3'], ['region'], ['web:configmap/a']], [['c2'], ['region'], ['web:configmap/a']]]);
  assert.deepEqual(f.dryRuns, [{ cluster: 'c1', ids: ['web:configmap/a'] }, { cluster: 'c3', ids: ['web:configmap/a'] }, { cluster: 'c2', ids: ['web:configmap/a'] }]);
  assert.equal(preview.conclusion, 'failure', 'a dry run the API server rejects fails the preview');
  assert.deepEqual(preview.dryRun.filter((d) => !d.ok).map((d) => [d.cluster, d.file, d.message]), [['c2', 'dev/a.yaml', 'admission webhook "policy" denied the request']]);
});

test('previews.dryRun: N dry-runs on N clusters; a fork gets none', async () => {
  const two = fixture('2');
  await runPreview(two.job, two.deps);
  assert.deepEqual(two.dryRuns.map((d) => d.cluster), ['c1', 'c3']);
  const fork = fixture('all');
  await runPreview({ ...fork.job, sameRepository: false }, fork.deps);
  assert.deepEqual(fork.dryRuns, []);
  assert.equal(fork.reports[0]!.preview.conclusion, 'success');
  assert.match(fork.reports[0]!.preview.notes.join('\n'), /No dry run: the pull request comes from a fork/);
});

test('a job whose head the pull request has left, or for a closed pull request, reports nothing', async () => {
  const moved = fixture();
  moved.setHead('f'.repeat(40));
  assert.deepEqual(await runPreview(moved.job, moved.deps), { outcome: 'superseded', description: `pull request #5 moved on to fffffff` });
  assert.deepEqual([moved.reports.length, moved.builds.length], [0, 0]);
  const closed = fixture();
  closed.setHead(undefined);
  assert.equal((await runPreview(closed.job, closed.deps)).outcome, 'closed');
  assert.equal(closed.reports.length, 0);
});

test('a generated environment that cannot be reproduced is a build error, never its raw files shown as what it deploys', async () => {
  const f = fixture('none');
  const head = f.deps.source.commit('generated', { 'dev/a.yaml': cm('a', '2'), 'dev/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators:\n    - command: ./generate.sh\n' });
  f.setHead(head);
  await runPreview({ ...f.job, headSha: head }, f.deps);
  const { preview } = f.reports[0]!;
  assert.equal(preview.conclusion, 'failure');
  assert.deepEqual(preview.errors.map((e) => [e.file, e.line]), [['dev/.flux.yaml', 4]]);
  assert.match(preview.errors[0]!.message, /generator `\.\/generate\.sh` is not run/);
  assert.deepEqual(preview.groups.map((g) => g.diff.added.length + g.diff.changed.length), [0, 0], 'no object of the raw files is listed as changed or added');
});

test('a generated environment is previewed as built, once per variable set, with each group\'s variables substituted', async () => {
  const config = parseConfig('environments:\n  dev: { branch: main, path: dev, variables: { configMap: { namespace: default, name: platform } } }\n', 'gitops.yaml');
  const f = fixture('none');
  const files = (v: string) => ({
    'dev/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators:\n    - command: kustomize build .\n',
    'dev/kustomization.yaml': 'resources: [a.yaml]\n',
    'dev/a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: web\ndata:\n  host: "\${region}.example"\n  v: "${v}"\n`,
  });
  const base = f.deps.source.commit('gmain', files('1'));
  const head = f.deps.source.commit('gfeature', files('2'));
  f.setHead(head);
  f.deps.config = async () => config;
  await runPreview({ ...f.job, baseSha: base, headSha: head }, f.deps);
  const { preview } = f.reports[0]!;
  assert.deepEqual(preview.errors, []);
  assert.deepEqual(preview.groups.map((g) => [g.clusters, g.diff.changed.map((c) => c.id)]), [[['c1', 'c3'], ['web:configmap/a']], [['c2'], ['web:configmap/a']]]);
  const hosts = preview.groups.map((g) => (g.diff.changed[0]!.after as { data: { host: string } }).data.host);
  assert.deepEqual(hosts, ['x.example', 'y.example']);
});

test('a push during a preview closes the started preview as superseded instead of reporting it', async () => {
  const f = fixture('none');
  const builder = f.deps.builder;
  f.deps.builder = { build: async (...a) => { f.setHead('e'.repeat(40)); return builder.build(...a); } };
  assert.equal((await runPreview(f.job, f.deps)).outcome, 'superseded');
  assert.deepEqual([f.reports.length, f.abandoned], [0, ['dev: pull request #5 moved on to eeeeeee']]);
});

test('a cluster whose variables cannot be read is not previewed, and the preview fails naming it', async () => {
  const f = fixture('none');
  f.deps.variables = async (_env, c) => (c.name === 'c2' ? { error: 'variables: ConfigMap default/platform does not exist in cluster c2' } : new Map([['region', c.region]]));
  await runPreview(f.job, f.deps);
  const { preview } = f.reports[0]!;
  assert.equal(preview.conclusion, 'failure');
  assert.deepEqual(preview.groups.map((g) => g.clusters), [['c1', 'c3']]);
  assert.deepEqual(preview.errors, [{ file: '', message: 'cluster c2: variables: ConfigMap default/platform does not exist in cluster c2' }]);
});
