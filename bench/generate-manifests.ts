/**
 * Realistic manifests for benchmarks, generated (the radix-flux corpus is not available to every user):
 * the mix of a Flux v1 config repository — mostly HelmReleases with image automation, then Deployments
 * (some with their Service in the same file), ConfigMaps, RBAC, Namespaces, a CRD now and then, `*List`
 * files — about 1.5 KB a file as in radix-flux, plus files Flux's rules skip (a Helm chart folder, a
 * kustomization.yaml). Seeded: the same arguments give the same files.
 */
import { seededRandom, type SeededRandom } from '../test/support/seeded-random.ts';

export interface GenerateOptions {
  /** Environment directory (default development-configs). */
  envPath?: string;
  /** Tag of every automated image (default master-1). */
  tag?: string;
  seed?: number;
  /** Registry of the images (default radixdev.azurecr.io). */
  registry?: string;
}

/** The image repository of manifest `i` (its workload's only automated container). */
export const appName = (i: number): string => `app-${String(i).padStart(4, '0')}`;

/** The path of manifest `i`. */
export function manifestPath(i: number, envPath = 'development-configs'): string {
  return `${envPath}/team-${i % 20}/${appName(i)}.yaml`;
}

/** `count` manifest files (path → text), plus a few non-manifest files; manifest `i` is at {@link manifestPath}. */
export function realisticManifests(count: number, options: GenerateOptions = {}): Record<string, string> {
  const env = options.envPath ?? 'development-configs';
  const tag = options.tag ?? 'master-1';
  const registry = options.registry ?? 'radixdev.azurecr.io';
  const rnd = seededRandom(options.seed ?? 42);
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const r = rnd.next();
    const kind = r < 0.5 ? helmRelease : r < 0.65 ? deployment : r < 0.75 ? deploymentAndService : r < 0.85 ? configMap : r < 0.91 ? rbac : r < 0.94 ? namespace : r < 0.98 ? configMapList : crd;
    files[manifestPath(i, env)] = kind({ name: appName(i), ns: `team-${i % 20}`, image: `${registry}/${appName(i)}:${tag}`, rnd });
  }
  files[`${env}/charts/local-chart/Chart.yaml`] = 'apiVersion: v1\nname: local-chart\nversion: 0.1.0\n';
  files[`${env}/charts/local-chart/values.yaml`] = 'replicaCount: 1\n';
  files[`${env}/charts/local-chart/templates/deployment.yaml`] = 'kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n';
  files[`${env}/kustomization.yaml`] = 'resources: []\n';
  files['README.md'] = '# config\n';
  return files;
}

interface Spec { name: string; ns: string; image: string; rnd: SeededRandom }

const labels = (name: string, indent: string) => `${indent}app.kubernetes.io/name: ${name}\n${indent}app.kubernetes.io/part-of: radix\n${indent}team: platform`;

function helmRelease({ name, ns, image, rnd }: Spec): string {
  const [repo, tag] = image.split(/:(?=[^:]+$)/) as [string, string];
  return `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/chart-image: glob:master-*
spec:
  releaseName: "${name}"
  chart:
    git: "git@github.com:equinor/${name}"
    ref: "master"
    path: "charts/${name}"
  values:
    image:
      repository: ${repo}
      tag: "${tag}"
      pullPolicy: Always
    replicaCount: ${1 + rnd.int(3)}
    resources:
      limits: { cpu: ${100 + rnd.int(900)}m, memory: ${64 + rnd.int(960)}Mi }
      requests: { cpu: 50m, memory: 64Mi }
    ingress:
      enabled: ${rnd.chance(0.5)}
      hosts: [ "${name}.dev.radix.equinor.com" ]
    env:
      - name: LOG_LEVEL
        value: "info"
      - name: RADIX_ZONE
        value: dev
    serviceAccount:
      create: true
      name: ${name}
  valuesFrom:
  - secretKeyRef:
      name: "${name}-secret"
      key: values.yaml
# ${'notes '.repeat(80 + rnd.int(120))}
`;
}

function deploymentDoc({ name, ns, image, rnd }: Spec): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
${labels(name, '    ')}
  annotations:
    fluxcd.io/automated: "true"
    fluxcd.io/tag.${name}: glob:master-*
spec:
  replicas: ${1 + rnd.int(3)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
${labels(name, '        ')}
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: ${image}
          ports:
            - containerPort: 8080
          env:
            - { name: PORT, value: "8080" }
            - { name: MODE, value: production }
          resources:
            requests: { cpu: 10m, memory: 32Mi }
            limits: { cpu: 500m, memory: 256Mi }
          readinessProbe:
            httpGet: { path: /healthz, port: 8080 }
            periodSeconds: 10
`;
}

function deployment(s: Spec): string {
  return `${deploymentDoc(s)}# ${'notes '.repeat(60 + s.rnd.int(100))}\n`;
}

function deploymentAndService(s: Spec): string {
  return `${deploymentDoc(s)}---
apiVersion: v1
kind: Service
metadata:
  name: ${s.name}
  namespace: ${s.ns}
spec:
  selector:
    app.kubernetes.io/name: ${s.name}
  ports:
    - port: 80
      targetPort: 8080
`;
}

function configMap({ name, ns, rnd }: Spec): string {
  const lines = Array.from({ length: 10 + rnd.int(30) }, (_, k) => `    key_${k}=${'v'.repeat(8 + rnd.int(24))}`);
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  enabled: "yes"
  mode: 0755
  settings.properties: |
${lines.join('\n')}
`;
}

function configMapList({ name, ns }: Spec): string {
  const item = (k: number) => `  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: ${name}-${k}
      namespace: ${ns}
    data:
      index: "${k}"
      owner: platform`;
  return `apiVersion: v1\nkind: ConfigMapList\nitems:\n${[0, 1, 2, 3].map(item).join('\n')}\n`;
}

function rbac({ name, ns }: Spec): string {
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${name}-reader
rules:
  - apiGroups: [""]
    resources: ["pods", "services", "configmaps"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${name}-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${name}-reader
subjects:
  - kind: ServiceAccount
    name: ${name}
    namespace: ${ns}
`;
}

function namespace({ name }: Spec): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n${labels(name, '    ')}\n`;
}

function crd({ name }: Spec): string {
  const singular = name.replace(/-/g, '');
  return crdManifest({ group: 'radix.equinor.com', plural: `${singular}s`, singular, kind: singular.replace(/^./, (c) => c.toUpperCase()) });
}

/** A CustomResourceDefinition (v1, namespaced, one served version) whose spec keeps unknown fields. */
export function crdManifest(n: { group: string; plural: string; singular: string; kind: string; listKind?: string; shortNames?: string[] }): string {
  const extra = `${n.listKind ? `, listKind: ${n.listKind}` : ''}${n.shortNames ? `, shortNames: [${n.shortNames.join(', ')}]` : ''}`;
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${n.plural}.${n.group}
spec:
  group: ${n.group}
  scope: Namespaced
  names: { plural: ${n.plural}, singular: ${n.singular}, kind: ${n.kind}${extra} }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;
}
