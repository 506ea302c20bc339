/**
 * What the image scan and the build-time reads may reach: Azure Container Registries (`*.azurecr.io`)
 * with the managed identity, one tag lister and manifest reader per registry host. Other hosts get
 * nothing, so the identity's tokens never go anywhere else.
 */
import type { TokenCredential } from '@azure/identity';
import type { RegistryAccess } from '../pipeline/scan-images.ts';
import { acrManifestReader } from './acr-manifest-reader.ts';
import { acrTagLister } from './acr-tag-lister.ts';
import type { ManifestReader } from './build-times.ts';

export interface AcrAccess {
  manifests(host: string): ManifestReader | undefined;
  registry(host: string): RegistryAccess | undefined;
}

/** `credential` is called on first use (the local host builds none until a registry is read). */
export function acrAccess(credential: () => TokenCredential): AcrAccess {
  const readers = new Map<string, ManifestReader>();
  const access = new Map<string, RegistryAccess>();
  const manifests = (host: string) => {
    if (!host.endsWith('.azurecr.io')) return undefined;
    let r = readers.get(host);
    if (!r) readers.set(host, (r = acrManifestReader(host, credential())));
    return r;
  };
  return {
    manifests,
    registry(host) {
      const m = manifests(host);
      if (!m) return undefined;
      let a = access.get(host);
      if (!a) access.set(host, (a = { tags: acrTagLister(host, credential()), manifests: m }));
      return a;
    },
  };
}
