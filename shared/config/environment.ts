/**
 * The environment model: where an environment's manifests live in the config
 * repository, which clusters receive them, and how image updates are written.
 */

/** Azure Resource Manager discovery of AKS clusters. */
export interface AzureClusterSelection {
  /** Subscription id to search; required for discovery to run. */
  subscription: string;
  /** Resource groups to search; empty = the whole subscription. */
  resourceGroups: readonly string[];
  /** Cluster-name glob (micromatch), e.g. `weekly-*`. */
  names?: string;
  /** Tags the cluster must carry (all of them, exact values). */
  tags: Readonly<Record<string, string>>;
}

/** Contexts of a kubeconfig file (local clusters). */
export interface KubeconfigClusterSelection {
  /** Kubeconfig path; default: `$KUBECONFIG` or `~/.kube/config`, resolved by the adapter. */
  path?: string;
  /** Context-name glob (micromatch), e.g. `kind-*`. */
  contexts: string;
}

/** A cluster named explicitly. */
export interface StaticCluster {
  name: string;
  /** API server URL, e.g. `https://weekly-47-dns.hcp.northeurope.azmk8s.io:443`. */
  server: string;
  /** PEM CA bundle, base64 (as in a kubeconfig). */
  certificateAuthorityData?: string;
  /** How to authenticate: an AKS Entra token from the managed identity, or nothing (local fakes). */
  auth: 'azure' | 'none';
}

export interface ClusterSelection {
  azure?: AzureClusterSelection;
  kubeconfig?: KubeconfigClusterSelection;
  static: readonly StaticCluster[];
}

export type ImageUpdateMode = 'commit' | 'pull-request';

/**
 * Where a generated environment's per-cluster variables come from: a ConfigMap in each target cluster, read
 * with that cluster's credentials before building. With `key`, that value holds `name: value` lines;
 * without it, every data entry is a variable.
 */
export interface VariablesSource {
  configMap: { namespace: string; name: string; key?: string };
}

export interface Environment {
  /** Environment name (the key in gitops.yaml). */
  name: string;
  /** Git branch holding this environment. */
  branch: string;
  /** Directory in the repository, repo-relative, no leading or trailing slash; '' is the repository root. */
  path: string;
  /** Namespace for namespaced objects that name none. */
  namespace: string;
  clusters: ClusterSelection;
  /** Registry hosts (lower case) whose image pushes may update this environment. */
  registries: readonly string[];
  /** `commit` pushes image updates to the branch; `pull-request` proposes them (protected branches). */
  imageUpdates: ImageUpdateMode;
  /** Delete objects this environment created that are no longer in git. */
  prune: boolean;
  /** Per-cluster variables substituted into generated (`.flux.yaml`) environments. */
  variables?: VariablesSource;
  /** How long a sync waits for its objects to become healthy; narrows GITOPS_HEALTH_TIMEOUT_MINUTES, never widens it. */
  healthTimeoutMinutes?: number;
  /** How this environment receives its configuration from another one (`gitops promote --to`). */
  promotion?: Promotion;
  /** Pull-request previews; absent = defaults (no dry run). */
  previews?: PreviewSettings;
  /**
   * The `--git-path` of the Flux v1 daemon this environment takes over, exactly as it was given (`./a` and `a`
   * give different GC marks); a spelling of `path`. Absent: `[path]`.
   */
  fluxGitPaths?: readonly string[];
}

/** The paths Flux v1's sync-set name is computed from for this environment (the GC marks depend on them). */
export function syncSetPaths(env: Environment): readonly string[] {
  return env.fluxGitPaths ?? [env.path];
}

/**
 * Promotion into an environment (the seed's steps 2 and 3): its files become the source environment's files with
 * registries and tag filters rewritten, automated containers keeping the target's tag where the target's filter
 * rejects the source's.
 */
