import { test } from 'node:test';
import { assertSameAsKubectl } from './support/oracle.ts';

const objects = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, labels: {keep: "1"}}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers: [{name: c, image: i}]
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: d}}
            topologyKey: k
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  jobTemplate:
    spec:
      template:
        spec: {containers: [{name: c, image: i}]}
---
apiVersion: x.io/v1
kind: Foo
metadata: {name: f, annotations: null}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, labels: null}
`;

test('commonLabels go to metadata, selectors and templates per kustomize field specs', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'commonLabels: {team: a, "app.kubernetes.io/part-of": x}\nresources: [o.yaml]\n', 'o.yaml': objects });
});

test('labels: plain pairs go to metadata only; includeTemplates and includeSelectors widen; fields add specs', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [o.yaml]
labels:
- pairs: {plain: "1"}
- pairs: {tmpl: "2"}
  includeTemplates: true
- pairs: {sel: "3"}
  includeSelectors: true
- pairs: {custom: "4"}
  fields:
  - {path: spec/extra/labels, kind: Foo, create: true}
`,
    'o.yaml': objects,
  });
});

test('a label in both commonLabels and labels: kustomize applies labels first, then commonLabels', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'resources: [o.yaml]\ncommonLabels: {a: b}\nlabels: [{pairs: {a: c}}]\n', 'o.yaml': objects });
});

test('commonAnnotations go to metadata and pod templates', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'commonAnnotations: {note: "yes", nn: "0755"}\nresources: [o.yaml]\n', 'o.yaml': objects });
});

test('a non-string commonLabels value is refused, as kustomize refuses it', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'commonLabels: {a: yes}\nresources: [o.yaml]\n', 'o.yaml': objects }, '', { refused: true });
});

test('a kustomization map key YAML 1.1 reads as a boolean is refused, as kustomize refuses it', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'commonAnnotations: {n: "1"}\nresources: [o.yaml]\n', 'o.yaml': objects }, '', { refused: true });
});
