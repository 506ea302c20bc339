// One container registry, deployed at the registry's resource group (it may be another group or
// subscription than the app's):
// - the identity may read manifests and config blobs (image build times, which tag is newest):
//   AcrPull, or Container Registry Repository Reader on registries in ABAC repository-permission mode;
// - an Event Grid system topic on the registry, with the app's identity attached (for dead-lettering into
//   the app's storage account, which accepts Entra auth only);
// - phase 2 only (deployEventSubscription): the subscription delivering ImagePushed to the `registry-push`
//   function. It needs the function to exist (deployed code), else ARM answers "Destination endpoint not found".
import { roleDefinitionIds } from 'types.bicep'

@description('Registry name.')
@minLength(5)
@maxLength(50)
param registryName string

@description('Event Grid system topic name on the registry.')
@minLength(3)
@maxLength(128)
param systemTopicName string

@description('The registry uses ABAC repository permissions: grant Container Registry Repository Reader instead of AcrPull.')
param abacRepositoryPermissions bool

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param principalId string

@description('Resource id of that identity (attached to the system topic for dead-lettering).')
param identityId string

@description('Create the event subscription (phase 2: the function must already be deployed).')
param deployEventSubscription bool

@description('Delivery schema of the subscription (the code reads both).')
@allowed(['CloudEventSchemaV1_0', 'EventGridSchema'])
param eventDeliverySchema string

@description('Resource id of the Event Grid-triggered function: <function app id>/functions/<name>.')
param functionResourceId string

@description('Resource id of the storage account receiving dead letters.')
param deadLetterStorageAccountId string

@description('Blob container receiving dead letters.')
param deadLetterContainerName string

@description('Delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int

@description('Minutes an event is retried before it is dead-lettered.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int

param tags object

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

var readRoleId = abacRepositoryPermissions ? roleDefinitionIds.containerRegistryRepositoryReader : roleDefinitionIds.acrPull

resource registryRead 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, readRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: abacRepositoryPermissions
      ? 'serverless-gitops: read image manifests and config blobs (Container Registry Repository Reader)'
      : 'serverless-gitops: read image manifests and config blobs (AcrPull)'
  }
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  // A system topic lives in its source's region.
  location: registry.location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    source: registry.id
    topicType: 'Microsoft.ContainerRegistry.Registries'
  }
}

resource imagePushed 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (deployEventSubscription) {
  parent: systemTopic
  name: 'serverless-gitops-registry-push'
  properties: {
    eventDeliverySchema: eventDeliverySchema
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        // One event per invocation: a failure retries only that event (the extension answers 500 for the whole batch).
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.ContainerRegistry.ImagePushed'
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
    // Written with the topic's user-assigned identity (Storage Blob Data Owner on the account):
    // the account has shared-key access off.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identityId
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output loginServer string = registry.properties.loginServer
output systemTopicName string = systemTopic.name
