import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findContainers, formatImageRef, type WorkloadContainer } from '../../shared/images/index.ts';
import { resourceOf } from './resources.ts';

const summary = (cs: WorkloadContainer[]): string[] => cs.map((c) => `${c.container}=${formatImageRef(c.image)}`);

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.app: semver:~1
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: app
        image: docker.io/org/app:1.0.0
      - name: sidecar
        image: quay.io/org/sidecar:v2
`;

test('a Deployment lists containers first, then initContainers, with their filters', () => {
  const { containers, problems } = findContainers(resourceOf(deployment));
  assert.deepEqual(problems, []);
  assert.deepEqual(summary(containers), ['app=docker.io/org/app:1.0.0', 'sidecar=quay.io/org/sidecar:v2', 'init=busybox:1.36']);
  assert.equal(containers[0]!.filter, 'semver:~1');
  assert.equal(containers[1]!.filter, 'glob:*');
  assert.equal(containers[0]!.resourceId, 'default:deployment/web');
  assert.deepEqual(containers[0]!.location, {
    form: 'ref', field: { path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: 'docker.io/org/app:1.0.0' },
  });
});

test('StatefulSet, DaemonSet, ReplicaSet, Job and Pod containers are found', () => {
  for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) {
    const r = resourceOf(`kind: ${kind}\napiVersion: x/v1\nmetadata: {name: a}\nspec: {template: {spec: {containers: [{name: c, image: "i:1"}]}}}\n`);
    assert.deepEqual(summary(findContainers(r).containers), ['c=i:1'], kind);
  }
  const pod = resourceOf('kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: "i:1"}]}\n');
  assert.deepEqual(summary(findContainers(pod).containers), ['c=i:1']);
});

test('a CronJob of any batch version keeps its pod spec under spec.jobTemplate', () => {
  for (const apiVersion of ['batch/v1beta1', 'batch/v1', 'batch/v2alpha1']) {
    const r = resourceOf(`apiVersion: ${apiVersion}
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: job, image: "reg.io/job:5"}]
`);
    const { containers } = findContainers(r);
    assert.deepEqual(summary(containers), ['job=reg.io/job:5']);
    assert.deepEqual(containers[0]!.location.form === 'ref' && containers[0]!.location.field.path,
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image']);
  }
});

test('kinds without images have no containers', () => {
  const svc = resourceOf('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: []}\n');
  assert.deepEqual(findContainers(svc), { containers: [], problems: [] });
});

test('a bad or non-string container image is a problem on that container, not a crash', () => {
  const r = resourceOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: w}
spec:
  template:
    spec:
      containers:
      - {name: a, image: "foo:bar:baz"}
      - {name: b, image: 12}
      - {name: c}
      - {image: "x:1"}
      - {name: d, image: "ok:1"}
`);
  const { containers, problems } = findContainers(r);
  assert.deepEqual(summary(containers), ['d=ok:1']);
  assert.deepEqual(problems.map((p) => p.container), ['a', 'b', 'c', undefined]);
  assert.match(problems[0]!.message, /spec\.template\.spec\.containers\[0\]\.image: invalid image reference "foo:bar:baz"/);
  assert.match(problems[1]!.message, /is not a string \(12\)/);
});

const helm = (apiVersion: string, annotations: string, values: string): string => `apiVersion: ${apiVersion}
kind: HelmRelease
metadata:
  name: rel
  namespace: ns
  annotations:
${annotations || '    x: y'}
spec:
  values:
${values}`;

test('a HelmRelease chart-image reads values.image.repository with registry and tag', () => {
  const r = resourceOf(helm('flux.weave.works/v1beta1', '    flux.weave.works/tag.chart-image: glob:master-*', `    image:
      registry: radixdev.azurecr.io
      repository: radix-operator
      tag: "master-1"
`));
  const { containers, problems } = findContainers(r);
  assert.deepEqual(problems, []);
  assert.deepEqual(summary(containers), ['chart-image=radixdev.azurecr.io/radix-operator:master-1']);
  assert.equal(containers[0]!.filter, 'glob:master-*');
  assert.deepEqual(containers[0]!.location, {
    form: 'parts',
    repository: { path: ['spec', 'values', 'image', 'repository'], value: 'radix-operator' },
    registry: { path: ['spec', 'values', 'image', 'registry'], value: 'radixdev.azurecr.io' },
    tag: { path: ['spec', 'values', 'image', 'tag'], value: 'master-1' },
  });
});

