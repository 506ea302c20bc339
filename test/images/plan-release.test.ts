import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef, planRelease, type ImageRef, type ReleaseInput } from '../../shared/images/index.ts';
import { resourcesOf } from './resources.ts';

const FILE = 'env/app.yaml';

function workload(annotations: Record<string, string>, image: string, name = 'web'): string {
  const ann = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}\n`).join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:
${ann || '    none: ""\n'}spec:
  template:
    spec:
      containers:
      - name: app
        image: ${image}
`;
}

function release(text: string, pushed: string | string[], extra: Partial<ReleaseInput> = {}) {
  const files = new Map([[FILE, text]]);
  const images = (Array.isArray(pushed) ? pushed : [pushed]).map(parseImageRef);
  return planRelease({ environments: [{ name: 'dev', resources: resourcesOf(FILE, text) }], files, images, ...extra });
}

const reasons = (plan: ReturnType<typeof release>): string[] => plan.skipped.map((s) => s.reason);
const AUTO = { 'fluxcd.io/automated': 'true' };

test('an automated workload takes a pushed tag its filter accepts', () => {
  const text = workload({ ...AUTO, 'fluxcd.io/tag.app': 'glob:master-*' }, 'reg.io/app:master-1');
  const plan = release(text, 'reg.io/app:master-2');
  assert.deepEqual(plan.changes, [{ env: 'dev', file: FILE, workload: 'default:deployment/web', container: 'app', from: 'reg.io/app:master-1', to: 'reg.io/app:master-2' }]);
  assert.equal(plan.files.get(FILE), text.replace('master-1', 'master-2'));
  assert.equal(plan.message, 'Auto-release reg.io/app:master-2');
  assert.deepEqual(plan.errors, []);
});

test('a workload that is not automated, locked or ignored is skipped with that reason', () => {
  assert.deepEqual(reasons(release(workload({}, 'reg.io/app:1'), 'reg.io/app:2')), ['not-automated']);
  assert.deepEqual(reasons(release(workload({ ...AUTO, 'fluxcd.io/automated': 'false' }, 'reg.io/app:1'), 'reg.io/app:2')), ['not-automated']);
  assert.deepEqual(reasons(release(workload({ ...AUTO, 'fluxcd.io/locked': 'true' }, 'reg.io/app:1'), 'reg.io/app:2')), ['locked']);
  assert.deepEqual(reasons(release(workload({ ...AUTO, 'flux.weave.works/ignore': 'true' }, 'reg.io/app:1'), 'reg.io/app:2')), ['ignored']);
  const plan = release(workload({}, 'reg.io/app:1'), 'reg.io/app:2');
  assert.equal(plan.message, undefined);
  assert.equal(plan.files.size, 0);
});

test('ignore sync_only does not stop automation, and the legacy prefix and filter alias work', () => {
  const text = workload({ 'flux.weave.works/automated': 'true', 'fluxcd.io/ignore': 'sync_only', 'filter.fluxcd.io/app': 'glob:v*' }, 'reg.io/app:v1');
  assert.equal(release(text, 'reg.io/app:v2').changes.length, 1);
  assert.deepEqual(reasons(release(text, 'reg.io/app:x2')), ['filter-rejects']);
});

test('containers of other repositories are not considered at all', () => {
  const plan = release(workload(AUTO, 'reg.io/app:1'), 'reg.io/other:2');
  assert.deepEqual(plan.skipped, []);
  assert.deepEqual(plan.changes, []);
});

test('the repository is compared canonically and the manifest spelling is kept on write', () => {
  const text = workload(AUTO, 'nginx:1.25');
  const plan = release(text, 'index.docker.io/library/nginx:1.26');
  assert.equal(plan.changes[0]!.to, 'nginx:1.26');
  assert.equal(plan.files.get(FILE), text.replace('nginx:1.25', 'nginx:1.26'));
  assert.equal(plan.message, 'Auto-release nginx:1.26');
});

test('latest is excluded unless the filter is exactly glob:latest', () => {
  assert.deepEqual(reasons(release(workload(AUTO, 'reg.io/app:1'), 'reg.io/app:latest')), ['latest-excluded']);
  const text = workload({ ...AUTO, 'fluxcd.io/tag.app': 'glob:latest' }, 'reg.io/app:1');
  assert.equal(release(text, 'reg.io/app:latest').changes[0]!.to, 'reg.io/app:latest');
});

test('the same tag is up to date and nothing is written', () => {
  const plan = release(workload(AUTO, 'reg.io/app:1'), 'reg.io/app:1');
  assert.deepEqual(reasons(plan), ['up-to-date']);
  assert.equal(plan.message, undefined);
});

