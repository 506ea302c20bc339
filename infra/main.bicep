// serverless-gitops on Azure: a Flex Consumption Function App (Linux, Node 22) running as a user-assigned
// managed identity, with identity-only storage, Entra-authenticated Application Insights, a Key Vault for
// the secrets, Event Grid system topics on the container registries, and the role assignments the app
// needs on registries and AKS clusters (which may live in other resource groups and subscriptions).
//
// Two phases (infra/DEPLOY.md): deploy with deployEventSubscriptions=false, set the Key Vault secrets,
// deploy the code, then deploy again with deployEventSubscriptions=true. An Event Grid subscription to an
// Azure Function endpoint can only be created once the function exists.
//
// Written against the API versions of platform-notes §6.1; not compiled here (no Bicep CLI on our
// machines): run `az bicep build --file infra/main.bicep` before the first deployment.
targetScope = 'resourceGroup'

import { registryTarget, clusterScope, dataPlaneRoleType } from 'modules/types.bicep'

// ---------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------

@description('Function App name: the host name <appName>.azurewebsites.net (globally unique). Also the base of the other resource names.')
@minLength(2)
@maxLength(50)
param appName string

@description('Region of the app and its resources. Default: the resource group\'s.')
param location string = resourceGroup().location

@description('Tags for every resource this template creates.')
param tags object = {}

@description('Node.js major version of the Flex runtime; must satisfy package.json engines (node >=22.19).')
@allowed(['22'])
param nodeVersion string = '22'

