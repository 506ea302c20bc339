/**
 * When was an image built? The image config's `created` time, as Flux v1 read
 * it: tag → manifest (for a multi-platform index, the linux/amd64 entry) →
 * config blob → `created`. Used to refuse pushing an image older than the one
 * a workload runs. Unknown stays unknown: any failure leaves the image out.
 */
import { canonicalName, formatImageRef, type ImageRef } from '../images/index.ts';
import type { Logger } from '../pipeline/logger.ts';

/** Reads manifests and blobs of one registry (ACR through @azure/container-registry, or a fake). */
export interface ManifestReader {
  getManifest(repository: string, tagOrDigest: string): Promise<{ mediaType: string; manifest: Record<string, unknown> }>;
  downloadBlob(repository: string, digest: string): Promise<Buffer>;
}

/** The key build times are looked up by: canonical repository and tag. */
export function buildTimeKey(ref: ImageRef): string {
  return `${canonicalName(ref)}:${ref.tag ?? ''}`;
}

/** Build times of the tagged refs whose registry has a reader; failures are logged and left out. */
export async function readBuildTimes(refs: readonly ImageRef[], readerFor: (registry: string) => ManifestReader | undefined, log: Logger): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  await Promise.all(
    refs.map(async (ref) => {
      const reader = ref.domain && ref.tag ? readerFor(ref.domain.toLowerCase()) : undefined;
      if (!reader) return;
      try {
        const created = await buildTime(reader, ref.image, ref.tag!);
        if (created) out.set(buildTimeKey(ref), created);
      } catch (err) {
        log.warn('registry.build-time-unknown', { image: formatImageRef(ref), result: (err as Error).message });
      }
    }),
  );
  return out;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

async function buildTime(reader: ManifestReader, repository: string, tag: string): Promise<Date | undefined> {
  return (await imageCreated(reader, repository, tag)) ?? undefined;
}

/**
 * The creation time of the image a tag or digest names: null when the image records none (or is an
 * index without a linux/amd64 entry). Failures throw.
 */
export async function imageCreated(reader: ManifestReader, repository: string, tagOrDigest: string): Promise<Date | null> {
  let { mediaType, manifest } = await reader.getManifest(repository, tagOrDigest);
  if (INDEX_TYPES.has(mediaType) || Array.isArray(manifest.manifests)) {
    const digest = platformManifest(manifest);
    if (!digest) return null;
    ({ manifest } = await reader.getManifest(repository, digest));
  }
  const config = manifest.config as { digest?: unknown } | undefined;
  if (typeof config?.digest !== 'string') return null;
  return createdOf(await reader.downloadBlob(repository, config.digest)) ?? null;
}

/** The linux/amd64 entry of an image index (Flux v1's choice), else undefined. */
export function platformManifest(index: Record<string, unknown>): string | undefined {
  const entries = Array.isArray(index.manifests) ? (index.manifests as { digest?: unknown; platform?: { os?: unknown; architecture?: unknown } }[]) : [];
  const entry = entries.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64');
  return typeof entry?.digest === 'string' ? entry.digest : undefined;
}

/** The `created` time of an image config blob; undefined when absent, zero (reproducible builds) or unreadable. */
export function createdOf(config: Buffer): Date | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.toString('utf8'));
  } catch {
    return undefined;
  }
  const created = (parsed as { created?: unknown } | null)?.created;
  if (typeof created !== 'string') return undefined;
  const t = new Date(created);
  return Number.isNaN(t.getTime()) || t.getTime() <= 0 ? undefined : t;
}
