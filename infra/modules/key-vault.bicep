// Key Vault with RBAC authorization for the webhook secrets and the GitHub App key. The template creates
// no secret values (they would pass through deployment parameters): the operator sets them with
// `az keyvault secret set` after phase 1 (infra/DEPLOY.md); the app reads them as Key Vault references.
import { roleDefinitionIds } from 'types.bicep'

@description('Vault name (3-24 letters, digits and dashes, globally unique).')
@minLength(3)
@maxLength(24)
param name string

param location string

@description('Turn on purge protection (cannot be turned off again; keeps deleted secrets for the retention period).')
param enablePurgeProtection bool

@description('Principal (object) id of the Function App\'s user-assigned identity: gets Key Vault Secrets User.')
param appPrincipalId string

@description('Object id of a user, group or service principal that sets the secrets: gets Key Vault Secrets Officer. Empty: none (assign it yourself).')
param secretsOfficerPrincipalId string

@allowed(['User', 'Group', 'ServicePrincipal'])
param secretsOfficerPrincipalType string

param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // false is not accepted once set; omit the property instead.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roleDefinitionIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'serverless-gitops: the Function App resolves its Key Vault references (Key Vault Secrets User)'
  }
}

resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, roleDefinitionIds.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.keyVaultSecretsOfficer)
    principalId: secretsOfficerPrincipalId
    principalType: secretsOfficerPrincipalType
    description: 'serverless-gitops: the operator sets the webhook secrets and the GitHub App key (Key Vault Secrets Officer)'
  }
}

output name string = vault.name
output id string = vault.id
@description('Vault URI, ending in a slash: https://<name>.vault.azure.net/')
output uri string = vault.properties.vaultUri
