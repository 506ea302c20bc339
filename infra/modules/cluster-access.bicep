// Roles for the identity on one resource group of AKS clusters (deployed at that group, which may be in
// another subscription). Assigned on the group, not on each cluster, so clusters created later (next
// week's weekly-*) are covered without a redeployment. See cluster-access-subscription.bicep for
// environments that discover clusters across a whole subscription.
//
// - Azure Kubernetes Service Cluster User Role: `managedClusters/read` (discovery lists the clusters) and
//   `listClusterUserCredential/action` (server URL and CA from the user kubeconfig). Reader is not needed:
//   discovery reads nothing but managed clusters.
// - The Kubernetes data-plane role (Azure RBAC for Kubernetes; the clusters need
//   aadProfile.enableAzureRbac). RBACClusterAdmin by default: the config repositories hold CRDs,
//   namespaces, ClusterRoles and bindings, which RBAC Admin (no namespace or resource-quota writes, no
//   CRDs) and RBAC Writer (no RBAC objects, no CRDs) cannot apply. Use 'None' for clusters on Kubernetes
//   RBAC and bind the identity's object id in a ClusterRoleBinding instead.
targetScope = 'resourceGroup'

import { roleDefinitionIds, dataPlaneRoleType } from 'types.bicep'

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param principalId string

@description('Kubernetes data-plane role.')
param dataPlaneRole dataPlaneRoleType

var dataPlaneRoleIds = {
  RBACClusterAdmin: roleDefinitionIds.aksRbacClusterAdmin
  RBACAdmin: roleDefinitionIds.aksRbacAdmin
  RBACWriter: roleDefinitionIds.aksRbacWriter
  None: ''
}
var dataPlaneRoleId = dataPlaneRoleIds[dataPlaneRole]

resource clusterUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleDefinitionIds.aksClusterUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.aksClusterUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'serverless-gitops: discover clusters and read their server and CA (Azure Kubernetes Service Cluster User Role)'
  }
}

resource dataPlane 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(dataPlaneRoleId)) {
  name: guid(resourceGroup().id, principalId, dataPlaneRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataPlaneRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'serverless-gitops: server-side apply and prune (Kubernetes data plane: ${dataPlaneRole})'
  }
}
