/**
 * App settings (environment variables), read once at the edge and validated:
 * a missing or invalid setting stops the function with a message naming it.
 * `SETTINGS` is the one table the README and infra/ are checked against.
 */
import { z } from 'zod';
import type { ClusterScope, OperatorBounds } from './bounds.ts';
import { ConfigError } from './config-error.ts';
import { issuePath, REPOSITORY_NAME } from './validation.ts';

/** Who commits when no one is named: the default author of image-update commits and the GitHub committer. */
export const DEFAULT_COMMITTER = { name: 'serverless-gitops', email: 'serverless-gitops@users.noreply.github.com' } as const;

export interface SettingInfo {
  /** What it is, for the README table. */
  description: string;
  /** Holds a secret: comes from Key Vault in Azure and is never logged. */
  secret?: boolean;
  /** Provided by the template in Azure (infra/ must set it). */
  infra: boolean;
}

/** Every setting the code reads. */
export const SETTINGS = {
  GITHUB_REPOSITORY: { description: 'owner/name of the config repository', infra: true },
  GITHUB_API_URL: { description: 'GitHub REST base URL (GitHub Enterprise Server: https://HOST/api/v3); default https://api.github.com', infra: true },
  GITHUB_TOKEN: { description: 'a token for the config repository (instead of a GitHub App)', secret: true, infra: false },
  GITHUB_APP_ID: { description: 'GitHub App id', infra: true },
  GITHUB_APP_PRIVATE_KEY: { description: 'GitHub App private key (PEM)', secret: true, infra: true },
  GITHUB_APP_INSTALLATION_ID: { description: 'installation id of the GitHub App on the config repository', infra: true },
  GITHUB_WEBHOOK_SECRET: { description: 'the push webhook secret; without it every delivery is refused', secret: true, infra: true },
  GITHUB_WEBHOOK_SECRET_PREVIOUS: { description: 'the previous webhook secret, still accepted while rotating', secret: true, infra: false },
  ACR_WEBHOOK_SECRETS: { description: 'one secret per registry for ACR classic webhooks, JSON {"<login server>": "<secret>" or ["<current>", "<previous>"]}; the webhook sends it as Authorization: Bearer …, and a registry without one is refused', secret: true, infra: true },
  GITOPS_REGISTRY_TOPICS: { description: 'the registries whose Event Grid events may update images, JSON {"<registry ARM resource id>": "<login server>"}: the event\'s topic is looked up here (its data is never trusted for the registry), and events from other topics are ignored; each login server must be in GITOPS_REGISTRIES when that is set', infra: true },
  GITOPS_CONFIG: { description: 'the environments as inline YAML (gitops.yaml format), set by the operator: every environment comes from here and the repository\'s gitops.yaml is not read. One of GITOPS_CONFIG and GITOPS_ENVIRONMENTS is required in Azure', infra: true },
  GITOPS_ENVIRONMENTS: { description: 'environment=branch pairs, comma-separated (development=master,production=release): each environment\'s definition is read from gitops.yaml at the tip of its own branch, and only there', infra: true },
  GITOPS_CLUSTER_SCOPES: { description: 'where Azure discovery may find clusters: <subscription id> or <subscription id>/<resource group>, comma-separated; unset: anywhere (laptop)', infra: true },
  GITOPS_API_SERVERS: { description: 'https URLs of static API servers that may receive the managed identity\'s token, comma-separated; unset: none', infra: true },
  GITOPS_REGISTRIES: { description: 'registry hosts environments may take image updates from, comma-separated; unset: any (laptop)', infra: true },
  GITOPS_PRUNE_ALLOWED: { description: 'whether an environment may prune (true/false); unset: allowed (laptop)', infra: true },
  GITOPS_PREVIEW_DRY_RUN_ALLOWED: { description: 'whether pull-request previews may dry-run on live clusters (true/false), for environments whose previews.dryRun asks for it; unset: allowed (laptop)', infra: true },
  GITOPS_KUBECONFIG_EXEC: { description: 'true to allow kubeconfig users with an exec plugin (the operator\'s kubeconfig only; never one named by a repository); default false', infra: false },
  GITOPS_TAKE_OVER_OBJECTS: { description: 'true to let an environment take over objects another sync set\'s GC mark owns on the same cluster (moving an object between environments); default false: reported as a conflict', infra: false },
  GITOPS_MAX_FILE_BYTES: { description: 'largest manifest file read, by its size in the tree (larger ones are skipped and reported); default 2097152 (2 MiB)', infra: false },
  GITOPS_MAX_ENVIRONMENT_BYTES: { description: 'largest total of manifest bytes one environment reads (more is refused as a whole); default 33554432 (32 MiB)', infra: false },
  AZURE_CLIENT_ID: { description: 'client id of the user-assigned managed identity (AKS, ARM, ACR, storage)', infra: true },
  AzureWebJobsStorage: { description: 'storage connection string (local/Azurite); in Azure, identity-based AzureWebJobsStorage__queueServiceUri/__tableServiceUri/__credential/__clientId', infra: false },
  AzureWebJobsStorage__queueServiceUri: { description: 'queue endpoint of the storage account (identity-based connection)', infra: true },
  AzureWebJobsStorage__tableServiceUri: { description: 'table endpoint of the storage account (identity-based connection)', infra: true },
  GITOPS_GIT_URL: { description: 'the config repository URL as Flux v1 was given it (its ownership marks depend on it, e.g. git@github.com:equinor/radix-flux); default https://github.com/GITHUB_REPOSITORY', infra: false },
  GITOPS_STATE_NAMESPACE: { description: 'namespace holding each environment\'s sync state and lease in every cluster; default gitops-system', infra: false },
  GITOPS_PRUNE_MAX_SHARE: { description: 'largest share of an inventory one prune may delete without force; default 0.5', infra: false },
  GITOPS_APPLY_CONCURRENCY: { description: 'objects of one rank a sync applies at once on one cluster (more: fewer round trips, more load on the API server); default 16', infra: false },
  GITOPS_DRIFT_MINUTES: { description: 're-apply everything when the last full sync is older than this; default 60', infra: false },
  GITOPS_FULL_SYNC_INTERVAL_SECONDS: { description: 'at most one full sync per environment that push deliveries trigger in this many seconds (more are left to the reconcile timer); 0 = no limit; default 60', infra: false },
  GITOPS_COMMIT_AUTHOR: { description: 'author of image-update commits, "Name <email>"; default serverless-gitops <serverless-gitops@users.noreply.github.com>', infra: false },
  GITOPS_IMAGE_SCAN_SCHEDULE: { description: 'when the image-scan timer lists the followed repositories of each registry (NCRONTAB, 6 fields); default 0 */10 * * * * (every 10 minutes); the local host takes the form 0 */N * * * *', infra: true },
  GITOPS_IMAGE_SCAN_MAX_TAGS: { description: 'tags listed per repository by a scan, most recently updated first; default 100', infra: false },
  GITOPS_IMAGE_SCAN_MAX_REPOSITORIES: { description: 'repositories one scan lists; the rest are scanned by the next runs in rotation; default 500', infra: false },
  GITOPS_IMAGE_SCAN_MAX_IMAGE_READS: { description: 'image creation times one scan reads (manifest and config blob, cached by digest); default 2000', infra: false },
  GITOPS_IMAGE_SCAN_CONCURRENCY: { description: 'registry requests a scan has in flight per registry; default 4', infra: false },
  GITOPS_HEALTH_TIMEOUT_MINUTES: { description: 'how long a sync waits for its objects to become healthy before reporting "timed out"; default 10 (gitops.yaml healthTimeoutMinutes narrows it per environment)', infra: false },
} as const satisfies Record<string, SettingInfo>;

