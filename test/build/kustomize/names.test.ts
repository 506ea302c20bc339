import { test } from 'node:test';
import { assertSameAsKubectl } from './support/oracle.ts';

const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: orig}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: ServiceAccount, name: default}
- {kind: ServiceAccount, name: sa, namespace: other}
- {kind: ServiceAccount, name: sa2}
- {kind: ServiceAccount, name: mysa, namespace: orig}
- {kind: User, name: u}
- {kind: Group, name: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
subjects:
- {kind: ServiceAccount, name: mysa, namespace: orig}
- {kind: ServiceAccount, name: x}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: mysa, namespace: orig}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: orig}
`;

const workloads = `apiVersion: v1
kind: Namespace
metadata: {name: whatever}
---
apiVersion: x.io/v1
kind: Foo
metadata: {name: f}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: foos.x.io}
spec:
  group: x.io
  conversion: {strategy: Webhook, webhook: {clientConfig: {service: {name: svc, namespace: a}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
---
apiVersion: v1
kind: Service
metadata: {name: svc}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      serviceAccountName: mysa
      imagePullSecrets: [{name: sec}]
      volumes:
      - {name: a, configMap: {name: cm}}
      - {name: b, secret: {secretName: sec}}
      - {name: c, persistentVolumeClaim: {claimName: pvc}}
      - {name: d, projected: {sources: [{configMap: {name: cm}}, {secret: {name: sec}}]}}
      containers:
      - name: x
        image: x
        envFrom: [{configMapRef: {name: cm}}, {secretRef: {name: sec}}]
        env:
        - {name: A, valueFrom: {configMapKeyRef: {name: cm, key: k}}}
        - {name: B, valueFrom: {secretKeyRef: {name: sec, key: k}}}
        - {name: C, valueFrom: {configMapKeyRef: {name: not-ours, key: k}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: st}
spec:
  serviceName: svc
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing}
spec:
  tls: [{secretName: sec}]
  rules: [{http: {paths: [{backend: {service: {name: svc}}}]}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}}
`;

test('namespace: namespaced kinds moved, cluster-scoped untouched, Namespace renamed, RBAC subjects named default set', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'namespace: ns\nresources: [rbac.yaml, w.yaml]\n', 'rbac.yaml': rbac, 'w.yaml': workloads });
});

test('namePrefix and nameSuffix rename all but CRDs and Namespaces, and name references follow', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'namePrefix: p-\nnameSuffix: -s\nresources: [rbac.yaml, w.yaml]\n', 'rbac.yaml': rbac, 'w.yaml': workloads });
});

test('namespace and prefix together across nested kustomizations update references, including RBAC subjects', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'namespace: top\nnamePrefix: top-\nresources: [base]\n',
    'base/kustomization.yaml': 'namespace: ns\nnamePrefix: p-\nresources: [rbac.yaml, w.yaml]\n',
    'base/rbac.yaml': rbac,
    'base/w.yaml': workloads,
  });
});
