/**
 * The pure half of previews: scope, comparison (conclusion, inherited errors, images), markdown (escaping,
 * GitHub's size limit) and annotations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../shared/config/index.ts';
import {
  compareBuilds, GITHUB_TEXT_MAX, imageChanges, parsePullRequestEvent, previewAnnotations, renderPreviewMarkdown, scopePreview, screenPullRequest,
  type EnvironmentBuild,
} from '../../shared/preview/index.ts';
import { resourcesOf } from '../images/resources.ts';

const config = parseConfig('environments:\n  dev: { branch: main, path: dev }\n  qa: { branch: main, path: qa }\n  prod: { branch: release, path: prod }\n', 'gitops.yaml');
const meta = { environment: 'dev', branch: 'main', path: 'dev', baseRevision: 'a'.repeat(40), headRevision: 'b'.repeat(40) };
const deploy = (image: string, replicas = 1, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/web: glob:master-*${extra}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: web
          image: ${image}
`;
const build = (text: string, errors: EnvironmentBuild['errors'] = []): EnvironmentBuild => ({ resources: resourcesOf('dev/web.yaml', text), errors, warnings: [] });

test('a pull request is screened on its state, action and base branch, then scoped to the environments it touches', () => {
  const event = (over: Record<string, unknown> = {}) => parsePullRequestEvent({
    action: 'opened', number: 7, repository: { full_name: 'acme/config' },
    pull_request: { state: 'open', merged: false, draft: false, head: { sha: 'b'.repeat(40), ref: 'f', repo: { full_name: 'acme/config' } }, base: { sha: 'a'.repeat(40), ref: 'main', repo: { full_name: 'acme/config' } }, ...over },
  });
  assert.deepEqual(screenPullRequest(event(), config, 'acme/config'), { kind: 'candidates', environments: ['dev', 'qa'] });
  assert.deepEqual(screenPullRequest(event({ state: 'closed', merged: true }), config, 'acme/config'), { kind: 'ignored', reason: 'pull request #7 is merged' });
  assert.match((screenPullRequest({ ...event(), action: 'labeled' }, config, 'acme/config') as { reason: string }).reason, /action labeled does not change what it would deploy/);
  assert.equal(screenPullRequest({ ...event(), action: 'edited' }, config, 'acme/config').kind, 'ignored', 'a new title changes nothing');
  const rebased = parsePullRequestEvent({ ...JSON.parse(JSON.stringify({ action: 'edited', number: 7, repository: { full_name: 'acme/config' }, changes: { base: { ref: { from: 'release' } } } })), pull_request: { state: 'open', head: { sha: 'b'.repeat(40), ref: 'f', repo: { full_name: 'acme/config' } }, base: { sha: 'a'.repeat(40), ref: 'main', repo: { full_name: 'acme/config' } } } });
  assert.equal(screenPullRequest(rebased, config, 'acme/config').kind, 'candidates', 'a pull request moved to another base branch is previewed again');
  assert.deepEqual(screenPullRequest(event({ base: { sha: 'a'.repeat(40), ref: 'other', repo: { full_name: 'acme/config' } } }), config, 'acme/config'), { kind: 'ignored', reason: 'pull request #7 targets other, which no environment deploys' });
  assert.deepEqual(scopePreview(config, ['dev', 'qa'], ['dev/web.yaml', 'README.md']), { environments: ['dev'], reasons: { dev: '1 file changed under dev' }, untouched: ['qa'] });
  assert.deepEqual(scopePreview(config, ['dev', 'qa'], ['gitops.yaml']).environments, ['dev', 'qa'], 'a change to the definitions touches every environment on the branch');
  assert.deepEqual(scopePreview(config, ['dev', 'qa'], ['docs/x.md']).environments, []);
  assert.deepEqual(scopePreview(config, ['dev', 'qa'], ['.flux.yaml']).environments, ['dev', 'qa'], 'a .flux.yaml above an environment may change its mode');
});

test('the conclusion fails on an error the head brings; an error already on the base is a warning', () => {
  const broken = { file: 'dev/bad.yaml', line: 3, message: 'does not parse as YAML' };
  const inherited = compareBuilds(meta, [{ clusters: ['c1'], variables: [], base: build(deploy('r/web:master-1'), [{ ...broken, line: 2 }]), head: build(deploy('r/web:master-1', 2), [broken]) }]);
  assert.equal(inherited.conclusion, 'success');
  assert.deepEqual(inherited.warnings.map((w) => w.message), ['does not parse as YAML (already on the base branch)']);
  const fresh = compareBuilds(meta, [{ clusters: ['c1'], variables: [], base: build(deploy('r/web:master-1')), head: build(deploy('r/web:master-1'), [broken]) }]);
  assert.equal(fresh.conclusion, 'failure');
  assert.deepEqual(previewAnnotations(fresh), [{ path: 'dev/bad.yaml', start_line: 3, end_line: 3, annotation_level: 'failure', title: 'build error', message: 'does not parse as YAML' }]);
  const rejected = compareBuilds(meta, [], { dryRun: [{ cluster: 'c1', id: 'web:deployment/web', ok: false, message: 'admission denied', file: 'dev/web.yaml', line: 1 }] });
  assert.equal(rejected.conclusion, 'failure');
});

test('image changes say from and to, and whether the filter accepts the new tag', () => {
  const base = resourcesOf('dev/web.yaml', deploy('r/web:master-1'));
  assert.deepEqual(imageChanges(base, resourcesOf('dev/web.yaml', deploy('r/web:master-2'))).map((i) => [i.from, i.to, i.accepted]), [['r/web:master-1', 'r/web:master-2', true]]);
  const refused = imageChanges(base, resourcesOf('dev/web.yaml', deploy('r/web:release-2')));
  assert.deepEqual(refused.map((i) => [i.accepted, i.reason]), [[false, 'tag release-2 does not match glob:master-*']]);
  assert.deepEqual(imageChanges(base, resourcesOf('dev/web.yaml', deploy('r/web:master-1', 3))), [], 'a replica change is no image change');
});

test('repository text cannot become markup, mentions or references in the summary', () => {
  const evil = `apiVersion: v1
kind: ConfigMap
metadata:
  name: x
  namespace: web
data:
  note: "</details><img src=x> @octocat #1 [link](https://evil.example) \`\`\`\`"
`;
  const p = compareBuilds(meta, [{ clusters: ['c1'], variables: [], base: { resources: [], errors: [], warnings: [] }, head: { resources: resourcesOf('dev/x.yaml', evil), errors: [{ file: 'dev/<b>@team.yaml', line: 1, message: '[click](https://evil.example) @admins' }], warnings: [] } }]);
  const md = renderPreviewMarkdown(p);
  const outsideCode = md.replace(/(`{3,})diff\n[\s\S]*?\n\1/g, '');
  assert.doesNotMatch(outsideCode, /@[a-z]/, 'no mention outside code blocks');
  assert.doesNotMatch(outsideCode, /<b>|<img|(?<!\\)\]\(https|(?<!\\)https:/, 'no HTML, link or autolink from the repository');
  assert.match(md, /`{5,}diff\n/, 'the fence is longer than any backtick run in the diff');
  assert.equal((outsideCode.match(/<\/details>/g) ?? []).length, (outsideCode.match(/<details>/g) ?? []).length, 'every details element closes where we close it');
});

test('a summary beyond GitHub\'s limit keeps the tables, drops diffs with a note, and fits', () => {
  const many = Array.from({ length: 400 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: web\ndata:\n  blob: "${'x'.repeat(400)}"\n`).join('---\n');
  const p = compareBuilds(meta, [{ clusters: ['c1'], variables: [], base: { resources: [], errors: [], warnings: [] }, head: { resources: resourcesOf('dev/many.yaml', many), errors: [], warnings: [] } }]);
  const md = renderPreviewMarkdown(p);
  assert.ok(md.length <= GITHUB_TEXT_MAX, `${md.length} characters`);
  assert.match(md, /\| 400 \| 0 \| 0 \| 0 \|/);
  assert.match(md, /_\d+ object diffs not shown: GitHub limits this text to 65,535 characters\. Run `gitops diff --env dev --base a{7} --head b{7}` for all of it\._/);
  assert.match(md, /\| … 300 more \| \| \|/, 'the object table is bounded too');
});