export type SettingName = keyof typeof SETTINGS;

const optional = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const wholeIn = (min: number, max: number) => (s: string | undefined) => s === undefined || (/^[0-9]+$/.test(s) && Number(s) >= min && Number(s) <= max);

const settingsSchema = z
  .object({
    GITHUB_REPOSITORY: optional.refine((s) => s === undefined || REPOSITORY_NAME.test(s), 'expected owner/name'),
    GITHUB_API_URL: optional.refine((s) => s === undefined || /^https?:\/\/[^\s]+$/.test(s), 'expected an http(s) URL'),
    GITHUB_TOKEN: optional,
    GITHUB_APP_ID: optional.refine((s) => s === undefined || /^[0-9]+$/.test(s), 'expected a numeric App id'),
    GITHUB_APP_PRIVATE_KEY: optional.refine((s) => s === undefined || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s.replace(/\\n/g, '\n')), 'expected a PEM private key'),
    GITHUB_APP_INSTALLATION_ID: optional.refine((s) => s === undefined || /^[0-9]+$/.test(s), 'expected a numeric installation id'),
    GITHUB_WEBHOOK_SECRET: optional,
    GITHUB_WEBHOOK_SECRET_PREVIOUS: optional,
    ACR_WEBHOOK_SECRET: optional.refine((s) => s === undefined, 'replaced by ACR_WEBHOOK_SECRETS, one secret per registry: {"myregistry.azurecr.io": "<secret>"}'),
    ACR_WEBHOOK_SECRETS: optional.transform((s, ctx) => (s === undefined ? new Map<string, string[]>() : parseWebhookSecrets(s, ctx))),
    GITOPS_REGISTRY_TOPICS: optional.transform((s, ctx) => (s === undefined ? new Map<string, string>() : parseRegistryMap(s, ctx))),
    GITOPS_CONFIG: optional,
    GITOPS_ENVIRONMENTS: optional,
    GITOPS_CLUSTER_SCOPES: z.string().optional(),
    GITOPS_API_SERVERS: z.string().optional(),
    GITOPS_REGISTRIES: z.string().optional(),
    GITOPS_PRUNE_ALLOWED: optional.refine((s) => s === undefined || /^(true|false)$/i.test(s), 'expected true or false'),
    GITOPS_PREVIEW_DRY_RUN_ALLOWED: optional.refine((s) => s === undefined || /^(true|false)$/i.test(s), 'expected true or false'),
    GITOPS_KUBECONFIG_EXEC: optional.refine((s) => s === undefined || /^(true|false)$/i.test(s), 'expected true or false'),
    GITOPS_TAKE_OVER_OBJECTS: optional.refine((s) => s === undefined || /^(true|false)$/i.test(s), 'expected true or false'),
    GITOPS_MAX_FILE_BYTES: optional.refine((s) => s === undefined || (Number.isInteger(Number(s)) && Number(s) > 0), 'expected a positive number of bytes'),
    GITOPS_MAX_ENVIRONMENT_BYTES: optional.refine((s) => s === undefined || (Number.isInteger(Number(s)) && Number(s) > 0), 'expected a positive number of bytes'),
    AZURE_CLIENT_ID: optional.refine((s) => s === undefined || /^[0-9a-fA-F-]{36}$/.test(s), 'expected a client id (GUID)'),
    AzureWebJobsStorage: optional,
    AzureWebJobsStorage__queueServiceUri: optional,
    AzureWebJobsStorage__tableServiceUri: optional,
    GITOPS_GIT_URL: optional,
    GITOPS_STATE_NAMESPACE: optional.refine((s) => s === undefined || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s), 'expected a namespace name'),
    GITOPS_PRUNE_MAX_SHARE: optional.refine((s) => s === undefined || (Number(s) > 0 && Number(s) <= 1), 'expected a number in (0, 1]'),
    GITOPS_APPLY_CONCURRENCY: optional.refine(wholeIn(1, 128), 'expected a whole number from 1 to 128'),
    GITOPS_DRIFT_MINUTES: optional.refine((s) => s === undefined || (Number.isInteger(Number(s)) && Number(s) > 0), 'expected whole minutes'),
    GITOPS_FULL_SYNC_INTERVAL_SECONDS: optional.refine((s) => s === undefined || (Number.isInteger(Number(s)) && Number(s) >= 0), 'expected whole seconds (0 = no limit)'),
    GITOPS_COMMIT_AUTHOR: optional.refine((s) => s === undefined || /^[^<>]+ <[^<>\s]+@[^<>\s]+>$/.test(s), 'expected "Name <email>"'),
    GITOPS_IMAGE_SCAN_SCHEDULE: optional.refine((s) => s === undefined || /^\S+( \S+){5}$/.test(s), 'expected an NCRONTAB expression of 6 fields, e.g. 0 */10 * * * *'),
    GITOPS_IMAGE_SCAN_MAX_TAGS: optional.refine(wholeIn(1, 1000), 'expected a whole number from 1 to 1000'),
    GITOPS_IMAGE_SCAN_MAX_REPOSITORIES: optional.refine(wholeIn(1, 100_000), 'expected a whole number from 1 to 100000'),
    GITOPS_IMAGE_SCAN_MAX_IMAGE_READS: optional.refine(wholeIn(0, 1_000_000), 'expected a whole number from 0 to 1000000'),
    GITOPS_IMAGE_SCAN_CONCURRENCY: optional.refine(wholeIn(1, 64), 'expected a whole number from 1 to 64'),
    GITOPS_HEALTH_TIMEOUT_MINUTES: optional.refine(wholeIn(1, 24 * 60), 'expected whole minutes from 1 to 1440'),
  })
  .superRefine((s, ctx) => {
    const app = [s.GITHUB_APP_ID, s.GITHUB_APP_PRIVATE_KEY, s.GITHUB_APP_INSTALLATION_ID];
    if (app.some(Boolean) && !app.every(Boolean)) {
      ctx.addIssue({ code: 'custom', path: ['GITHUB_APP_ID'], message: 'a GitHub App needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID together' });
    }
  });

