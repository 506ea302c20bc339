import { test } from 'node:test';
import { assertSameAsKubectl } from './support/oracle.ts';

const objects = `apiVersion: v1
kind: ConfigMap
metadata: {name: plain, namespace: a, labels: {app: x}}
data: {k: v}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: a, labels: {app: x}}
spec:
  template:
    spec:
      containers: [{name: c, image: i, envFrom: [{configMapRef: {name: plain}}, {configMapRef: {name: gen}}]}]
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: le}
---
apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata: {name: hr, namespace: b}
spec:
  values: {image: {repository: nginx, tag: "1"}, containers: [{name: x, image: nginx}]}
`;

test('patches select by namespace, and a target patch without a name patches every match', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [o.yaml]
patches:
- target: {namespace: a}
  patch: |-
    apiVersion: v1
    kind: Any
    metadata: {name: whatever, annotations: {patched: "true"}}
- target: {kind: HelmRelease, namespace: "b|c"}
  patch: |-
    apiVersion: helm.fluxcd.io/v1
    kind: HelmRelease
    metadata: {name: hr}
    spec: {values: {image: {tag: "2"}}}
`,
    'o.yaml': objects,
  });
});

test('a generator merging into a plain resource and a namespaced generator, with references renamed', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [o.yaml]
namespace: a
configMapGenerator:
- {name: plain, namespace: a, behavior: merge, literals: [extra=1]}
- {name: gen, namespace: a, literals: [x=1]}
images:
- {name: nginx, newTag: "9"}
`,
    'o.yaml': objects,
  });
});

test('unknown cluster-scoped kinds are treated as namespaced, as kustomize does', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'resources: [o.yaml]\nnamespace: z\nnamePrefix: p-\n', 'o.yaml': objects });
});

test('a top-level patch finds a base resource by its current or its original id, after the base renamed and moved it', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [base]\npatchesStrategicMerge: [p1.yaml, p2.yaml]\n',
    'base/kustomization.yaml': 'namespace: ns\nnamePrefix: b-\nresources: [o.yaml]\n',
    'base/o.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n',
    'p1.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {by: original}\n',
    'p2.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b-two, namespace: ns}\ndata: {by: current}\n',
  });
});