test('semver never takes a lower or equal version, and takes a higher one', () => {
  const text = workload({ ...AUTO, 'fluxcd.io/tag.app': 'semver:>=1.0.0' }, 'reg.io/app:v1.4.0');
  assert.deepEqual(reasons(release(text, 'reg.io/app:1.3.9')), ['not-newer']);
  assert.deepEqual(reasons(release(text, 'reg.io/app:1.4')), ['not-newer']);
  assert.equal(release(text, 'reg.io/app:1.5.0').changes[0]!.to, 'reg.io/app:1.5.0');
  assert.deepEqual(reasons(release(text, 'reg.io/app:2.0.0-rc.1')), ['filter-rejects']);
});

test('semver takes a version over a current tag that is not one', () => {
  const text = workload({ ...AUTO, 'fluxcd.io/tag.app': 'semver:*' }, 'reg.io/app:latest');
  assert.equal(release(text, 'reg.io/app:0.1.0').changes.length, 1);
});

test('under glob, an image built before the current one is not taken; unknown times do not block', () => {
  const text = workload(AUTO, 'reg.io/app:b');
  const times: Record<string, string> = { 'reg.io/app:a': '2024-01-01T00:00:00Z', 'reg.io/app:b': '2024-02-01T00:00:00Z', 'reg.io/app:c': '2024-03-01T00:00:00Z' };
  const buildTime = (r: ImageRef): Date | undefined => {
    const t = times[`${r.domain}/${r.image}:${r.tag}`];
    return t === undefined ? undefined : new Date(t);
  };
  assert.deepEqual(reasons(release(text, 'reg.io/app:a', { buildTime })), ['older-than-current']);
  assert.equal(release(text, 'reg.io/app:c', { buildTime }).changes.length, 1);
  assert.equal(release(text, 'reg.io/app:d', { buildTime }).changes.length, 1);
  assert.equal(release(text, 'reg.io/app:a').changes.length, 1, 'no build times known');
});

test('an invalid filter is an error on that workload, not match-all', () => {
  const text = workload({ ...AUTO, 'fluxcd.io/tag.app': 'regexp:(' }, 'reg.io/app:1');
  const plan = release(text, 'reg.io/app:2');
  assert.deepEqual(reasons(plan), ['invalid-filter']);
  assert.equal(plan.errors.length, 1);
  assert.deepEqual({ ...plan.errors[0], message: undefined }, { env: 'dev', file: FILE, workload: 'default:deployment/web', container: 'app', message: undefined });
  assert.match(plan.errors[0]!.message, /invalid tag filter "regexp:\("/);
  assert.equal(plan.message, undefined);
});

test('a numeric HelmRelease tag of the pushed repository is an error and a skip', () => {
  const text = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: rel
  annotations: {fluxcd.io/automated: "true"}
spec:
  values:
    image:
      repository: reg.io/app
      tag: 1.10
`;
  const plan = release(text, 'reg.io/app:1.11');
  assert.deepEqual(reasons(plan), ['invalid-image']);
  assert.equal(plan.errors.length, 1);
  assert.match(plan.errors[0]!.message, /tag must be a string/);
  assert.deepEqual(release(text, 'reg.io/other:1').errors, [], 'other repositories are not bothered');
});

test('a HelmRelease repository without a tag is written as repository: repo:tag', () => {
  const text = `apiVersion: flux.weave.works/v1beta1
kind: HelmRelease
metadata:
  name: kured
  annotations:
    flux.weave.works/automated: true
spec:
  values:
    image:
      # comment kept
      repository: "docker.io/weaveworks/kured"
    extraArgs: {period: 5m0s}
`;
  const plan = release(text, 'weaveworks/kured:master-f6e4062');
  assert.equal(plan.files.get(FILE), text.replace('"docker.io/weaveworks/kured"', '"docker.io/weaveworks/kured:master-f6e4062"'));
  assert.equal(plan.message, 'Auto-release docker.io/weaveworks/kured:master-f6e4062');
});

test('a HelmRelease registry and repository without a tag get repository: path:tag', () => {
  const text = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata: {name: r, annotations: {fluxcd.io/automated: "true"}}
spec:
  values:
    image: {registry: reg.io, repository: org/app:1}
`;
  const plan = release(text, 'reg.io/org/app:2');
  assert.equal(plan.files.get(FILE), text.replace('org/app:1', 'org/app:2'));
});

