/**
 * Refs read from their files as git's files backend keeps them: a loose file `refs/...` holding a SHA, else a
 * line of `packed-refs`. Read at each ask (never remembered), so a read sees every ref update that completed
 * before it, whoever made it (the fake's `git update-ref`, or a test running git in a repository served in
 * place). Anything these readers cannot answer for sure (a symbolic ref, a name git might refuse or treat
 * specially, a lock file, an unreadable file) is `ask-git`: the caller asks git instead. Ref files are a few bytes:
 * they are read synchronously (one system call each, not four trips through the thread pool).
 */
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';

/** A file's text; `missing` when it (or a directory on its path) does not exist, undefined when it cannot be read. */
function readText(file: string, missing: string[] = ['ENOENT']): string | null | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return missing.includes((error as NodeJS.ErrnoException).code ?? '') ? null : undefined;
  }
}

/** A ref and the SHA its file holds. */
export interface RefFile { ref: string; sha: string }

/** What the files cannot answer for sure. */
export type AskGit = 'ask-git';

/**
 * A ref name whose every component is plain (letters, digits, `_`, `+`, `-`, inner dots; not a lock file), under
 * a namespace every worktree shares: git lists it as it is, and `localeCompare`-free sorting orders it as git does.
 */
function isPlainRef(ref: string): boolean {
  const parts = ref.split('/');
  if (parts[0] !== 'refs' || parts.length < 3 || ['bisect', 'worktree', 'rewritten'].includes(parts[1]!)) return false;
  return parts.slice(1).every((p) => /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(p) && !p.endsWith('.') && !p.endsWith('.lock') && !p.includes('..'));
}

const LOOSE = /^([0-9a-f]{40})\n?$/;

/** The value of one ref from its loose file, else its line of packed-refs; undefined when it does not exist. */
export function readRef(gitDir: string, ref: string): string | undefined | AskGit {
  if (!isPlainRef(ref)) return 'ask-git';
  const loose = readText(path.join(gitDir, ref), ['ENOENT', 'ENOTDIR', 'EISDIR']);
  if (loose === undefined) return 'ask-git';
  if (loose !== null) return LOOSE.exec(loose)?.[1] ?? 'ask-git';
  const packed = readText(path.join(gitDir, 'packed-refs'));
  if (packed === undefined) return 'ask-git';
  for (const line of (packed ?? '').split('\n')) {
    if (line.length === 41 + ref.length && line.endsWith(` ${ref}`) && /^[0-9a-f]{40} /.test(line)) return line.slice(0, 40);
  }
  return undefined;
}

/**
 * Every ref under `refs/`, sorted by name as `git for-each-ref` sorts them: loose files first, then packed-refs
 * for names without a loose file (git packs refs by writing packed-refs before removing the loose files, and
 * deletes a ref from packed-refs before its loose file, so this order misses no ref that exists throughout).
 */
export function readAllRefs(gitDir: string): RefFile[] | AskGit {
  const loose: RefFile[] = [];
  const walk = (dir: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(gitDir, dir), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      entries = [];
    }
    for (const e of entries) {
      const ref = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (!/^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(e.name) || e.name.endsWith('.lock') || !walk(ref)) return false;
        continue;
      }
      if (!e.isFile() || !isPlainRef(ref)) return false;
      const text = readText(path.join(gitDir, ref));
      if (text === null) continue; // deleted since the listing: packed-refs (read after) says whether it still exists
      const sha = text === undefined ? undefined : LOOSE.exec(text)?.[1];
      if (!sha) return false;
      loose.push({ ref, sha });
    }
    return true;
  };
  if (!walk('refs')) return 'ask-git';
  const packed = readPacked(gitDir);
  if (packed === 'ask-git') return 'ask-git';
  const names = new Set(loose.map((r) => r.ref));
  return [...loose, ...packed.filter((r) => !names.has(r.ref))].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/** The refs of packed-refs (none when it does not exist). */
function readPacked(gitDir: string): RefFile[] | AskGit {
  const text = readText(path.join(gitDir, 'packed-refs'));
  if (text === undefined) return 'ask-git';
  const refs: RefFile[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (line === '' || line.startsWith('# pack-refs with:') || /^\^[0-9a-f]{40}$/.test(line)) continue;
    const m = /^([0-9a-f]{40}) (\S+)$/.exec(line);
    if (!m || !isPlainRef(m[2]!)) return 'ask-git';
    refs.push({ ref: m[2]!, sha: m[1]! });
  }
  return refs;
}