const LOGIN_SERVER = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/;
const REGISTRY_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[-\w.()]{1,90}\/providers\/microsoft\.containerregistry\/registries\/[a-z0-9]{5,50}$/;

/** `{"<ARM id>": "<login server>"}` → a map keyed by the lower-case id; issues name the bad entry. */
function parseRegistryMap(text: string, ctx: z.RefinementCtx): Map<string, string> {
  const out = new Map<string, string>();
  const value = jsonObject(text, ctx, 'expected JSON {"/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>": "<name>.azurecr.io"}');
  for (const [id, server] of Object.entries(value ?? {})) {
    if (!REGISTRY_ID.test(id.toLowerCase())) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(id.slice(0, 300))}: expected a registry's ARM resource id (/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>)` });
    else if (typeof server !== 'string' || !LOGIN_SERVER.test(server.toLowerCase())) ctx.addIssue({ code: 'custom', message: `${id}: expected the registry's login server, such as myregistry.azurecr.io` });
    else out.set(id.toLowerCase(), server.toLowerCase());
  }
  return out;
}

/** `{"<login server>": "<secret>" | ["<current>", "<previous>"]}` → secrets by login server; never echoes a value. */
function parseWebhookSecrets(text: string, ctx: z.RefinementCtx): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const value = jsonObject(text, ctx, 'expected JSON {"<login server>": "<secret>"} (or an array of secrets while rotating)');
  for (const [server, secret] of Object.entries(value ?? {})) {
    const secrets = typeof secret === 'string' ? [secret] : Array.isArray(secret) && secret.every((x) => typeof x === 'string') ? (secret as string[]) : undefined;
    if (!LOGIN_SERVER.test(server.toLowerCase())) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(server.slice(0, 260))}: expected a registry login server such as myregistry.azurecr.io` });
    else if (!secrets || secrets.length === 0 || secrets.some((x) => x.trim().length < 16)) ctx.addIssue({ code: 'custom', message: `${server}: expected a secret of at least 16 characters (or an array of them)` });
    else out.set(server.toLowerCase(), secrets.map((x) => x.trim()));
  }
  return out;
}

function jsonObject(text: string, ctx: z.RefinementCtx, expected: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not JSON: ${expected}` });
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: expected });
    return undefined;
  }
  return value as Record<string, unknown>;
}