test('a HelmRelease split reference rewrites only the tag field', () => {
  const text = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata: {name: r, annotations: {fluxcd.io/automated: "true", repository.fluxcd.io/api: api.repo, tag.fluxcd.io/api: api.version}}
spec:
  values:
    api: {repo: reg.io/api, version: '1'}
`;
  const plan = release(text, 'reg.io/api:2');
  assert.equal(plan.files.get(FILE), text.replace("version: '1'", "version: '2'"));
});

test('the same file in two environments gets one edit and one message line', () => {
  const text = workload(AUTO, 'reg.io/app:1');
  const resources = resourcesOf(FILE, text);
  const plan = planRelease({
    environments: [{ name: 'a', resources }, { name: 'b', resources }],
    files: new Map([[FILE, text]]),
    images: [parseImageRef('reg.io/app:2')],
  });
  assert.deepEqual(plan.changes.map((c) => c.env), ['a', 'b']);
  assert.equal(plan.files.get(FILE), text.replace('app:1', 'app:2'));
  assert.equal(plan.message, 'Auto-release reg.io/app:2');
});

test('two pushed images landing in one file make one combined edit and a multiple-images message', () => {
  const text = `${workload(AUTO, 'reg.io/app:1', 'web')}---\n${workload(AUTO, 'reg.io/api:1', 'api')}`;
  const plan = release(text, ['reg.io/api:2', 'reg.io/app:2']);
  assert.equal(plan.files.get(FILE), text.replace('app:1', 'app:2').replace('api:1', 'api:2'));
  assert.equal(plan.message, 'Auto-release multiple (2) images\n\n - reg.io/api:2\n - reg.io/app:2\n');
});

test('several pushed tags of one repository: the best accepted one wins', () => {
  const semver = workload({ ...AUTO, 'fluxcd.io/tag.app': 'semver:^1' }, 'reg.io/app:1.0.0');
  assert.equal(release(semver, ['reg.io/app:1.2.0', 'reg.io/app:1.10.0', 'reg.io/app:2.0.0']).changes[0]!.to, 'reg.io/app:1.10.0');
});

test('re-running the same release on the edited files changes nothing', () => {
  const text = `${workload(AUTO, 'reg.io/app:1', 'web')}---\n${workload(AUTO, 'reg.io/api:1', 'api')}`;
  const first = release(text, ['reg.io/api:2', 'reg.io/app:2']);
  const again = release(first.files.get(FILE)!, ['reg.io/api:2', 'reg.io/app:2']);
  assert.equal(again.message, undefined);
  assert.equal(again.files.size, 0);
  assert.deepEqual(reasons(again), ['up-to-date', 'up-to-date']);
});

test('a file whose text is not supplied is an error for its changes, others still go ahead', () => {
  const text = workload(AUTO, 'reg.io/app:1');
  const plan = planRelease({
    environments: [{ name: 'dev', resources: [...resourcesOf(FILE, text), ...resourcesOf('env/missing.yaml', workload(AUTO, 'reg.io/app:1', 'api'))] }],
    files: new Map([[FILE, text]]),
    images: [parseImageRef('reg.io/app:2')],
  });
  assert.equal(plan.changes.length, 1);
  assert.deepEqual(plan.errors.map((e) => e.file), ['env/missing.yaml']);
  assert.equal(plan.message, 'Auto-release reg.io/app:2');
});

test('a file edited since it was loaded is reported, not overwritten', () => {
  const loaded = workload(AUTO, 'reg.io/app:1');
  const plan = planRelease({
    environments: [{ name: 'dev', resources: resourcesOf(FILE, loaded) }],
    files: new Map([[FILE, loaded.replace('app:1', 'app:7')]]),
    images: [parseImageRef('reg.io/app:2')],
  });
  assert.deepEqual(plan.changes, []);
  assert.equal(plan.files.size, 0);
  assert.match(plan.errors[0]!.message, /is "reg\.io\/app:7" in the file, expected "reg\.io\/app:1"/);
});

test('a release keeps CRLF line endings, comments and quotes of a HelmRelease byte for byte', () => {
  const lines = [
    '# header comment',
    '---',
    'apiVersion: helm.fluxcd.io/v1',
    'kind: HelmRelease',
    'metadata:',
    '  name: op',
    '  annotations:',
    '    fluxcd.io/automated: "true"',
    '    filter.fluxcd.io/chart-image: glob:release-*',
    'spec:',
    '  values:',
    '    image:',
    '      repository: radixdev.azurecr.io/op # the repository',
    "      tag: 'release-1'   # the tag",
    '',
  ];
  const text = lines.join('\r\n');
  const plan = release(text, 'radixdev.azurecr.io/op:release-2');
  assert.equal(plan.files.get(FILE), text.replace("'release-1'", "'release-2'"));
  assert.equal(plan.message, 'Auto-release radixdev.azurecr.io/op:release-2');
});

test('one pushed image used in several files edits each file, with one message', () => {
  const a = workload(AUTO, 'reg.io/app:1', 'web');
  const b = workload(AUTO, '"reg.io/app:1"', 'api');
  const plan = planRelease({
    environments: [{ name: 'dev', resources: [...resourcesOf('env/a.yaml', a), ...resourcesOf('env/b.yaml', b)] }],
    files: new Map([['env/a.yaml', a], ['env/b.yaml', b]]),
    images: [parseImageRef('reg.io/app:2')],
  });
  assert.equal(plan.files.get('env/a.yaml'), a.replace('app:1', 'app:2'));
  assert.equal(plan.files.get('env/b.yaml'), b.replace('app:1', 'app:2'));
  assert.equal(plan.message, 'Auto-release reg.io/app:2');
});
