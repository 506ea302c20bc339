/**
 * Flux v1's ownership label, computed byte for byte as Flux did (flux-v1-semantics §3.6), so clusters that
 * move from Flux keep their marks:
 *   syncSetName = base64url-nopad(sha256(safeURL(gitUrl) + branch + paths.join('')))
 *   mark        = 'sha256.' + base64url-nopad(sha256(syncSetName + resourceId))
 */
import { createHash } from 'node:crypto';

/** The label Flux v1 put on every object it applied (only when garbage collection could see it). */
export const GC_MARK_LABEL = 'fluxcd.io/sync-gc-mark';
/** The annotation holding a checksum of the content that was applied. */
export const CHECKSUM_ANNOTATION = 'fluxcd.io/sync-checksum';

const TRANSPORTS = new Set(['ssh', 'git', 'git+ssh', 'http', 'https', 'ftp', 'ftps', 'rsync', 'file']);
const TRANSPORT_URL = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(.*)$/;
// whilp/git-urls scp form: [user@]host:[port/]path
const SCP_URL = /^(?:([^@]+)@)?([^:\s]+):(?:([0-9]{1,5})\/)?([^\\].*)$/;

function withoutPassword(userinfo: string | undefined): string {
  if (userinfo === undefined) return '';
  const i = userinfo.indexOf(':');
  return `${i === -1 ? userinfo : userinfo.slice(0, i)}@`;
}

function joinPath(host: string, path: string): string {
  // Go's url.URL.String() puts a '/' between a host and a path that lacks one.
  return host !== '' && path !== '' && !path.startsWith('/') ? `/${path}` : path;
}

/**
 * Flux v1's `Remote.SafeURL`: parse as whilp/git-urls does (transport URL, then scp form, then a local path),
 * drop the password but keep the user name, print as Go's `url.URL.String()`.
 */
export function safeGitUrl(gitUrl: string): string {
  const t = TRANSPORT_URL.exec(gitUrl);
  if (t && TRANSPORTS.has(t[1]!.toLowerCase())) {
    const [, scheme, authority, path, rest] = t as unknown as [string, string, string, string, string];
    const at = authority.lastIndexOf('@');
    const user = at === -1 ? undefined : authority.slice(0, at);
    const host = at === -1 ? authority : authority.slice(at + 1);
    return `${scheme.toLowerCase()}://${withoutPassword(user)}${host}${joinPath(host, path)}${rest}`;
  }
  if (t) return `<unparseable: ${gitUrl}>`;
  const s = SCP_URL.exec(gitUrl);
  if (s) {
    const [, user, host, port, path] = s as unknown as [string, string | undefined, string, string | undefined, string];
    const h = port ? `${host}:${port}` : host;
    return `ssh://${user !== undefined ? `${user}@` : ''}${h}${joinPath(h, path)}`;
  }
  return `file://${gitUrl}`;
}

function sha256Base64Url(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** Flux v1's `makeGitConfigHash`: the name of the set of objects one git URL, branch and paths own. */
export function syncSetName(gitUrl: string, branch: string, paths: readonly string[]): string {
  return sha256Base64Url(safeGitUrl(gitUrl) + branch + paths.join(''));
}

/** Flux v1's `makeGCMark`: the label value for one object id in a sync set. */
export function gcMark(setName: string, resourceId: string): string {
  return `sha256.${sha256Base64Url(setName + resourceId)}`;
}
