/**
 * Registry access for CLI commands: only the registries the environment lists, over https, with the
 * developer's Azure credentials (shared/app/laptop.ts: Azure Container Registries only, as the app uses its
 * identity). Tests pass their own access through the command context.
 */
import type { Environment } from '../shared/config/index.ts';
import type { RegistryAccess } from '../shared/pipeline/registry-tags.ts';
import type { CommandContext } from './context.ts';

export type RegistryAccessFor = (host: string) => RegistryAccess | undefined;

/** Access to `env`'s registries; undefined for any other host (no credential goes there). */
export async function registryAccess(ctx: CommandContext, env: Environment): Promise<RegistryAccessFor> {
  if (ctx.registries) {
    const listed = new Set(env.registries.map((r) => r.toLowerCase()));
    return (host) => (listed.has(host.toLowerCase()) ? ctx.registries!(host.toLowerCase()) : undefined);
  }
  // Loaded only when a command reads a registry (Azure's SDKs are large).
  const { developerRegistries } = await import('../shared/app/laptop.ts');
  return developerRegistries(env.registries);
}
