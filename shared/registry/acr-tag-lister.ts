/**
 * TagLister over Azure Container Registry (`/acr/v1/{repo}/_tags`) through `@azure/container-registry`,
 * authenticated with the managed identity. One client per registry; the SDK exchanges the Entra token
 * for an ACR refresh token once and an access token per repository, and retries 429s after the
 * registry's Retry-After.
 */
import { ContainerRegistryClient, KnownContainerRegistryAudience } from '@azure/container-registry';
import type { TokenCredential } from '@azure/identity';
import { ACR_RETRY_OPTIONS, type AcrClientOptions } from './acr-manifest-reader.ts';
import type { TagLister } from './tag-lister.ts';

export function acrTagLister(registry: string, credential: TokenCredential, options: AcrClientOptions = {}): TagLister {
  const client = new ContainerRegistryClient(options.endpoint ?? `https://${registry}`, credential, {
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
    retryOptions: ACR_RETRY_OPTIONS,
    ...options.clientOptions,
  });
  return {
    async listTags(repository, max) {
      // The tag list is the repository's (the artifact's reference is not sent), newest update first.
      const pages = client.getArtifact(repository, 'latest').listTagProperties({ order: 'LastUpdatedOnDescending' }).byPage({ maxPageSize: max });
      const first = await pages.next();
      const page = first.done ? [] : first.value;
      return {
        tags: page.slice(0, max).map((t) => ({ name: t.name, digest: t.digest })),
        more: page.length > max || Boolean((page as { continuationToken?: string }).continuationToken),
      };
    },
    async tagDigest(repository, tag) {
      try {
        return (await client.getArtifact(repository, tag).getTagProperties(tag)).digest;
      } catch (err) {
        if ((err as { statusCode?: unknown }).statusCode === 404) return undefined;
        throw err;
      }
    },
  };
}
