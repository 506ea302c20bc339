/**
 * A commit's files in one call: `GET /repos/{owner}/{repo}/tarball/{sha}` (GitHub answers with a redirect to
 * a gzipped tar made by `git archive`), read here with a small ustar + pax reader. Every blob's SHA and the root
 * tree's SHA are computed from the bytes, so the caller can check the archive is exactly the commit's tree:
 * `export-ignore`, `export-subst`, end-of-line conversions, LFS contents or submodules make the SHAs differ.
 */
import { gitBlobSha } from './git-blob-sha.ts';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { gitHubFailure, type GitHubClient } from './create-github-client.ts';

const gunzipAsync = promisify(gunzip);

/** A blob of the archive. `text` is absent for binary files and files over the text limit. */
export interface ArchiveFile {
  path: string;
  mode: '100644' | '100755' | '120000';
  sha: string;
  size: number;
  text?: string;
}

export interface Archive {
  /** The commit `git archive` recorded in its pax global header, when present. */
  commit?: string;
  /** The SHA of the root tree the files make up. */
  treeSha: string;
  files: ArchiveFile[];
}

/** Downloads and reads a commit's tarball; throws when it fails, or (`tooLarge`) when over `maxBytes` uncompressed. */
export async function fetchArchive(client: GitHubClient, revision: string, limits: { maxBytes: number; maxTextBytes: number }): Promise<Archive> {
  const { octokit, owner, repo } = client;
  let gz: Buffer;
  try {
    const { data } = await octokit.rest.repos.downloadTarballArchive({ owner, repo, ref: revision });
    gz = Buffer.from(data as ArrayBuffer);
  } catch (error) {
    throw gitHubFailure(`download the tarball of ${revision} from github:${owner}/${repo}`, error);
  }
  const tooLarge = (cause?: unknown) => Object.assign(new Error(`failed to read the tarball of ${revision}: larger than ${limits.maxBytes} bytes`, { cause }), { tooLarge: true });
  if (gz.length > limits.maxBytes) throw tooLarge();
  let tar: Buffer;
  try {
    tar = await gunzipAsync(gz, { maxOutputLength: Math.max(1, limits.maxBytes) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(error);
    throw new Error(`failed to read the tarball of ${revision}: ${(error as Error).message}`, { cause: error });
  }
  return readTar(tar, limits.maxTextBytes);
}

/** Reads an uncompressed GitHub tarball: one top folder (`owner-repo-sha7/`), pax headers for long paths. */
export function readTar(tar: Buffer, maxTextBytes: number): Archive {
  const files: ArchiveFile[] = [];
  let global: Record<string, string> = {};
  let local: Record<string, string> = {};
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    if (checksum(header) !== octal(header, 148, 8)) throw new Error(`failed to read a tarball: bad header checksum at byte ${at}`);
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]!);
    const size = local['size'] !== undefined && type !== 'x' && type !== 'g' ? Number(local['size']) : octal(header, 124, 12);
    const body = tar.subarray(at + 512, at + 512 + size);
    if (body.length < size) throw new Error('failed to read a tarball: it ends inside a file');
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'g') {
      const records = paxRecords(body);
      if (type === 'g') global = { ...global, ...records };
      else local = records;
      continue;
    }
    const prefix = field(header, 345, 155);
    const fullName = local['path'] ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const linkName = local['linkpath'] ?? field(header, 157, 100);
    local = {};
    const path = fullName.slice(fullName.indexOf('/') + 1).replace(/\/$/, '');
    if (type === '5' || !fullName.includes('/') || path === '') continue; // folders: git has no empty ones
    if (type === '2') {
      files.push({ path, mode: '120000', sha: gitBlobSha(Buffer.from(linkName, 'utf8')), size: Buffer.byteLength(linkName) });
    } else if (type === '0' || type === '7') {
      const file: ArchiveFile = { path, mode: octal(header, 100, 8) & 0o100 ? '100755' : '100644', sha: gitBlobSha(body), size };
      if (size <= maxTextBytes && !body.subarray(0, 8000).includes(0)) file.text = body.toString('utf8');
      files.push(file);
    } else {
      throw new Error(`failed to read a tarball: unsupported entry type ${JSON.stringify(type)} for ${path}`);
    }
  }
  const commit = global['comment'];
  return { ...(commit && /^[0-9a-f]{40}$/.test(commit) ? { commit } : {}), treeSha: treeSha(files), files };
}

/** Git's SHA of the tree these blobs make up (subtrees hashed bottom-up, entries in git's order). */
export function treeSha(files: readonly { path: string; mode: string; sha: string }[]): string {
  interface Dir { blobs: Map<string, { mode: string; sha: string }>; dirs: Map<string, Dir> }
  const root: Dir = { blobs: new Map(), dirs: new Map() };
  for (const f of files) {
    const parts = f.path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      let sub = dir.dirs.get(part);
      if (!sub) dir.dirs.set(part, (sub = { blobs: new Map(), dirs: new Map() }));
      dir = sub;
    }
    dir.blobs.set(parts.at(-1)!, { mode: f.mode, sha: f.sha });
  }
  const hash = (dir: Dir): string => {
    const entries = [
      ...[...dir.blobs].map(([name, b]) => ({ key: Buffer.from(name), name, mode: b.mode, sha: b.sha })),
      ...[...dir.dirs].map(([name, d]) => ({ key: Buffer.from(`${name}/`), name, mode: '40000', sha: hash(d) })),
    ].sort((a, b) => Buffer.compare(a.key, b.key));
    const body = Buffer.concat(entries.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]));
    return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
  };
  return hash(root);
}


function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number): number {
  if (header[offset]! & 0x80) return header.subarray(offset + 1, offset + length).reduce((n, b) => n * 256 + b, 0); // base-256
  return parseInt(field(header, offset, length).trim() || '0', 8);
}

function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/** `<length> <key>=<value>\n` records; values are UTF-8. */
function paxRecords(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let at = 0; at < body.length; ) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}
