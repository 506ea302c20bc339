// The Function App's storage account, used only through Entra ID (no shared keys):
// - blob: the Functions host (leases, timers' schedule monitor, keys) and the Flex deployment package container,
//   plus the Event Grid dead-letter container;
// - queue: the sync and preview jobs (and the poison queues the host moves failed jobs to);
// - table: the delivery log (GitHub delivery ids already handled).
import { roleDefinitionIds } from 'types.bicep'

@description('Storage account name (3-24 lower-case letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

param location string

@description('Replication.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param skuName string

@description('Blob containers to create (the Flex deployment package, the Event Grid dead letters).')
param containerNames string[]

@description('Queues to create.')
param queueNames string[]

@description('Tables to create.')
param tableNames string[]

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param principalId string

param tags object

resource account 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: skuName }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: { publicAccess: 'None' }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// Data-plane roles for the identity, on the account.
var dataRoles = [
  { id: roleDefinitionIds.storageBlobDataOwner, what: 'Storage Blob Data Owner: Functions host and Flex deployment package' }
  { id: roleDefinitionIds.storageQueueDataContributor, what: 'Storage Queue Data Contributor: sync and preview jobs' }
  { id: roleDefinitionIds.storageTableDataContributor, what: 'Storage Table Data Contributor: delivery log' }
]

resource dataRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in dataRoles: {
    name: guid(account.id, principalId, role.id)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'serverless-gitops: ${role.what}'
    }
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