export interface Promotion {
  /** The source environment (another environment of the same configuration). */
  from: string;
  rewrite: {
    /** Registry host in the source → registry host in the target (lower case; targets are listed by the target). */
    registries: Readonly<Record<string, string>>;
    /** Tag filter in the source → tag filter in the target, e.g. `glob:master-*` → `glob:release-*`. */
    filters: Readonly<Record<string, string>>;
  };
  /** Globs (micromatch) relative to the environment directory selecting what is promoted; omitted: every file. */
  paths?: readonly string[];
  /** Open or update the promotion pull request when every cluster of the source reports success. */
  auto: boolean;
}

/** How pull requests to the environment's branch are previewed. */
export interface PreviewSettings {
  /** Server-side dry runs of the head's changed objects on live clusters: how many clusters, `all`, or `none` (default). */
  dryRun: number | 'all' | 'none';
}

/** The health timeout of an environment: its own, bounded by the operator's setting. */
export function healthTimeoutMs(env: Environment, settingMinutes: number): number {
  return Math.min(env.healthTimeoutMinutes ?? settingMinutes, settingMinutes) * 60_000;
}

export interface GitopsConfig {
  /** `owner/name` of the config repository, when the config names it. */
  repository?: string;
  environments: readonly Environment[];
  /** Where the config came from: a file path, or `embedded defaults`. */
  source: string;
  /**
   * Environments whose definition cannot be used (their branch's gitops.yaml is missing, broken or beyond the
   * operator's bounds): they are not deployed, with this reason; every other environment is.
   */
  unavailable?: readonly UnavailableEnvironment[];
}

export interface UnavailableEnvironment {
  name: string;
  /** The branch whose gitops.yaml should define it. */
  branch: string;
  reason: string;
  /** The file could not be read (a retry may cure it), rather than read and refused. */
  transient?: boolean;
}

/** The seed's three environments (equinor/radix-flux): development, playground and production. */
export const SEED_ENVIRONMENTS: readonly Environment[] = Object.freeze([
  seedEnvironment('development', 'master', 'development-configs', 'weekly-*', ['radixdev.azurecr.io']),
  seedEnvironment('playground', 'release', 'playground-configs', 'playground-*', ['radixdev.azurecr.io']),
  seedEnvironment('production', 'release', 'production-configs', 'prod-*', ['radixprod.azurecr.io']),
]);

/** The configuration used when the repository has no gitops.yaml and none is given. */
export const DEFAULT_CONFIG: GitopsConfig = Object.freeze({
  environments: SEED_ENVIRONMENTS,
  source: 'embedded defaults',
});

function seedEnvironment(name: string, branch: string, path: string, pattern: string, registries: string[]): Environment {
  return Object.freeze({
    name,
    branch,
    path,
    namespace: 'default',
    // No subscription is known without configuration: clusters come from kubeconfig contexts
    // named like the seed's clusters, so a laptop with `kind-weekly-1` style contexts works.
    clusters: Object.freeze({ kubeconfig: { contexts: pattern }, static: [] }),
    registries: Object.freeze(registries),
    imageUpdates: 'commit',
    prune: false,
  });
}

/** Environments deployed from a branch, in configuration order. */
export function environmentsOnBranch(config: GitopsConfig, branch: string): Environment[] {
  return config.environments.filter((e) => e.branch === branch);
}

/** Environments that list a registry host (compared case-insensitively). */
export function environmentsForRegistry(config: GitopsConfig, registry: string): Environment[] {
  const host = registry.toLowerCase();
  return config.environments.filter((e) => e.registries.includes(host));
}

/** Finds an environment by name, or undefined. */
export function findEnvironment(config: GitopsConfig, name: string): Environment | undefined {
  return config.environments.find((e) => e.name === name);
}

/** True when a repo-relative file path lies inside an environment's directory. */
export function pathInEnvironment(env: Environment, file: string): boolean {
  return env.path === '' || file === env.path || file.startsWith(`${env.path}/`);
}
