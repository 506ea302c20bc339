/**
 * Image references with Flux v1's grammar (`pkg/image/image.go` `ParseRef`, flux-v1-semantics §5.3),
 * extended with `@sha256:` digests.
 *
 * The manifest's own spelling is kept: `parseImageRef` never normalises, `formatImageRef` prints what
 * was parsed, and only `canonicalName` applies Docker Hub's conventions, for comparison.
 */

/** A parsed image reference, spelled as written. */
export interface ImageRef {
  /** Registry host (with port), as written; undefined when the reference names none (Docker Hub). */
  readonly domain: string | undefined;
  /** Repository path inside the registry, e.g. `radix-operator`, `weaveworks/kured`. */
  readonly image: string;
  /** Tag, or undefined when the reference has none. */
  readonly tag: string | undefined;
  /** Digest without its `sha256:` prefix, or undefined. */
  readonly digest: string | undefined;
}

/** A string that is not an image reference. The message says which string and why. */
export class ImageRefError extends Error {
  /** The string that failed to parse. */
  readonly input: string;
  constructor(input: string, reason: string) {
    super(`invalid image reference ${JSON.stringify(input)}: ${reason}`);
    this.name = 'ImageRefError';
    this.input = input;
  }
}

const DOCKER_HUB = 'index.docker.io';
const OLD_DOCKER_HUB = 'docker.io';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
/** Flux's domain test; deliberately unanchored, as in Flux (`regexp.MatchString`). */
const DOMAIN = new RegExp(`localhost|(?:${DOMAIN_COMPONENT}(?:[.]${DOMAIN_COMPONENT})+)(?::[0-9]+)?`);
const DIGEST = /^[0-9a-fA-F]{32,}$/;

/**
 * Parses an image reference. 1 path element: image; 2: the first is a domain iff it looks like one
 * (`localhost`, dotted host, optional port); 3 or more: the first is the domain. Then `@sha256:<hex>`
 * and `:tag` are split off the last part. Throws {@link ImageRefError} on bad input; never crashes.
 */
export function parseImageRef(s: string): ImageRef {
  if (typeof s !== 'string') throw new ImageRefError(String(s), 'not a string');
  if (s === '') throw new ImageRefError(s, 'blank image name');
  if (/[\s\u0000-\u001f\u007f]/.test(s)) throw new ImageRefError(s, 'contains whitespace or control characters');
  if (s.startsWith('/') || s.endsWith('/')) throw new ImageRefError(s, 'leading or trailing "/"');

  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!d.startsWith('sha256:') || !DIGEST.test(d.slice(7))) {
      throw new ImageRefError(s, 'a digest must be "@sha256:<hex>"');
    }
    digest = d.slice(7);
    rest = rest.slice(0, at);
  }

  const elements = rest.split('/');
  if (elements.some((e) => e === '')) throw new ImageRefError(s, 'empty path element');
  let domain: string | undefined;
  let image: string;
  if (elements.length === 1) {
    image = rest;
  } else if (elements.length === 2 && !DOMAIN.test(elements[0]!)) {
    image = rest;
  } else {
    domain = elements[0]!;
    image = elements.slice(1).join('/');
  }

  let tag: string | undefined;
  const parts = image.split(':');
  if (parts.length === 2) {
    if (parts[0] === '' || parts[1] === '') {
      throw new ImageRefError(s, 'expected image name as either <image>:<tag> or just <image>');
    }
    image = parts[0]!;
    tag = parts[1]!;
  } else if (parts.length > 2) {
    throw new ImageRefError(s, 'expected image name as either <image>:<tag> or just <image>');
  }
  if (image === '') throw new ImageRefError(s, 'blank image name');
  return { domain, image, tag, digest };
}

/** Returns the reference or the error, for callers that collect problems instead of throwing. */
export function tryParseImageRef(s: string): { ref: ImageRef } | { error: ImageRefError } {
  try {
    return { ref: parseImageRef(s) };
  } catch (error) {
    return { error: error instanceof ImageRefError ? error : new ImageRefError(String(s), String(error)) };
  }
}

/** The repository part as written: `[domain/]image`. */
export function formatRepository(r: ImageRef): string {
  return r.domain === undefined ? r.image : `${r.domain}/${r.image}`;
}

/** Prints a reference as written: `[domain/]image[:tag][@sha256:digest]`. */
export function formatImageRef(r: ImageRef): string {
  const tag = r.tag === undefined ? '' : `:${r.tag}`;
  const digest = r.digest === undefined ? '' : `@sha256:${r.digest}`;
  return `${formatRepository(r)}${tag}${digest}`;
}

/**
 * The canonical repository name used for comparison: no domain or `docker.io` → `index.docker.io`,
 * single-segment Docker Hub names get `library/`. The domain is lower-cased (hostnames are
 * case-insensitive); the path is not.
 */
export function canonicalName(r: ImageRef): string {
  let domain = (r.domain ?? '').toLowerCase();
  if (domain === '' || domain === OLD_DOCKER_HUB) domain = DOCKER_HUB;
  const image = domain === DOCKER_HUB && !r.image.includes('/') ? `library/${r.image}` : r.image;
  return `${domain}/${image}`;
}

/** Whether two references name the same repository (canonical comparison; tags and digests ignored). */
export function sameRepository(a: ImageRef, b: ImageRef): boolean {
  return canonicalName(a) === canonicalName(b);
}

/** The same repository, spelled as in `r`, with a new tag; a digest is dropped (it pinned the old tag). */
export function withTag(r: ImageRef, tag: string): ImageRef {
  return { domain: r.domain, image: r.image, tag, digest: undefined };
}
