// Shared, compile-time definitions: the built-in Azure role definitions the template assigns
// (named, with their well-known ids) and the shapes of the registry and cluster parameters.
// Imported by main.bicep and the modules with `import { ... } from 'types.bicep'`.

@export()
@description('Built-in Azure role definition ids (the same in every tenant).')
var roleDefinitionIds = {
  // Storage (the Function App's own account)
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // host leases/secrets + Flex deployment container
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // queues `sync` and `preview` (trigger + enqueue) and their poison queues
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // table `deliveries`
  // Monitoring
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Entra-authenticated telemetry to Application Insights
  // Key Vault (RBAC authorization)
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // the app reads secrets (Key Vault references)
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // the operator sets secrets (`az keyvault secret set`)
  // Container registries
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d' // registries/pull/read: manifests and config blobs (image build times)
  containerRegistryRepositoryReader: 'b93aa761-3e63-49ed-ac28-beffa264f7ac' // the same for registries in ABAC repository-permission mode
  // AKS
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f' // Azure Kubernetes Service Cluster User Role: managedClusters/read + listClusterUserCredential
  aksRbacClusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b' // Azure Kubernetes Service RBAC Cluster Admin: every data action (CRDs, cluster-scoped objects, namespaces)
  aksRbacAdmin: '3498e952-d568-435e-9b2c-8d77e338d7f7' // Azure Kubernetes Service RBAC Admin: all but namespaces/resourcequotas writes; no CRDs
  aksRbacWriter: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb' // Azure Kubernetes Service RBAC Writer: most namespaced objects; no RBAC objects, no CRDs
}

@export()
@description('The Kubernetes data-plane role the identity gets on cluster scopes (Azure RBAC for Kubernetes).')
type dataPlaneRoleType = 'RBACClusterAdmin' | 'RBACAdmin' | 'RBACWriter' | 'None'

@export()
@description('A container registry whose pushes drive image updates.')
type registryTarget = {
  @description('Registry name (the `radixdev` of radixdev.azurecr.io).')
  @minLength(5)
  @maxLength(50)
  name: string

  @description('Resource group of the registry.')
  @minLength(1)
  resourceGroup: string

  @description('Subscription of the registry; default: the deployment\'s subscription.')
  subscriptionId: string?

  @description('Name of the Event Grid system topic on the registry. A registry has at most one system topic: if it already has one, give its name here and this template adopts it. Default: evgst-<registry>.')
  systemTopicName: string?

  @description('The registry uses ABAC repository permissions ("RBAC Registry + ABAC Repository Permissions"), where AcrPull does not apply: grant Container Registry Repository Reader instead. Default: false.')
  abacRepositoryPermissions: bool?
}

@export()
@description('Where clusters are discovered: a resource group, or a whole subscription when resourceGroup is omitted.')
type clusterScope = {
  @description('Subscription holding the clusters; default: the deployment\'s subscription.')
  subscriptionId: string?

  @description('Resource group holding the clusters (roles are assigned on the group, so clusters created later, such as next week\'s weekly-*, are covered). Omit to assign on the whole subscription (environments that select clusters by name across a subscription).')
  resourceGroup: string?
}
