// Flex Consumption plan + Linux Function App (Node) running as the user-assigned identity.
// Flex keeps the runtime in functionAppConfig, not in app settings: FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE, WEBSITE_NODE_DEFAULT_VERSION and
// WEBSITE_CONTENT* must not be set (platform-notes §6.1).
//
// The app settings below are the SETTINGS of shared/config/settings.ts marked `infra: true`, plus the
// host's identity-based storage and Application Insights settings; test/infra/consistency.test.ts
// checks them against the code. A template deployment replaces the whole app-settings list: settings
// added later by hand are lost on the next deployment, so pass them in `additionalAppSettings`.

@description('Function App name (host name <name>.azurewebsites.net).')
@minLength(2)
@maxLength(60)
param name string

@description('Flex Consumption plan name.')
@minLength(1)
@maxLength(60)
param planName string

param location string

@description('Node.js major version of the Flex runtime.')
@allowed(['22'])
param nodeVersion string

@description('Memory of each instance, MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account name (identity-based AzureWebJobsStorage).')
param storageAccountName string

@description('Blob endpoint of the storage account, with a trailing slash.')
param storageBlobEndpoint string

@description('Queue endpoint of the storage account.')
param storageQueueEndpoint string

@description('Table endpoint of the storage account.')
param storageTableEndpoint string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Key Vault URI with a trailing slash (https://<vault>.vault.azure.net/).')
param keyVaultUri string

@description('Key Vault secret names, by role.')
param secretNames {
  githubAppPrivateKey: string
  githubWebhookSecret: string
  acrWebhookSecrets: string
}

@description('owner/name of the config repository.')
param githubRepository string

@description('GitHub REST base URL.')
param githubApiUrl string

@description('GitHub App id.')
param githubAppId string

@description('GitHub App installation id on the config repository.')
param githubAppInstallationId string

@description('Inline gitops.yaml (the operator\'s environments), or empty when environmentBranches is given.')
param gitopsConfig string

@description('NCRONTAB schedule of the image-scan timer.')
param imageScanSchedule string

@description('Environment=branch pairs: each environment defined by gitops.yaml on its own branch.')
param environmentBranches string

@description('Where discovery may find clusters: <subscription id>[/<resource group>], comma-separated.')
param clusterScopes string

@description('Static API servers (https) that may receive the managed identity\'s token, comma-separated.')
param apiServers string

@description('Registry hosts environments may take image updates from, comma-separated.')
param registryHosts string

@description('Whether environments may prune.')
param pruneAllowed bool

@description('Whether pull-request previews may dry-run on live clusters.')
param previewDryRunAllowed bool

@description('The registries Event Grid events may update images from: registry ARM resource id → login server (GITOPS_REGISTRY_TOPICS).')
param registryTopics object

@description('More app settings (name → value), e.g. GITOPS_STATE_NAMESPACE, or a Key Vault reference for GITHUB_WEBHOOK_SECRET_PREVIOUS while rotating.')
param additionalAppSettings object

param tags object

// Service URIs without the trailing slash the storage account reports.
var queueServiceUri = endsWith(storageQueueEndpoint, '/') ? substring(storageQueueEndpoint, 0, length(storageQueueEndpoint) - 1) : storageQueueEndpoint
var tableServiceUri = endsWith(storageTableEndpoint, '/') ? substring(storageTableEndpoint, 0, length(storageTableEndpoint) - 1) : storageTableEndpoint

var appSettings = [
  // Functions host storage, identity-based (the account has shared keys off).
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // Read by the code too (queue `sync`, table `deliveries`); the queue trigger's connection is `AzureWebJobsStorage`.
  { name: 'AzureWebJobsStorage__queueServiceUri', value: queueServiceUri }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: tableServiceUri }
  // Application Insights with Entra authentication (local auth is off on the component).
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
  // The identity the code uses for AKS, ARM, ACR and storage.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  // GitHub.
  { name: 'GITHUB_REPOSITORY', value: githubRepository }
  { name: 'GITHUB_API_URL', value: githubApiUrl }
  { name: 'GITHUB_APP_ID', value: githubAppId }
  { name: 'GITHUB_APP_INSTALLATION_ID', value: githubAppInstallationId }
  // Secrets: Key Vault references (resolved with keyVaultReferenceIdentity), never values.
  { name: 'GITHUB_APP_PRIVATE_KEY', value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.githubAppPrivateKey})' }
  { name: 'GITHUB_WEBHOOK_SECRET', value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.githubWebhookSecret})' }
  { name: 'ACR_WEBHOOK_SECRETS', value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${secretNames.acrWebhookSecrets})' }
  // The registries whose Event Grid topics may update images (JSON: resource id → login server).
  { name: 'GITOPS_REGISTRY_TOPICS', value: string(registryTopics) }
  // Where environment definitions come from (one of the two; never implicitly the default branch), and the
  // operator's bounds no definition can widen (README "Security").
  { name: 'GITOPS_CONFIG', value: gitopsConfig }
  { name: 'GITOPS_ENVIRONMENTS', value: environmentBranches }
  { name: 'GITOPS_CLUSTER_SCOPES', value: clusterScopes }
  { name: 'GITOPS_API_SERVERS', value: apiServers }
  { name: 'GITOPS_REGISTRIES', value: registryHosts }
  { name: 'GITOPS_PRUNE_ALLOWED', value: pruneAllowed ? 'true' : 'false' }
  { name: 'GITOPS_PREVIEW_DRY_RUN_ALLOWED', value: previewDryRunAllowed ? 'true' : 'false' }
  // The image-scan timer's schedule (its trigger reads %GITOPS_IMAGE_SCAN_SCHEDULE%).
  { name: 'GITOPS_IMAGE_SCAN_SCHEDULE', value: imageScanSchedule }
]

var extraAppSettings = [for setting in items(additionalAppSettings): { name: setting.key, value: string(setting.value) }]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat(appSettings, extraAppSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

output name string = site.name
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