export type GitHubAuth = { kind: 'token'; token: string } | { kind: 'app'; appId: number; privateKey: string; installationId: number };

export interface Settings {
  github?: { repository: string; apiUrl: string; auth: GitHubAuth };
  /** Accepted push webhook secrets, current first; empty = refuse every delivery. */
  webhookSecrets: string[];
  /** ACR classic webhook secrets by registry login server (lower case), current first; a registry without one is refused. */
  acrWebhookSecrets: ReadonlyMap<string, readonly string[]>;
  /** GITOPS_REGISTRY_TOPICS: registry ARM resource id (lower case) → login server, the registries Event Grid events may come from. */
  registryTopics: ReadonlyMap<string, string>;
  /** Inline gitops.yaml from GITOPS_CONFIG (the operator's). */
  configYaml: string | undefined;
  /** GITOPS_ENVIRONMENTS: environment name → the branch whose gitops.yaml defines it. */
  environmentBranches: ReadonlyMap<string, string> | undefined;
  /** What any environment may do (GITOPS_CLUSTER_SCOPES, GITOPS_API_SERVERS, GITOPS_REGISTRIES, GITOPS_PRUNE_ALLOWED, GITOPS_PREVIEW_DRY_RUN_ALLOWED). */
  bounds: OperatorBounds;
  /** GITOPS_KUBECONFIG_EXEC: kubeconfig users with exec plugins may run. */
  kubeconfigExec: boolean;
  /** GITOPS_TAKE_OVER_OBJECTS. */
  takeOverObjects: boolean;
  /** Manifest read limits: per file (by tree size, before fetching) and per environment. */
  maxFileBytes: number;
  maxEnvironmentBytes: number;
  azureClientId: string | undefined;
  storage: { connectionString: string } | { queueServiceUri: string; tableServiceUri: string | undefined } | undefined;
  /** The URL Flux v1's GC marks were computed from, when set. */
  gitUrl: string | undefined;
  stateNamespace: string;
  pruneMaxShare: number;
  /** Objects of one rank applied at once per cluster (GITOPS_APPLY_CONCURRENCY); unset: the sync's default (16). */
  applyConcurrency: number | undefined;
  /** At most one delivery-triggered full sync per environment per this many seconds (0 = no limit). */
  fullSyncIntervalSeconds: number;
  driftMinutes: number;
  commitAuthor: { name: string; email: string };
  imageScan: { schedule: string; maxTags: number; maxRepositories: number; maxImageReads: number; concurrency: number };
  /** Default wait for objects to become healthy after a sync. */
  healthTimeoutMinutes: number;
}

