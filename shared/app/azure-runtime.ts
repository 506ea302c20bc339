/**
 * The runtime in Azure: GitHub as the source (App or token), Azure Storage
 * queues and tables through the managed identity (or a connection string),
 * AKS discovery and tokens through the managed identity, ACR build times.
 */
import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { assembleRuntime, defaultGitUrl, type Runtime } from './runtime.ts';
import { cachedTokenSource, createAzureArm, createClusterConnector, systemClock } from '../clusters/index.ts';
import { ConfigError } from '../config/config-error.ts';
import { connectorBounds, loadSettings } from '../config/settings.ts';
import { createConfigProvider } from '../pipeline/config-provider.ts';
import type { Logger } from '../pipeline/logger.ts';
import { SYNC_QUEUE } from '../pipeline/sync-job.ts';
import { DELIVERY_RETENTION_MS } from '../pipeline/delivery-log.ts';
import { acrAccess } from '../registry/acr-access.ts';
import type { AcrClientOptions } from '../registry/acr-manifest-reader.ts';
import { readBuildTimes } from '../registry/build-times.ts';
import { GitHubPreviewReporter, gitHubSourceFromSettings } from '../sources/github/index.ts';
import { IMAGE_QUEUE, type ImageJob } from '../pipeline/image-job.ts';
import { PREVIEW_QUEUE, type PreviewJob } from '../pipeline/preview-job.ts';
import { HEALTH_QUEUE } from '../pipeline/health-job.ts';
import { queueService, StorageJobQueue } from '../storage/storage-job-queue.ts';
import { StorageHealthQueue } from '../storage/storage-health-queue.ts';
import { DELIVERY_TABLE, TableDeliveryLog } from '../storage/table-delivery-log.ts';
import { PROPOSAL_TABLE, TableProposalLedger } from '../storage/table-proposal-ledger.ts';

/** Process-level log lines (no invocation): JSON on stderr, which the host forwards to Application Insights. */
const processLog: Logger = {
  info: (event, fields) => console.info(JSON.stringify({ ...fields, event })),
  warn: (event, fields) => console.warn(JSON.stringify({ ...fields, event })),
  error: (event, fields) => console.error(JSON.stringify({ ...fields, event })),
};

export interface AzureRuntimeParts {
  /** Overrides the managed identity (tests). */
  credential?: TokenCredential;
  /** ACR client options per registry host (tests: the ACR fake's endpoint and CA). */
  acrOptions?: (registry: string) => AcrClientOptions;
}

/** Builds the runtime from app settings; throws ConfigError naming every missing or invalid setting. */
export function createAzureRuntime(env: Readonly<Record<string, string | undefined>>, parts: AzureRuntimeParts = {}): Runtime {
  const settings = loadSettings(env);
  const missing: string[] = [];
  if (!settings.github) missing.push('setting GITHUB_REPOSITORY: required in Azure (with GITHUB_TOKEN or the GitHub App settings)');
  if (!settings.storage) missing.push('setting AzureWebJobsStorage__queueServiceUri: required in Azure (or AzureWebJobsStorage as a connection string)');
  else if (!('connectionString' in settings.storage) && !settings.storage.tableServiceUri) {
    // Not guessed from the queue endpoint: a custom domain or a sovereign cloud would send the identity's token elsewhere.
    missing.push('setting AzureWebJobsStorage__tableServiceUri: required with AzureWebJobsStorage__queueServiceUri (the delivery and proposal tables)');
  }
  if (missing.length > 0) throw new ConfigError(missing);
  if (settings.webhookSecrets.length === 0) processLog.warn('startup.webhook-secret-missing', { result: 'GITHUB_WEBHOOK_SECRET is not set: every GitHub delivery will be refused' });
  if (settings.acrWebhookSecrets.size === 0) processLog.info('startup.acr-webhook-off', { result: 'ACR_WEBHOOK_SECRETS is not set: /api/acr-webhook refuses every request (Event Grid is unaffected)' });
  if (settings.registryTopics.size === 0) processLog.warn('startup.registry-topics-missing', { result: 'GITOPS_REGISTRY_TOPICS is not set: every Event Grid registry event is ignored' });

  const credential = parts.credential ?? (settings.azureClientId ? new ManagedIdentityCredential({ clientId: settings.azureClientId }) : new DefaultAzureCredential());
  const github = settings.github!;
  const storage = settings.storage!;
  const queues = queueService('connectionString' in storage ? storage : { queueServiceUrl: storage.queueServiceUri, credential });
  const tableClient = (name: string) =>
    'connectionString' in storage
      ? TableClient.fromConnectionString(storage.connectionString, name, { allowInsecureConnection: /UseDevelopmentStorage|127\.0\.0\.1|localhost/.test(storage.connectionString) })
      : new TableClient(storage.tableServiceUri!, name, credential);
  const table = tableClient(DELIVERY_TABLE);
  // Proposal branches are built on only at the heads recorded here (the app's storage, out of the repository's reach).
  const source = gitHubSourceFromSettings(github, settings.commitAuthor, {}, { proposalLedger: new TableProposalLedger(tableClient(PROPOSAL_TABLE)) });
  // Pushed tags are confirmed in ACR (AcrPull or Repository Reader, granted by the template) before a commit; the
  // image scan and build-time reads use the same clients. Only *.azurecr.io hosts get the identity's tokens.
  const acr = acrAccess(() => credential, parts.acrOptions);
  return assembleRuntime({
    settings,
    repository: github.repository,
    source,
    statuses: source,
    proposer: source,
    config: createConfigProvider(source, { inlineYaml: settings.configYaml, environmentBranches: settings.environmentBranches, bounds: settings.bounds }),
    queue: new StorageJobQueue(queues, SYNC_QUEUE),
    imageQueue: new StorageJobQueue<ImageJob>(queues, IMAGE_QUEUE),
    healthQueue: new StorageHealthQueue(queues, HEALTH_QUEUE),
    previewQueue: new StorageJobQueue<PreviewJob>(queues, PREVIEW_QUEUE),
    // Check runs need a GitHub App (Checks: write); with a token, a commit status and one comment per environment.
    previews: new GitHubPreviewReporter(source.client, github.auth.kind === 'app' ? 'checks' : 'comment'),
    deliveries: new TableDeliveryLog(table, { retentionMs: DELIVERY_RETENTION_MS }),
    connector: createClusterConnector({ clock: systemClock, arm: createAzureArm(credential), aksTokens: cachedTokenSource(credential, systemClock), ...connectorBounds(settings) }),
    clock: systemClock,
    gitUrl: settings.gitUrl ?? defaultGitUrl(github.repository),
    buildTimes: (refs) => readBuildTimes(refs, (host) => acr.manifests(host), processLog),
    registryTags: (host) => acr.tags(host),
    registryAccess: (host) => acr.registry(host),
  });
}