@description('Memory of each Flex instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to. Sync jobs hold a per-environment lease on each cluster, so more instances mostly help many clusters at once; a low ceiling also bounds GitHub API use.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Storage account name (3-24 lower-case letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param storageAccountName string = 'st${uniqueString(resourceGroup().id, appName)}'

@description('Storage replication.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = 'Standard_LRS'

@description('Key Vault name (3-24 letters, digits and dashes, globally unique; a deleted vault keeps its name while soft-deleted).')
@minLength(3)
@maxLength(24)
param keyVaultName string = 'kv-${uniqueString(resourceGroup().id, appName)}'

@description('Turn on Key Vault purge protection. It cannot be turned off again: leave it false for throw-away environments.')
param keyVaultPurgeProtection bool = true

@description('Object id of the user, group or service principal that sets the Key Vault secrets (gets Key Vault Secrets Officer on the vault). Empty: assign it yourself.')
param secretsOfficerPrincipalId string = ''

@description('Kind of principal secretsOfficerPrincipalId is.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param secretsOfficerPrincipalType string = 'User'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('owner/name of the config repository (GITHUB_REPOSITORY).')
@minLength(3)
param githubRepository string

@description('GitHub REST base URL (GITHUB_API_URL); GitHub Enterprise Server: https://HOST/api/v3.')
@minLength(8)
param githubApiUrl string = 'https://api.github.com'

@description('GitHub App id (GITHUB_APP_ID). The App\'s private key goes to Key Vault, not here.')
@minLength(1)
param githubAppId string

@description('Installation id of the GitHub App on the config repository (GITHUB_APP_INSTALLATION_ID).')
@minLength(1)
param githubAppInstallationId string

@description('The environments as inline gitops.yaml (GITOPS_CONFIG), the operator\'s: the repository\'s gitops.yaml is then not read. Give this or environmentBranches: with neither, the app refuses to start.')
param gitopsConfig string = ''

@description('When the image-scan timer lists the followed repositories of each registry (GITOPS_IMAGE_SCAN_SCHEDULE, NCRONTAB with seconds): the safety net for registry events that never arrived.')
@minLength(11)
param imageScanSchedule string = '0 */10 * * * *'

@description('Environment=branch pairs, comma-separated (GITOPS_ENVIRONMENTS), e.g. development=master,production=release: each environment is defined by gitops.yaml on its own branch, and only there. Instead of gitopsConfig.')
param environmentBranches string = ''

@description('API servers (https URLs) of static clusters with auth: azure that may receive the managed identity\'s token (GITOPS_API_SERVERS). Clusters found by Azure discovery in clusterScopes need no entry.')
param apiServers string[] = []

@description('Whether environments may prune, i.e. delete objects removed from git (GITOPS_PRUNE_ALLOWED). A definition asking for prune when this is false is refused.')
param pruneAllowed bool = false

@description('Whether pull-request previews may dry-run the head\'s changed objects on live clusters with the managed identity (GITOPS_PREVIEW_DRY_RUN_ALLOWED), for environments whose previews.dryRun asks for it. A definition asking for dry runs when this is false is refused.')
param previewDryRunAllowed bool = false

@description('More app settings, name → value: the optional settings of shared/config/settings.ts (GITOPS_STATE_NAMESPACE, GITOPS_DRIFT_MINUTES, ...), or GITHUB_WEBHOOK_SECRET_PREVIOUS as a Key Vault reference while rotating. Settings set by hand are replaced by every deployment: put them here.')
param additionalAppSettings object = {}

@description('Container registries whose pushes update images: an Event Grid system topic on each, and read access to manifests for the identity.')
param registries registryTarget[] = []

@description('Where the environments discover AKS clusters: resource groups (preferred), or whole subscriptions. The identity gets the Cluster User Role and the data-plane role there.')
param clusterScopes clusterScope[] = []

@description('Kubernetes data-plane role on the cluster scopes (Azure RBAC for Kubernetes). RBACClusterAdmin: the config repositories hold CRDs, namespaces and cluster roles. None: clusters on Kubernetes RBAC (bind the identity\'s object id in a ClusterRoleBinding).')
param aksDataPlaneRole dataPlaneRoleType = 'RBACClusterAdmin'

@description('Phase 2: create the Event Grid subscriptions delivering ImagePushed to the registry-push function. Only once the code is deployed: the function must exist.')
param deployEventSubscriptions bool = false

@description('Delivery schema of the Event Grid subscriptions. CloudEvents 1.0 is what Microsoft recommends and documents first; the code reads both.')
@allowed(['CloudEventSchemaV1_0', 'EventGridSchema'])
param eventDeliverySchema string = 'CloudEventSchemaV1_0'

@description('Event Grid delivery attempts before an event is dead-lettered.')
@minValue(1)
@maxValue(30)
param eventMaxDeliveryAttempts int = 30

@description('Minutes Event Grid keeps retrying an event before dead-lettering it.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

// ---------------------------------------------------------------------------------------------------------
// Names the code depends on (checked by test/infra/consistency.test.ts)
// ---------------------------------------------------------------------------------------------------------

// The Event Grid-triggered function (functions/registry-push.ts: app.eventGrid('registry-push', ...)).
var registryPushFunctionName = 'registry-push'

// Queues `sync` (SYNC_QUEUE, shared/pipeline/sync-job.ts), `health`, `preview` (PREVIEW_QUEUE, shared/pipeline/preview-job.ts)
// and `image-release` (IMAGE_QUEUE, shared/pipeline/image-job.ts: images the ACR classic webhook accepted), and the
// poison queues the host moves failed jobs to.
var queueNames = ['sync', 'sync-poison', 'health', 'health-poison', 'preview', 'preview-poison', 'image-release', 'image-release-poison']

// Tables `deliveries` (DELIVERY_TABLE, shared/storage/table-delivery-log.ts) and `proposals` (PROPOSAL_TABLE,
// shared/storage/table-proposal-ledger.ts: the heads of the pull-request branches this app wrote).
var tableNames = ['deliveries', 'proposals']

// Key Vault secret names behind GITHUB_APP_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET and ACR_WEBHOOK_SECRETS (one JSON
// object holding one secret per registry: {"<login server>": "<secret>"}).
var secretNames = {
  githubAppPrivateKey: 'github-app-private-key'
  githubWebhookSecret: 'github-webhook-secret'
  acrWebhookSecrets: 'acr-webhook-secrets'
}

// GITOPS_REGISTRY_TOPICS: each registry's ARM resource id (the Event Grid topic of its events) → its login server.
var registryTopics = toObject(
  registries,
  r => '/subscriptions/${r.?subscriptionId ?? subscription().subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${r.name}',
  r => '${toLower(r.name)}${environment().suffixes.acrLoginServer}'
)

var deploymentContainerName = 'deployment-package'
var deadLetterContainerName = 'eventgrid-deadletter'

// ---------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------

var allTags = union({ application: 'serverless-gitops' }, tags)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${appName}'
  location: location
  tags: allTags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'gitops-monitoring'
  params: {
    location: location
    workspaceName: 'log-${appName}'
    applicationInsightsName: 'appi-${appName}'
    retentionInDays: logRetentionInDays
    principalId: identity.properties.principalId
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'gitops-storage'
  params: {
    name: storageAccountName
    location: location
    skuName: storageSku
    containerNames: [deploymentContainerName, deadLetterContainerName]
    queueNames: queueNames
    tableNames: tableNames
    principalId: identity.properties.principalId
    tags: allTags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'gitops-key-vault'
  params: {
    name: keyVaultName
    location: location
    enablePurgeProtection: keyVaultPurgeProtection
    appPrincipalId: identity.properties.principalId
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
    secretsOfficerPrincipalType: secretsOfficerPrincipalType
    tags: allTags
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'gitops-function-app'
  params: {
    name: appName
    planName: 'plan-${appName}'
    location: location
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    secretNames: secretNames
    githubRepository: githubRepository
    githubApiUrl: githubApiUrl
    githubAppId: githubAppId
    githubAppInstallationId: githubAppInstallationId
    gitopsConfig: gitopsConfig
    imageScanSchedule: imageScanSchedule
    environmentBranches: environmentBranches
    clusterScopes: join(map(clusterScopes, s => empty(s.?resourceGroup ?? '') ? (s.?subscriptionId ?? subscription().subscriptionId) : '${s.?subscriptionId ?? subscription().subscriptionId}/${s.?resourceGroup ?? ''}'), ',')
    apiServers: join(apiServers, ',')
    registryHosts: join(map(registries, r => '${toLower(r.name)}.azurecr.io'), ',')
    pruneAllowed: pruneAllowed
    previewDryRunAllowed: previewDryRunAllowed
    registryTopics: registryTopics
    additionalAppSettings: additionalAppSettings
    tags: allTags
  }
}

// Registries (possibly in other resource groups or subscriptions): read access, system topic, and in
// phase 2 the ImagePushed subscription to the registry-push function.
module registryAccess 'modules/registry.bicep' = [
  for registry in registries: {
    name: take('gitops-${appName}-acr-${registry.name}', 64)
    scope: resourceGroup(registry.?subscriptionId ?? subscription().subscriptionId, registry.resourceGroup)
    params: {
      registryName: registry.name
      systemTopicName: registry.?systemTopicName ?? 'evgst-${registry.name}'
      abacRepositoryPermissions: registry.?abacRepositoryPermissions ?? false
      principalId: identity.properties.principalId
      identityId: identity.id
      deployEventSubscription: deployEventSubscriptions
      eventDeliverySchema: eventDeliverySchema
      functionResourceId: '${functionApp.outputs.id}/functions/${registryPushFunctionName}'
      deadLetterStorageAccountId: storage.outputs.id
      deadLetterContainerName: deadLetterContainerName
      maxDeliveryAttempts: eventMaxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
      tags: allTags
    }
  }
]

// Cluster scopes: resource groups, and whole subscriptions for environments that select clusters across one.
var clusterGroupScopes = filter(clusterScopes, s => !empty(s.?resourceGroup ?? ''))
var clusterSubscriptionScopes = filter(clusterScopes, s => empty(s.?resourceGroup ?? ''))

module clusterGroupAccess 'modules/cluster-access.bicep' = [
  for (target, i) in clusterGroupScopes: {
    name: take('gitops-${appName}-aks-rg-${i}', 64)
    scope: resourceGroup(target.?subscriptionId ?? subscription().subscriptionId, target.?resourceGroup ?? '')
    params: {
      principalId: identity.properties.principalId
      dataPlaneRole: aksDataPlaneRole
    }
  }
]

module clusterSubscriptionAccess 'modules/cluster-access-subscription.bicep' = [
  for (target, i) in clusterSubscriptionScopes: {
    name: take('gitops-${appName}-aks-sub-${i}', 64)
    scope: subscription(target.?subscriptionId ?? subscription().subscriptionId)
    params: {
      principalId: identity.properties.principalId
      dataPlaneRole: aksDataPlaneRole
    }
  }
]

// ---------------------------------------------------------------------------------------------------------
// Outputs (used by the deployment steps in infra/DEPLOY.md)
// ---------------------------------------------------------------------------------------------------------

@description('Function App name (az functionapp ... --name).')
output functionAppName string = functionApp.outputs.name

@description('Function App host name.')
output functionAppHostName string = functionApp.outputs.defaultHostName

@description('Payload URL of the GitHub push webhook.')
output githubWebhookUrl string = 'https://${functionApp.outputs.defaultHostName}/api/github-webhook'

@description('Service URI of an ACR classic webhook (the alternative to Event Grid).')
output acrWebhookUrl string = 'https://${functionApp.outputs.defaultHostName}/api/acr-webhook'

@description('Resource id of the Event Grid-triggered function (the subscriptions\' endpoint).')
output registryPushFunctionId string = '${functionApp.outputs.id}/functions/${registryPushFunctionName}'

@description('Client id of the user-assigned identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.properties.clientId

@description('Object (principal) id of the identity: for ClusterRoleBindings on clusters that use Kubernetes RBAC.')
output identityPrincipalId string = identity.properties.principalId

@description('Key Vault name (az keyvault secret set --vault-name ...).')
output keyVaultName string = keyVault.outputs.name

@description('Storage account name (queues, the delivery table, dead letters).')
output storageAccountName string = storage.outputs.name

@description('Blob container receiving Event Grid dead letters.')
output deadLetterContainerName string = deadLetterContainerName

@description('Application Insights component name.')
output applicationInsightsName string = monitoring.outputs.applicationInsightsName

@description('Log Analytics workspace name.')
output logAnalyticsWorkspaceName string = monitoring.outputs.workspaceName

@description('Whether this deployment created the Event Grid subscriptions (phase 2).')
output eventSubscriptionsDeployed bool = deployEventSubscriptions && !empty(registries)
