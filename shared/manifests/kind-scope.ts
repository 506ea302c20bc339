/**
 * Whether a kind is namespaced or cluster-scoped (Flux v1 `namespacer.go`: discovery, then CRDs in the same
 * manifest set). Ours: a caller-supplied `scopeOf` (from cluster discovery) first, then a built-in table of
 * cluster-scoped kinds, then CRDs in the manifest set; anything unknown is namespaced.
 */
import { isMapping } from './is-mapping.ts';

/** A kind's scope, spelled as in a CRD's `spec.scope`. */
export type Scope = 'Namespaced' | 'Cluster';

/** Looks up a kind's scope; undefined when unknown. */
export type ScopeOf = (apiVersion: string, kind: string) => Scope | undefined;

/** The API group of an apiVersion: '' for the core group (`v1`). */
export function groupOfApiVersion(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  return i === -1 ? '' : apiVersion.slice(0, i);
}

const CLUSTER_KINDS_BY_GROUP: Readonly<Record<string, readonly string[]>> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  ],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'policy': ['PodSecurityPolicy'],
  'extensions': ['PodSecurityPolicy'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
  'authentication.k8s.io': ['TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'metrics.k8s.io': ['NodeMetrics'],
};

const scopeKey = (group: string, kind: string): string => `${group}/${kind}`;

/** Built-in cluster-scoped kinds, keyed `<api group>/<Kind>` (`/Namespace` for the core group). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(
  Object.entries(CLUSTER_KINDS_BY_GROUP).flatMap(([group, kinds]) => kinds.map((k) => scopeKey(group, k))),
);

/** 'Cluster' for a built-in cluster-scoped kind, otherwise undefined (kinds match exactly, as in the API). */
export function builtInScope(apiVersion: string, kind: string): Scope | undefined {
  return CLUSTER_SCOPED_KINDS.has(scopeKey(groupOfApiVersion(apiVersion), kind)) ? 'Cluster' : undefined;
}

/** An object as the scope lookup needs it. */
export interface ScopeSource {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}


/** Scopes declared by the CustomResourceDefinitions among `objects` (`spec.group`, `spec.names.kind`, `spec.scope`). */
export function crdScopes(objects: Iterable<ScopeSource>): Map<string, Scope> {
  const scopes = new Map<string, Scope>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || groupOfApiVersion(o.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = o.object.spec;
    if (!isMapping(spec) || !isMapping(spec.names)) continue;
    const { group } = spec;
    const { kind } = spec.names;
    const { scope } = spec;
    if (typeof group === 'string' && typeof kind === 'string' && (scope === 'Cluster' || scope === 'Namespaced')) {
      scopes.set(scopeKey(group, kind), scope);
    }
  }
  return scopes;
}

/**
 * Builds the scope lookup for one manifest set: `scopeOf` (discovery) first, then the built-in table, then
 * the set's CRDs; unknown kinds are namespaced.
 */
export function makeScopeResolver(objects: Iterable<ScopeSource>, scopeOf?: ScopeOf): (apiVersion: string, kind: string) => Scope {
  const crds = crdScopes(objects);
  return (apiVersion, kind) =>
    scopeOf?.(apiVersion, kind) ?? builtInScope(apiVersion, kind) ?? crds.get(scopeKey(groupOfApiVersion(apiVersion), kind))
      ?? 'Namespaced';
}
