/**
 * Which Kubernetes resources an environment deploys, with Flux v1's rules (flux-v1-semantics §1, §2, §3.3).
 *
 * Two steps, so an adapter reads only what it must:
 * 1. {@link planManifestReads} from the repository's file list: YAML candidates, the governing `.flux.yaml`,
 *    and what is skipped by name;
 * 2. {@link loadManifests} from those files' contents: resources, skipped things, errors.
 * Then {@link sortForApply} / {@link sortForDelete} give Flux v1's apply order and its reverse.
 */
export { planManifestReads, isYamlPath, normaliseEnvPath, FLUX_CONFIG_FILENAME, KUSTOMIZATION_FILENAMES } from './plan-manifest-reads.ts';
export { loadManifests, settleResources } from './load-manifests.ts';
export type { LoadManifestsInput } from './load-manifests.ts';
export type { ManifestError, ManifestReadPlan, ManifestSet, Skipped } from './manifest-set.ts';
export { KIND_RANKS, OTHER_KIND_RANK, compareForApply, rankOfKind, sortForApply, sortForDelete } from './apply-order.ts';
export type { OrderKey } from './apply-order.ts';
export { CLUSTER_SCOPED_KINDS, builtInScope, crdScopes, groupOfApiVersion, makeScopeResolver } from './kind-scope.ts';
export type { Scope, ScopeOf, ScopeSource } from './kind-scope.ts';
export { objectsOfDocument } from './document-objects.ts';
export type { DeclaredObject, DocumentSink } from './document-objects.ts';
export { DEFAULT_YAML_LIMITS, parseYamlDocuments } from './yaml.ts';
export type { YamlDocument, YamlLimits, YamlParseResult } from './yaml.ts';
export { KUBE_YAML_SCHEMA, resolveKubeNumber } from './yaml-schema.ts';
export { scalarToString } from './document-objects.ts';
export { CLUSTER_SCOPE, resourceId } from './resource.ts';
export type { KubeObject, Resource, SourceLocation } from './resource.ts';
export { FILTER_PREFIX, POLICY_PREFIXES, policiesFromAnnotations, policyOfAnnotation } from './policies.ts';
export type { IgnorePolicy, Policies } from './policies.ts';
export { ParseCache } from './parse-cache.ts';
