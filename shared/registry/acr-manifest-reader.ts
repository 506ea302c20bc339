/** ManifestReader over Azure Container Registry with an Entra credential (the managed identity). */
import { ContainerRegistryContentClient, KnownContainerRegistryAudience } from '@azure/container-registry';
import type { TokenCredential } from '@azure/identity';
import { text } from 'node:stream/consumers';
import type { ManifestReader } from './build-times.ts';

/** A reader for one registry host; clients are kept per repository. */
export function acrManifestReader(registry: string, credential: TokenCredential): ManifestReader {
  const clients = new Map<string, ContainerRegistryContentClient>();
  const client = (repository: string) => {
    let c = clients.get(repository);
    if (!c) {
      c = new ContainerRegistryContentClient(`https://${registry}`, repository, credential, { audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud });
      if (clients.size > 256) clients.clear();
      clients.set(repository, c);
    }
    return c;
  };
  return {
    async getManifest(repository, tagOrDigest) {
      const r = await client(repository).getManifest(tagOrDigest);
      return { mediaType: r.mediaType, manifest: r.manifest };
    },
    async downloadBlob(repository, digest) {
      const r = await client(repository).downloadBlob(digest);
      return Buffer.from(await text(r.content));
    },
  };
}
