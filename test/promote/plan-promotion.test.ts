import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, findEnvironment } from '../../shared/config/index.ts';
import { planPromotion, type PromotionInput } from '../../shared/promote/plan-promotion.ts';
import { rewriteText } from '../../shared/promote/rewrite-text.ts';
import { devProdConfig } from './dev-prod-config.ts';

const config = parseConfig(devProdConfig({ filters: true }), 'gitops.yaml');
const from = findEnvironment(config, 'dev')!;
const to = findEnvironment(config, 'prod')!;

const deployment = (name: string, image: string, annotations = `    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: glob:master-*\n`) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations:
${annotations}spec:
  template:
    spec:
      containers:
      - name: app
        image: ${image} # the app
`;

function input(source: Record<string, string>, target: Record<string, string>, more: Partial<PromotionInput> = {}): PromotionInput {
  return {
    from, to, promotion: to.promotion!,
    sourceFiles: new Map(Object.entries(source)), targetFiles: new Map(Object.entries(target)),
    removedInSource: new Set(), remove: false, knownRegistries: new Set(['dev.azurecr.io', 'prod.azurecr.io']),
    ...more,
  };
}

test('a promoted file is the source file with registry and filter rewritten in place and the target tag kept, byte for byte otherwise', () => {
  const plan = planPromotion(input(
    { 'app.yaml': deployment('app', 'dev.azurecr.io/app:master-2') },
    { 'app.yaml': deployment('app', 'prod.azurecr.io/app:release-1', `    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: glob:release-*\n`).replace('# the app', '') },
  ));
  assert.deepEqual(plan.refused, []);
  assert.equal(plan.files.get('prod/app.yaml'), deployment('app', 'prod.azurecr.io/app:release-1', `    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: glob:release-*\n`));
  assert.deepEqual(plan.changes, [{ file: 'prod/app.yaml', action: 'update', rewrites: [
    { line: 7, kind: 'filter', from: 'glob:master-*', to: 'glob:release-*' },
    { line: 13, kind: 'registry', from: 'dev.azurecr.io/app:master-2', to: 'prod.azurecr.io/app:master-2' },
  ] }]);
  assert.deepEqual(plan.images.map((i) => [i.decision, i.source, i.written]), [['kept-target-tag', 'prod.azurecr.io/app:master-2', 'prod.azurecr.io/app:release-1']]);
});

test('a tag the target filter accepts is promoted as it is', () => {
  const plan = planPromotion(input({ 'app.yaml': deployment('app', 'dev.azurecr.io/app:release-3', `    fluxcd.io/automated: "true"\n    fluxcd.io/tag.app: glob:release-*\n`) }, {}));
  assert.deepEqual(plan.refused, []);
  assert.deepEqual(plan.changes.map((c) => [c.file, c.action]), [['prod/app.yaml', 'add']]);
  assert.match(plan.files.get('prod/app.yaml')!, /image: prod\.azurecr\.io\/app:release-3 # the app/);
  assert.equal(plan.images[0]!.decision, 'promoted');
});

test('a master tag with no target tag to keep is refused with the file, line and reason', () => {
  const plan = planPromotion(input({ 'new.yaml': deployment('new', 'dev.azurecr.io/new:master-1') }, {}));
  assert.equal(plan.refused.length, 1);
  assert.equal(plan.refused[0]!.file, 'dev/new.yaml');
  assert.equal(plan.refused[0]!.line, 1);
  assert.match(plan.refused[0]!.message, /prod's filter glob:release-\* rejects prod\.azurecr\.io\/new:master-1 and prod has no current tag for it to keep/);
});

test('an image from a registry the target does not list is refused', () => {
  const plan = planPromotion(input({ 'x.yaml': deployment('x', 'other.azurecr.io/x:1', '    a: b\n').replace('other.azurecr.io', 'dev2.azurecr.io') }, {}, { knownRegistries: new Set(['dev2.azurecr.io', 'prod.azurecr.io']) }));
  assert.match(plan.refused[0]?.message ?? '', /dev2\.azurecr\.io\/x:1 is from dev2\.azurecr\.io, a registry prod does not list/);
});

test('files only in the target stay; files removed in the source are listed, and removed only when asked', () => {
  const files = { 'kept.yaml': 'a: 1\n', 'gone.yaml': 'b: 1\n' };
  const listed = planPromotion(input({}, files, { removedInSource: new Set(['gone.yaml']) }));
  assert.deepEqual(listed.changes, []);
  assert.deepEqual(listed.removedInSource, ['prod/gone.yaml']);
  const removed = planPromotion(input({}, files, { removedInSource: new Set(['gone.yaml']), remove: true }));
  assert.deepEqual(removed.changes, [{ file: 'prod/gone.yaml', action: 'remove', rewrites: [] }]);
  assert.deepEqual([...removed.files], [['prod/gone.yaml', null]]);
});

test('patch files are not copied, and --path and promotion.paths narrow what is promoted', () => {
  const source = { 'flux-patch.yaml': 'p: 1\n', 'a/x.yaml': 'x: 1\n', 'b/y.yaml': 'y: 1\n' };
  const plan = planPromotion(input(source, {}, { sourcePatchFile: 'flux-patch.yaml', select: ['a/**'] }));
  assert.deepEqual([...plan.files.keys()], ['prod/a/x.yaml']);
  const narrowed = planPromotion(input(source, {}, { sourcePatchFile: 'flux-patch.yaml', promotion: { ...to.promotion!, paths: ['b/*'] } }));
  assert.deepEqual([...narrowed.files.keys()], ['prod/b/y.yaml']);
  const excluded = planPromotion(input(source, {}, { sourcePatchFile: 'flux-patch.yaml', promotion: { ...to.promotion!, paths: ['**', '!a/x.yaml'] } }));
  assert.deepEqual([...excluded.files.keys()], ['prod/b/y.yaml']);
});

test('rewriting keeps each scalar in its own quote style and leaves keys and comments alone', () => {
  const r = rewriteText(`# dev.azurecr.io/app stays in comments\nimages:\n  - "dev.azurecr.io/a:1"\n  - 'DEV.azurecr.io/b'\ndev.azurecr.io/key: dev.azurecr.io\n`, { registries: { 'dev.azurecr.io': 'prod.azurecr.io' }, filters: {} });
  assert.ok(r.ok);
  assert.equal(r.text, `# dev.azurecr.io/app stays in comments\nimages:\n  - "prod.azurecr.io/a:1"\n  - 'prod.azurecr.io/b'\ndev.azurecr.io/key: prod.azurecr.io\n`);
});
