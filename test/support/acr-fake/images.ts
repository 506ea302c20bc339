/**
 * The ACR fake's content: repositories of tags pointing to manifests (Docker v2 or an OCI index
 * with a linux/amd64 entry) whose config blobs record a creation time. Digests are the real
 * sha256 of the bytes served, as the client verifies them.
 */
import { createHash } from 'node:crypto';

export interface PushOptions {
  /** The image config's `created` (ISO time); null = none recorded. Default: the fake's clock. */
  created?: string | null;
  /** Serve a multi-platform OCI index (linux/arm64 and linux/amd64). */
  index?: boolean;
  /** Point the tag to the image another tag of the repository names (no new image). */
  sameAs?: string;
}

export interface StoredTag {
  name: string;
  digest: string;
  createdTime: string;
  lastUpdateTime: string;
}

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class FakeImages {
  readonly tags = new Map<string, Map<string, StoredTag>>();
  readonly manifests = new Map<string, { mediaType: string; body: Buffer }>();
  readonly blobs = new Map<string, Buffer>();
  private tick = Date.parse('2026-11-01T00:00:00Z');

  private now(): string {
    this.tick += 1000;
    return new Date(this.tick).toISOString();
  }

  private store(mediaType: string, value: unknown): string {
    const body = Buffer.from(JSON.stringify(value));
    const digest = sha(body);
    this.manifests.set(digest, { mediaType, body });
    return digest;
  }

  /** Pushes (or re-points) `repository:tag`; returns the manifest digest the tag names. */
  push(repository: string, tag: string, options: PushOptions = {}): string {
    const repo = this.tags.get(repository) ?? new Map<string, StoredTag>();
    this.tags.set(repository, repo);
    const at = this.now();
    let digest: string;
    if (options.sameAs !== undefined) {
      const other = repo.get(options.sameAs);
      if (!other) throw new Error(`no tag ${options.sameAs} in ${repository}`);
      digest = other.digest;
    } else {
      const created = options.created === undefined ? at : options.created;
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', ...(created === null ? {} : { created }), config: { Labels: { tag } } }));
      const configDigest = sha(config);
      this.blobs.set(configDigest, config);
      const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'0'.repeat(64)}`, size: 0 };
      const manifest = { schemaVersion: 2, mediaType: options.index ? OCI_MANIFEST : DOCKER_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [layer] };
      const image = this.store(options.index ? OCI_MANIFEST : DOCKER_MANIFEST, manifest);
      digest = options.index
        ? this.store(OCI_INDEX, {
            schemaVersion: 2,
            mediaType: OCI_INDEX,
            manifests: [
              { mediaType: OCI_MANIFEST, digest: `sha256:${'a'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 'arm64' } },
              { mediaType: OCI_MANIFEST, digest: image, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
            ],
          })
        : image;
    }
    const previous = repo.get(tag);
    repo.set(tag, { name: tag, digest, createdTime: previous?.createdTime ?? at, lastUpdateTime: at });
    return digest;
  }

  /** Tags of a repository, most recently updated first (ACR's `orderby=timedesc`). */
  listed(repository: string, order: string | null): StoredTag[] {
    const all = [...(this.tags.get(repository)?.values() ?? [])];
    if (order === 'timedesc') return all.sort((a, b) => b.lastUpdateTime.localeCompare(a.lastUpdateTime) || a.name.localeCompare(b.name));
    if (order === 'timeasc') return all.sort((a, b) => a.lastUpdateTime.localeCompare(b.lastUpdateTime) || a.name.localeCompare(b.name));
    return all.sort((a, b) => a.name.localeCompare(b.name));
  }
}
