import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listImages } from '../../shared/images/index.ts';
import { resourcesOf } from './resources.ts';

const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/locked: "true"
    fluxcd.io/tag.app: "regexp:("
spec:
  template:
    spec:
      containers:
      - {name: app, image: "reg.io/app:1"}
      - {name: bad, image: "a:b:c"}
---
apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: rel
  annotations:
    flux.weave.works/ignore: "sync_only"
    filter.fluxcd.io/chart-image: glob:master-*
spec:
  values:
    image: {repository: reg.io/chart, tag: master-1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
`;

test('the images listing shows every container with its image, policies and filter', () => {
  const rows = listImages(resourcesOf('env/a.yaml', text));
  assert.deepEqual(rows[0], {
    workload: 'apps:deployment/web', file: 'env/a.yaml', kind: 'Deployment', container: 'app', image: 'reg.io/app:1',
    automated: true, locked: true, ignore: undefined, filter: 'regexp:(',
    filterError: rows[0]!.filterError,
  });
  assert.match(rows[0]!.filterError!, /invalid tag filter/);
  assert.deepEqual(rows[2], {
    workload: 'default:helmrelease/rel', file: 'env/a.yaml', kind: 'HelmRelease', container: 'chart-image',
    image: 'reg.io/chart:master-1', automated: false, locked: false, ignore: 'sync_only', filter: 'glob:master-*',
  });
  assert.equal(rows.length, 3);
});

test('a container whose image cannot be read is listed with the problem', () => {
  const rows = listImages(resourcesOf('env/a.yaml', text));
  assert.equal(rows[1]!.container, 'bad');
  assert.equal(rows[1]!.image, undefined);
  assert.equal(rows[1]!.filter, 'glob:*');
  assert.match(rows[1]!.problem!, /invalid image reference "a:b:c"/);
});
