// Roles for the identity on a whole subscription of AKS clusters, for environments that discover clusters by
// name across a subscription (no resource groups in their selection): the same two assignments as
// cluster-access.bicep (see there for why these roles), at subscription scope. Prefer resource-group scopes
// where the clusters live in known groups: these roles then reach every cluster in the subscription.
targetScope = 'subscription'

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
  name: guid(subscription().id, principalId, roleDefinitionIds.aksClusterUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.aksClusterUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'serverless-gitops: discover clusters and read their server and CA (Azure Kubernetes Service Cluster User Role)'
  }
}

resource dataPlane 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(dataPlaneRoleId)) {
  name: guid(subscription().id, principalId, dataPlaneRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataPlaneRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'serverless-gitops: server-side apply and prune (Kubernetes data plane: ${dataPlaneRole})'
  }
}
