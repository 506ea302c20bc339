/** ManifestReader over Azure Container Registry with an Entra credential (the managed identity). */
import { ContainerRegistryContentClient, KnownContainerRegistryAudience, type ContainerRegistryContentClientOptions } from '@azure/container-registry';
import type { TokenCredential } from '@azure/identity';
import { text } from 'node:stream/consumers';
import type { ManifestReader } from './build-times.ts';

export interface AcrClientOptions {
  /** The registry's endpoint; default `https://<registry>` (always https: the client sends the identity's tokens). */
  endpoint?: string;
  /** Pipeline options (retries, `tlsOptions` with a CA for a test registry). */
  clientOptions?: ContainerRegistryContentClientOptions;
}

/** Retries of one registry request: throttling (429 with Retry-After) and transient failures, with backoff. */
export const ACR_RETRY_OPTIONS = { maxRetries: 6, retryDelayInMs: 200, maxRetryDelayInMs: 10_000 } as const;

/** A reader for one registry host; clients are kept per repository. */
export function acrManifestReader(registry: string, credential: TokenCredential, options: AcrClientOptions = {}): ManifestReader {
  const endpoint = options.endpoint ?? `https://${registry}`;
  const clients = new Map<string, ContainerRegistryContentClient>();
  const client = (repository: string) => {
    let c = clients.get(repository);
    if (!c) {
      c = new ContainerRegistryContentClient(endpoint, repository, credential, {
        audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
        retryOptions: ACR_RETRY_OPTIONS,
        ...options.clientOptions,
      });
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