/** What the cluster connector takes from the settings: where tokens may go, and whether exec plugins run. */
export function connectorBounds(settings: Settings): { apiServers?: readonly string[]; clusterScopes?: readonly ClusterScope[]; allowExec: boolean } {
  const { apiServers, clusterScopes } = settings.bounds;
  return { ...(apiServers ? { apiServers } : {}), ...(clusterScopes ? { clusterScopes } : {}), allowExec: settings.kubeconfigExec };
}

export const DEFAULT_IMAGE_SCAN_SCHEDULE = '0 */10 * * * *';

/** Reads and validates settings from an environment map; throws ConfigError naming every bad setting. */
export function loadSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  // App Service passes an unresolved Key Vault reference through as its literal text: never use that as a value.
  const unresolved = Object.keys(SETTINGS).filter((name) => /^@Microsoft\.KeyVault\(/i.test(env[name]?.trim() ?? ''));
  if (unresolved.length > 0) {
    throw new ConfigError(unresolved.map((name) => `setting ${name}: its Key Vault reference did not resolve (does the secret exist, and may the app's identity read it?)`));
  }
  const r = settingsSchema.safeParse(env);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => `setting ${issuePath(i)}: ${i.message}`));
  }
  const s = r.data;
  const problems: string[] = [];
  let github: Settings['github'];
  if (s.GITHUB_REPOSITORY) {
    const auth: GitHubAuth | undefined = s.GITHUB_APP_ID
      ? { kind: 'app', appId: Number(s.GITHUB_APP_ID), privateKey: s.GITHUB_APP_PRIVATE_KEY!.replace(/\\n/g, '\n'), installationId: Number(s.GITHUB_APP_INSTALLATION_ID) }
      : s.GITHUB_TOKEN
        ? { kind: 'token', token: s.GITHUB_TOKEN }
        : undefined;
    if (!auth) problems.push('setting GITHUB_TOKEN: GITHUB_REPOSITORY is set, so GitHub needs a token or a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)');
    else github = { repository: s.GITHUB_REPOSITORY, apiUrl: (s.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''), auth };
  } else if (s.GITHUB_TOKEN || s.GITHUB_APP_ID) {
    problems.push('setting GITHUB_REPOSITORY: GitHub credentials are set, so the config repository (owner/name) is needed too');
  }
  const environmentBranches = s.GITOPS_ENVIRONMENTS === undefined ? undefined : parseEnvironmentBranches(s.GITOPS_ENVIRONMENTS, problems);
  if (s.GITOPS_CONFIG !== undefined && environmentBranches) {
    problems.push('setting GITOPS_ENVIRONMENTS: GITOPS_CONFIG is set too; choose one source of environment definitions');
  }
  const bounds = parseBounds(s, problems);
  if (bounds.registries) {
    for (const [id, server] of s.GITOPS_REGISTRY_TOPICS) {
      if (!bounds.registries.includes(server)) problems.push(`setting GITOPS_REGISTRY_TOPICS: ${id} maps to ${server}, which GITOPS_REGISTRIES does not list`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const author = /^(.+) <(.+)>$/.exec(s.GITOPS_COMMIT_AUTHOR ?? `${DEFAULT_COMMITTER.name} <${DEFAULT_COMMITTER.email}>`)!;
  return {
    ...(github ? { github } : {}),
    webhookSecrets: [s.GITHUB_WEBHOOK_SECRET, s.GITHUB_WEBHOOK_SECRET_PREVIOUS].filter((x): x is string => Boolean(x)),
    acrWebhookSecrets: s.ACR_WEBHOOK_SECRETS,
    registryTopics: s.GITOPS_REGISTRY_TOPICS,
    configYaml: s.GITOPS_CONFIG,
    environmentBranches,
    bounds,
    kubeconfigExec: /^true$/i.test(s.GITOPS_KUBECONFIG_EXEC ?? ''),
    takeOverObjects: /^true$/i.test(s.GITOPS_TAKE_OVER_OBJECTS ?? ''),
    maxFileBytes: s.GITOPS_MAX_FILE_BYTES ? Number(s.GITOPS_MAX_FILE_BYTES) : 2 * 1024 * 1024,
    maxEnvironmentBytes: s.GITOPS_MAX_ENVIRONMENT_BYTES ? Number(s.GITOPS_MAX_ENVIRONMENT_BYTES) : 32 * 1024 * 1024,
    azureClientId: s.AZURE_CLIENT_ID,
    storage: s.AzureWebJobsStorage
      ? { connectionString: s.AzureWebJobsStorage }
      : s.AzureWebJobsStorage__queueServiceUri
        ? { queueServiceUri: s.AzureWebJobsStorage__queueServiceUri, tableServiceUri: s.AzureWebJobsStorage__tableServiceUri }
        : undefined,
    gitUrl: s.GITOPS_GIT_URL,
    stateNamespace: s.GITOPS_STATE_NAMESPACE ?? 'gitops-system',
    pruneMaxShare: s.GITOPS_PRUNE_MAX_SHARE ? Number(s.GITOPS_PRUNE_MAX_SHARE) : 0.5,
    applyConcurrency: s.GITOPS_APPLY_CONCURRENCY ? Number(s.GITOPS_APPLY_CONCURRENCY) : undefined,
    driftMinutes: s.GITOPS_DRIFT_MINUTES ? Number(s.GITOPS_DRIFT_MINUTES) : 60,
    fullSyncIntervalSeconds: s.GITOPS_FULL_SYNC_INTERVAL_SECONDS !== undefined ? Number(s.GITOPS_FULL_SYNC_INTERVAL_SECONDS) : 60,
    commitAuthor: { name: author[1]!, email: author[2]! },
    imageScan: {
      schedule: s.GITOPS_IMAGE_SCAN_SCHEDULE ?? DEFAULT_IMAGE_SCAN_SCHEDULE,
      maxTags: Number(s.GITOPS_IMAGE_SCAN_MAX_TAGS ?? 100),
      maxRepositories: Number(s.GITOPS_IMAGE_SCAN_MAX_REPOSITORIES ?? 500),
      maxImageReads: Number(s.GITOPS_IMAGE_SCAN_MAX_IMAGE_READS ?? 2000),
      concurrency: Number(s.GITOPS_IMAGE_SCAN_CONCURRENCY ?? 4),
    },
    healthTimeoutMinutes: Number(s.GITOPS_HEALTH_TIMEOUT_MINUTES ?? 10),
  };
}

const list = (text: string): string[] => text.split(',').map((x) => x.trim()).filter(Boolean);
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** `development=master,production=release` → name → branch; problems name the pair. */
function parseEnvironmentBranches(text: string, problems: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of list(text)) {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=([^\s=,]+)$/.exec(pair);
    if (!m) problems.push(`setting GITOPS_ENVIRONMENTS: "${pair}": expected environment=branch`);
    else if (map.has(m[1]!)) problems.push(`setting GITOPS_ENVIRONMENTS: environment ${m[1]} is named twice`);
    else map.set(m[1]!, m[3]!);
  }
  if (map.size === 0 && problems.length === 0) problems.push('setting GITOPS_ENVIRONMENTS: expected at least one environment=branch pair');
  return map;
}

function parseBounds(s: { GITOPS_CLUSTER_SCOPES?: string | undefined; GITOPS_API_SERVERS?: string | undefined; GITOPS_REGISTRIES?: string | undefined; GITOPS_PRUNE_ALLOWED?: string | undefined; GITOPS_PREVIEW_DRY_RUN_ALLOWED?: string | undefined }, problems: string[]): OperatorBounds {
  const bounds: OperatorBounds = {};
  if (s.GITOPS_CLUSTER_SCOPES !== undefined) {
    const scopes: ClusterScope[] = [];
    for (const item of list(s.GITOPS_CLUSTER_SCOPES)) {
      const [subscription, resourceGroup, extra] = item.split('/');
      if (!GUID.test(subscription ?? '') || resourceGroup === '' || extra !== undefined) problems.push(`setting GITOPS_CLUSTER_SCOPES: "${item}": expected <subscription id> or <subscription id>/<resource group>`);
      else scopes.push({ subscription: subscription!, ...(resourceGroup ? { resourceGroup } : {}) });
    }
    bounds.clusterScopes = scopes;
  }
  if (s.GITOPS_API_SERVERS !== undefined) {
    const servers = list(s.GITOPS_API_SERVERS);
    for (const server of servers) if (!/^https:\/\/[^\s/]+/i.test(server)) problems.push(`setting GITOPS_API_SERVERS: "${server}": expected an https URL (the token never goes over http)`);
    bounds.apiServers = servers;
  }
  if (s.GITOPS_REGISTRIES !== undefined) bounds.registries = list(s.GITOPS_REGISTRIES).map((r) => r.toLowerCase());
  if (s.GITOPS_PRUNE_ALLOWED !== undefined) bounds.pruneAllowed = /^true$/i.test(s.GITOPS_PRUNE_ALLOWED);
  if (s.GITOPS_PREVIEW_DRY_RUN_ALLOWED !== undefined) bounds.previewDryRunAllowed = /^true$/i.test(s.GITOPS_PREVIEW_DRY_RUN_ALLOWED);
  return bounds;
}
