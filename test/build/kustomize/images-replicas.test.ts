import { test } from 'node:test';
import { assertSameAsKubectl } from './support/oracle.ts';

const objects = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 1
  template:
    spec:
      initContainers: [{name: i, image: busybox}]
      containers:
      - {name: a, image: nginx}
      - {name: b, image: "nginx:1.0"}
      - {name: c, image: "nginx@sha256:abc"}
      - {name: d, image: "registry.local:5000/team/app:1.2@sha256:def"}
      - {name: e, image: "nginxx:1"}
      - {name: f, image: "docker.io/library/nginx:2"}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: st}
spec:
  template:
    spec:
      containers: [{name: a, image: "registry.local:5000/team/app"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: a, image: busybox}]
---
apiVersion: x.io/v1
kind: Foo
metadata: {name: f}
spec:
  deep:
    containers: [{name: a, image: nginx}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: foos.x.io}
spec:
  containers: [{name: a, image: nginx}]
`;

test('images: newName, newTag and digest on containers and initContainers anywhere in an object, CRDs excepted', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [o.yaml]
images:
- {name: nginx, newTag: "1.25"}
- {name: busybox, newName: registry.local/busybox, digest: "sha256:123"}
- {name: registry.local:5000/team/app, newName: other/app, newTag: v2}
- {name: docker.io/library/nginx, newTag: "3", digest: "sha256:999"}
`,
    'o.yaml': objects,
  });
});

test('replicas: sets spec.replicas of the named workloads, by current or original name', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'namePrefix: p-\nresources: [o.yaml]\nreplicas: [{name: d, count: 3}, {name: p-st, count: 0}]\n',
    'o.yaml': objects,
  });
});

test('replicas naming no workload is refused, as kustomize refuses it', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'resources: [o.yaml]\nreplicas: [{name: nope, count: 3}]\n', 'o.yaml': objects }, '', { refused: true });
});
