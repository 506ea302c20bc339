/**
 * What the image scan and the build-time reads may reach: Azure Container Registries (`*.azurecr.io`)
 * with the managed identity, one tag lister and manifest reader per registry host. Other hosts get
 * nothing, so the identity's tokens never go anywhere else.
 */
import type { TokenCredential } from '@azure/identity';
import type { RegistryAccess } from '../pipeline/scan-images.ts';
import { acrManifestReader, type AcrClientOptions } from './acr-manifest-reader.ts';
import { acrTagLister } from './acr-tag-lister.ts';
import type { ManifestReader } from './build-times.ts';
import type { TagLister } from './tag-lister.ts';

export interface AcrAccess {
  manifests(host: string): ManifestReader | undefined;
  tags(host: string): TagLister | undefined;
  registry(host: string): RegistryAccess | undefined;
}

/**
 * `credential` is called on first use (the local host builds none until a registry is read); `options` gives a
 * host's client options (tests point a registry at the ACR fake).
 */
export function acrAccess(credential: () => TokenCredential, options?: (host: string) => AcrClientOptions | undefined): AcrAccess {
  const readers = new Map<string, ManifestReader>();
  const listers = new Map<string, TagLister>();
  const isAcr = (host: string) => host.endsWith('.azurecr.io');
  const manifests = (host: string) => {
    if (!isAcr(host)) return undefined;
    let r = readers.get(host);
    if (!r) readers.set(host, (r = acrManifestReader(host, credential(), options?.(host))));
    return r;
  };
  const tags = (host: string) => {
    if (!isAcr(host)) return undefined;
    let l = listers.get(host);
    if (!l) listers.set(host, (l = acrTagLister(host, credential(), options?.(host))));
    return l;
  };
  return {
    manifests,
    tags,
    registry(host) {
      const t = tags(host);
      const m = manifests(host);
      return t && m ? { tags: t, manifests: m } : undefined;
    },
  };
}
