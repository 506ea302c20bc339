/**
 * Clusters: which exist (Azure Resource Manager, kubeconfig contexts, a static list), how to reach them
 * (managed identity tokens, per-cluster credentials), server-side apply in Flux's order, prune, sync state
 * and lease. Adapters: tested against the Kubernetes API fake in test/support/kube-fake.
 */
export { AKS_AUTH_PROVIDER, AKS_SCOPE, bearerAuthenticator, cachedTokenSource } from './aks-token.ts';
export type { TokenSource } from './aks-token.ts';
export { ApiDiscovery, resourcePath } from './api-discovery.ts';
export type { ApiResource } from './api-discovery.ts';
export { ApplyItemCache, SERVER_SET_METADATA, appliedObject, buildApplyItem, stableJson } from './apply-body.ts';
export type { ApplyItem } from './apply-body.ts';
export { APPLY_PATCH, FIELD_MANAGER, applyObjects, applyOne, waitForCrd } from './apply.ts';
export type { ApplyOptions, ApplyProgress, ClusterApi, ObjectAction, ObjectOutcome } from './apply.ts';
export { createAzureArm, discoverAzureClusters, resourceGroupOf, selectAzureClusters, serverFromKubeconfig } from './azure-clusters.ts';
export type { AzureArm, AzureCluster } from './azure-clusters.ts';
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { createClusterConnector } from './cluster-connector.ts';
export type { ClusterConnectorOptions } from './cluster-connector.ts';
export type { ClusterConnection, ClusterConnector, ClusterTarget } from './cluster-target.ts';
export { CHECKSUM_ANNOTATION, GC_MARK_LABEL, gcMark, safeGitUrl, syncSetName } from './gc-mark.ts';
export { KubeApiError, errorFromResponse, kubeClient } from './kube-client.ts';
export type { KubeClient, KubeRequest, KubeResponse, KubeTransport, RetryPolicy } from './kube-client.ts';
export { kubeConfigTransport } from './kube-transport.ts';
export { HeldLease, LeaseLostError, acquireLease, microTime, readLeaseHolder } from './lease.ts';
export type { LeaseHolder, LeaseOptions, LeaseResult } from './lease.ts';
export { planPrune } from './plan-prune.ts';
export type { MarkedObject, PruneCandidate, PrunePlan, PrunePlanInput } from './plan-prune.ts';
export { deleteObjects, listMarkedObjects } from './prune.ts';
export { DEFAULT_CONCURRENCY, mapBounded, runRanked } from './rank-scheduler.ts';
export type { RankedRunOptions } from './rank-scheduler.ts';
export { DEFAULT_STATE_NAMESPACE, STATE_BYTES_LIMIT, encodeSyncState, ensureNamespace, readStateObject, readSyncState, stateObjectName, writeSyncState } from './sync-state.ts';
export { SUSPEND_FIELD_MANAGER, clearSuspension, suspensionFromData, writeSuspension } from './suspension.ts';
export type { Suspension } from './suspension.ts';
export type { InventoryEntry, StateError, SyncState } from './sync-state.ts';
export { applyChange, applyItems, nextInventory, planApply } from './desired-state.ts';
export type { ApplyChange, ApplyPlan } from './desired-state.ts';
export { FOLDER_CLUSTER, writeObjects } from './folder-target.ts';
export { checkHealth, readHealth, writeHealth, watchable, HEALTH_FIELD_MANAGER } from './health-check.ts';
export type { HealthCheck, HealthRecord, WatchedObject } from './health-check.ts';
