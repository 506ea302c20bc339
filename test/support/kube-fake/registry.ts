/**
 * The resource types the fake serves: a fixed table of built-in kinds plus the kinds that
 * Established CustomResourceDefinitions add. Discovery, routing and validation all read it.
 */

/** One served resource (a plural name in one group-version). */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Whether the server keeps metadata.generation (bumped on changes outside metadata and status). */
  generation: boolean;
  /** Whether `status` is a subresource: writes to the main resource keep the stored status. */
  statusSubresource: boolean;
  /** Whether DELETE answers with the object (pods, services, custom resources) rather than a Status. */
  returnDeletedObject: boolean;
  /** Built-ins: the @kubernetes/client-node model class (field structure) and the kubernetes-models schema (validation). */
  model?: string;
  schema?: string;
  /** Custom resources: the CRD that defines them and the version's openAPIV3Schema, if any. */
  crd?: { name: string; openAPIV3Schema?: unknown };
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const GROUP_PREFIX: Record<string, string> = {
  '': 'Core', apps: 'Apps', batch: 'Batch', policy: 'Policy', autoscaling: 'Autoscaling',
  'networking.k8s.io': 'Networking', 'rbac.authorization.k8s.io': 'Rbac', 'coordination.k8s.io': 'Coordination',
  'storage.k8s.io': 'Storage', 'scheduling.k8s.io': 'Scheduling', 'admissionregistration.k8s.io': 'Admissionregistration',
};

// group/version, Kind, plural, namespaced, flags (g = generation, s = status subresource, o = returns deleted object), shortNames
const BUILT_INS: Array<[string, string, string, boolean, string, string[]?]> = [
  ['v1', 'Namespace', 'namespaces', false, 's', ['ns']],
  ['v1', 'ConfigMap', 'configmaps', true, '', ['cm']],
  ['v1', 'Secret', 'secrets', true, ''],
  ['v1', 'Service', 'services', true, 'so', ['svc']],
  ['v1', 'ServiceAccount', 'serviceaccounts', true, '', ['sa']],
  ['v1', 'Pod', 'pods', true, 'so', ['po']],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, 's', ['pvc']],
  ['v1', 'LimitRange', 'limitranges', true, '', ['limits']],
  ['v1', 'ResourceQuota', 'resourcequotas', true, 's', ['quota']],
  ['apps/v1', 'Deployment', 'deployments', true, 'gs', ['deploy']],
  ['apps/v1', 'StatefulSet', 'statefulsets', true, 'gs', ['sts']],
  ['apps/v1', 'DaemonSet', 'daemonsets', true, 'gs', ['ds']],
  ['apps/v1', 'ReplicaSet', 'replicasets', true, 'gs', ['rs']],
  ['batch/v1', 'Job', 'jobs', true, 'gs'],
  ['batch/v1', 'CronJob', 'cronjobs', true, 'gs', ['cj']],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true, 'gs', ['ing']],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, 'g', ['netpol']],
  ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false, 'g'],
  ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true, ''],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true, ''],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false, ''],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false, ''],
  ['coordination.k8s.io/v1', 'Lease', 'leases', true, ''],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, 'gs', ['pdb']],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, 's', ['hpa']],
  ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, '', ['sc']],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, 'g', ['pc']],
  ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, 'g'],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, 'g'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, 'gs', ['crd', 'crds']],
];

/** Splits `apps/v1` into group and version (`v1` is the core group ''). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function builtIn([gv, kind, plural, namespaced, flags, shortNames]: (typeof BUILT_INS)[number]): ResourceType {
  const { group, version } = splitApiVersion(gv);
  const cap = version[0]!.toUpperCase() + version.slice(1);
  const schema = group === 'apiextensions.k8s.io'
    ? `IoK8sApiextensionsApiserverPkgApisApiextensionsV1${kind}`
    : `IoK8sApi${GROUP_PREFIX[group]}${cap}${kind}`;
  const t: ResourceType = {
    group, version, kind, plural, singular: kind.toLowerCase(), namespaced, verbs: VERBS,
    generation: flags.includes('g'), statusSubresource: flags.includes('s'), returnDeletedObject: flags.includes('o'),
    model: `${cap}${kind}`, schema,
  };
  if (shortNames) t.shortNames = shortNames;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod', 'Service', 'Job', 'CronJob'].includes(kind)) t.categories = ['all'];
  return t;
}

/** The mutable table of served types. */
export class Registry {
  private readonly byGv = new Map<string, Map<string, ResourceType>>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, ResourceType[]>();

  constructor() {
    for (const row of BUILT_INS) this.add(builtIn(row));
  }

  private add(t: ResourceType): void {
    const gv = groupVersion(t.group, t.version);
    let m = this.byGv.get(gv);
    if (!m) this.byGv.set(gv, (m = new Map()));
    m.set(t.plural, t);
    this.byKind.set(`${gv}/${t.kind}`, t);
  }

  /** The type served at `/apis/<gv>/<plural>`, if any. */
  byResource(gv: string, plural: string): ResourceType | undefined {
    return this.byGv.get(gv)?.get(plural);
  }

  /** The type of `apiVersion` + `kind`, if served. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Every served group-version, core `v1` first, in registration order. */
  groupVersions(): string[] {
    return [...this.byGv.keys()].filter((gv) => (this.byGv.get(gv)?.size ?? 0) > 0);
  }

  /** The types of one group-version. */
  resources(gv: string): ResourceType[] {
    return [...(this.byGv.get(gv)?.values() ?? [])];
  }

  /** Serves (or re-serves, after a change) the kinds that an Established CRD defines. */
  setCrd(crdName: string, types: ResourceType[]): void {
    this.removeCrd(crdName);
    for (const t of types) this.add(t);
    this.crdTypes.set(crdName, types);
  }

  /** Stops serving a CRD's kinds; returns them. */
  removeCrd(crdName: string): ResourceType[] {
    const old = this.crdTypes.get(crdName) ?? [];
    for (const t of old) {
      const gv = groupVersion(t.group, t.version);
      this.byGv.get(gv)?.delete(t.plural);
      this.byKind.delete(`${gv}/${t.kind}`);
      if (this.byGv.get(gv)?.size === 0) this.byGv.delete(gv);
    }
    this.crdTypes.delete(crdName);
    return old;
  }
}

/** The resource types a CustomResourceDefinition object defines (one per served version). */
export function typesFromCrd(crd: Record<string, any>): ResourceType[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  const out: ResourceType[] = [];
  for (const v of spec.versions ?? []) {
    if (!v?.served) continue;
    const t: ResourceType = {
      group: spec.group, version: v.name, kind: names.kind, plural: names.plural,
      singular: names.singular ?? String(names.kind).toLowerCase(), namespaced: spec.scope === 'Namespaced', verbs: VERBS,
      generation: true, statusSubresource: Boolean(v.subresources?.status), returnDeletedObject: true,
      crd: { name: crd.metadata.name, openAPIV3Schema: v.schema?.openAPIV3Schema },
    };
    if (names.shortNames?.length) t.shortNames = names.shortNames;
    if (names.categories?.length) t.categories = names.categories;
    out.push(t);
  }
  return out;
}
