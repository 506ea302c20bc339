/**
 * Registry access for CLI commands: only the registries the environment lists, over https, with the
 * developer's Azure credentials (az login, environment, managed identity) as the app uses its identity.
 * Tests pass their own access through the command context.
 */
import type { Environment } from '../shared/config/index.ts';
import type { RegistryAccess } from '../shared/pipeline/registry-tags.ts';
import type { CommandContext } from './context.ts';

export type RegistryAccessFor = (host: string) => RegistryAccess | undefined;

/** Access to `env`'s registries; undefined for any other host (no credential goes there). */
export async function registryAccess(ctx: CommandContext, env: Environment): Promise<RegistryAccessFor> {
  const listed = new Set(env.registries.map((r) => r.toLowerCase()));
  if (ctx.registries) return (host) => (listed.has(host.toLowerCase()) ? ctx.registries!(host.toLowerCase()) : undefined);
  const [{ DefaultAzureCredential }, { acrTagLister }, { acrManifestReader }] = await Promise.all([
    import('@azure/identity'), import('../shared/registry/acr-tag-lister.ts'), import('../shared/registry/acr-manifest-reader.ts'),
  ]);
  let credential: InstanceType<typeof DefaultAzureCredential> | undefined;
  const cache = new Map<string, RegistryAccess>();
  return (host) => {
    const h = host.toLowerCase();
    if (!listed.has(h)) return undefined;
    let access = cache.get(h);
    if (!access) {
      credential ??= new DefaultAzureCredential();
      access = { lister: acrTagLister(h, credential), reader: acrManifestReader(h, credential) };
      cache.set(h, access);
    }
    return access;
  };
}