test('a HelmRelease chart-image also reads values.image as a string with values.registry and values.tag', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '', '    image: org/app\n    registry: reg.io\n    tag: "2"\n'));
  assert.deepEqual(summary(findContainers(r).containers), ['chart-image=reg.io/org/app:2']);
});

test('named values one level deep are containers; deeper ones are not', () => {
  const r = resourceOf(helm('helm.toolkit.fluxcd.io/v2beta1', '', `    zeta:
      image: reg.io/zeta:1
    alpha:
      image:
        repository: reg.io/alpha
        tag: "2"
    deep:
      inner:
        image: reg.io/deep:3
    image:
      repository: reg.io/main
`));
  assert.deepEqual(summary(findContainers(r).containers), [
    'chart-image=reg.io/main', 'alpha=reg.io/alpha:2', 'zeta=reg.io/zeta:1',
  ]);
});

test('HelmReleases of other API groups are not read', () => {
  const r = resourceOf(helm('example.com/v1', '', '    image: reg.io/a:1\n'));
  assert.deepEqual(findContainers(r).containers, []);
});

test('path annotations map a container: repository only must be a full reference', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '    repository.fluxcd.io/app: app.img', '    app:\n      img: reg.io/app:1\n'));
  const { containers } = findContainers(r);
  assert.deepEqual(summary(containers), ['app=reg.io/app:1']);
  assert.deepEqual(containers[0]!.location, { form: 'parts', repository: { path: ['spec', 'values', 'app', 'img'], value: 'reg.io/app:1' } });
});

test('path annotations with registry, repository and tag combine as reg/repo:tag', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', `    repository.fluxcd.io/app: a.repo
    registry.fluxcd.io/app: a.reg
    tag.fluxcd.io/app: b.tag`, '    a: {repo: org/app, reg: reg.io}\n    b: {tag: "7"}\n'));
  assert.deepEqual(summary(findContainers(r).containers), ['app=reg.io/org/app:7']);
});

test('a path mapping overrides the named value of the same name', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '    repository.fluxcd.io/web: web.other', '    web:\n      image: reg.io/web:1\n      other: reg.io/other:2\n'));
  assert.deepEqual(summary(findContainers(r).containers), ['web=reg.io/other:2']);
});

test('a tag path without a repository path is ignored', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '    tag.fluxcd.io/web: web.tag', '    web:\n      tag: "1"\n'));
  assert.deepEqual(findContainers(r), { containers: [], problems: [] });
});

test('a path mapping that points nowhere is a problem', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '    repository.fluxcd.io/web: web.nope\n    tag.fluxcd.io/api: api.tag\n    repository.fluxcd.io/api: api.repo', '    web: {}\n    api: {repo: reg.io/api}\n'));
  const { problems } = findContainers(r);
  assert.deepEqual(problems.map((p) => p.container), ['api', 'web']);
  assert.match(problems[0]!.message, /tag\.fluxcd\.io\/api: spec\.values\.api\.tag does not exist/);
  assert.match(problems[1]!.message, /repository\.fluxcd\.io\/web: spec\.values\.web\.nope does not exist/);
});

test('a numeric HelmRelease tag is reported, not ignored', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '', '    image:\n      repository: reg.io/app\n      tag: 1.10\n'));
  const { containers, problems } = findContainers(r);
  assert.deepEqual(containers, []);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.container, 'chart-image');
  assert.match(problems[0]!.message, /spec\.values\.image\.tag must be a string, not a number \(1\.1\); quote it/);
  assert.equal(problems[0]!.repository && formatImageRef(problems[0]!.repository), 'reg.io/app');
});

test('a boolean or null registry or tag is reported too', () => {
  const r = resourceOf(helm('helm.fluxcd.io/v1', '', '    a:\n      image: x/y\n      tag: true\n    b:\n      image: x/z\n      registry: null\n'));
  assert.deepEqual(findContainers(r).problems.map((p) => p.container), ['a', 'b']);
});
