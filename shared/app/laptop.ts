/**
 * The laptop's composition root: the adapters the CLI's commands (cli/commands/*) work with, assembled here as
 * local-runtime.ts assembles the local host's, so no command builds one itself and each default ($KUBECONFIG,
 * ~/.kube/config, the state namespace, GITOPS_KUBECONFIG_EXEC) is read in one place.
 * - sources: the working tree of `--repo DIR` (uncommitted edits count), or its git repository (revisions,
 *   branch HEADs, commits written with plumbing);
 * - clusters: the contexts of a `--kubeconfig` file, or the environment's own selection as the app makes it
 *   (Azure discovery with the developer's Azure credentials, static servers, kubeconfig contexts);
 * - registries: Azure Container Registries with the developer's Azure credentials, as the app uses its identity.
 * Azure's SDKs are loaded only when a command needs them.
 */
import os from 'node:os';
import path from 'node:path';
import { cachedTokenSource, createAzureArm, createClusterConnector, DEFAULT_STATE_NAMESPACE, systemClock, type Clock, type ClusterConnector } from '../clusters/index.ts';
import type { RegistryAccess } from '../pipeline/registry-tags.ts';
import { LocalGitSource } from '../sources/local-git.ts';
import { WorkingTreeSource, WORKING_TREE } from '../sources/working-tree.ts';

/** The process environment a laptop command or the local host runs with. */
export type HostEnv = Readonly<Record<string, string | undefined>>;

/** The laptop's clock (the wall clock). */
export const laptopClock: Clock = systemClock;

/** The kubeconfig read when an environment selects contexts without naming a file: $KUBECONFIG, else ~/.kube/config (as kubectl). */
export function defaultKubeconfig(env: HostEnv): string {
  return env.KUBECONFIG ?? path.join(os.homedir(), '.kube', 'config');
}

/** Where each cluster's sync state, lease and suspension live: $GITOPS_STATE_NAMESPACE, else gitops-system. */
export function stateNamespace(env: HostEnv): string {
  return env.GITOPS_STATE_NAMESPACE ?? DEFAULT_STATE_NAMESPACE;
}

/** GITOPS_KUBECONFIG_EXEC=true: kubeconfig users with an exec plugin may run it (the operator's kubeconfig only). */
const execAllowed = (env: HostEnv): boolean => /^true$/i.test(env.GITOPS_KUBECONFIG_EXEC ?? '');

/** A connector for targets that name their kubeconfig file (`--kubeconfig F`): no Azure, no default file. */
export function kubeconfigConnector(env: HostEnv): ClusterConnector {
  return createClusterConnector({ clock: laptopClock, allowExec: execAllowed(env) });
}

/** A connector for an environment's own selection, as the app makes it, with the developer's Azure credentials (az login, environment, managed identity). */
export async function azureConnector(env: HostEnv): Promise<ClusterConnector> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential();
  return createClusterConnector({
    clock: laptopClock, arm: createAzureArm(credential), aksTokens: cachedTokenSource(credential, laptopClock),
    defaultKubeconfig: defaultKubeconfig(env), allowExec: execAllowed(env),
  });
}

/** The directory as it is on disk, and the one revision it answers for every branch. */
export function openWorkingTree(dir: string): { source: WorkingTreeSource; revision: string } {
  return { source: new WorkingTreeSource(dir), revision: WORKING_TREE };
}

/** The git repository in `dir`, read and written with plumbing (the working tree is never touched). */
export function openLocalGit(dir: string): LocalGitSource {
  return new LocalGitSource(dir);
}

/**
 * Registry readers for the hosts `listed` (an environment's registries), with the developer's Azure credentials
 * built on first use. Only Azure Container Registries (`*.azurecr.io`) get them, as in the app: the credential
 * never goes to a host a repository names. Any other host gets undefined (not asked).
 */
export async function developerRegistries(listed: readonly string[]): Promise<(host: string) => RegistryAccess | undefined> {
  const allowed = new Set(listed.map((r) => r.toLowerCase()));
  const [{ DefaultAzureCredential }, { acrAccess }] = await Promise.all([import('@azure/identity'), import('../registry/acr-access.ts')]);
  let credential: InstanceType<typeof DefaultAzureCredential> | undefined;
  const acr = acrAccess(() => (credential ??= new DefaultAzureCredential()));
  const cache = new Map<string, RegistryAccess>();
  return (host) => {
    const h = host.toLowerCase();
    if (!allowed.has(h)) return undefined;
    let access = cache.get(h);
    if (!access) {
      const a = acr.registry(h);
      if (!a) return undefined;
      access = { lister: a.tags, reader: a.manifests };
      cache.set(h, access);
    }
    return access;
  };
}
