/**
 * Git plumbing over one git directory, through `git` child processes (no shell).
 * Every object and ref the fake serves comes from here, so SHAs, trees and ancestry are git's own.
 *
 * Most reads start no process (a fork costs the fake's process milliseconds): objects named immutably (a full SHA,
 * `<sha>:<path>`, `<sha>^{tree}`) are read by one long-lived `git cat-file --batch-command` per repository
 * (git-batch.ts) and remembered; trees are listed from their objects (git-tree.ts); refs are read from their files
 * at each ask (git-refs.ts); answers of other commands about full SHAs only (ancestry, a diff of two trees) are
 * remembered, and concurrent asks for one share one git. Whatever these cannot answer for sure goes to `git`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import os from 'node:os';
import path from 'node:path';
import { readAllRefs, readRef } from './git-refs.ts';
import { TreeListings } from './git-tree.ts';
import { BatchReader, GIT_OPTIONS, gitEnv, type GitObject, type GitObjectInfo } from './git-batch.ts';

/** The all-zero SHA git and GitHub use for "no object" (a created or deleted ref). */
export const ZERO_SHA = '0000000000000000000000000000000000000000';
/** The SHA of the empty tree (SHA-1 repositories). */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** A person line of a commit. `date` is ISO 8601 (GitHub form, `Z` or `+hh:mm`). */
export interface GitPerson { name: string; email: string; date: string }

/** A parsed commit object. */
export interface GitCommit {
  sha: string; tree: string; parents: string[]; author: GitPerson; committer: GitPerson; message: string;
}

/** One entry of `git ls-tree -l`. `size` is undefined for trees and submodules. */
export interface TreeEntry { mode: string; type: 'blob' | 'tree' | 'commit'; sha: string; size?: number; path: string }

/** One changed file between two trees, with line counts (-1 when binary). */
export interface FileChange {
  status: 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed';
  path: string; previousPath?: string; oldSha: string; newSha: string; additions: number; deletions: number;
}

/** An entry for {@link GitRepo.buildTree}: `sha: null` deletes `path` (a file or a whole directory). */
export interface TreeEdit { path: string; mode: string; sha: string | null }

interface RunOptions { input?: string | Buffer; env?: Record<string, string>; okCodes?: number[] }
interface RunResult { stdout: Buffer; stderr: string; code: number }

/** Accepts branch, tag and SHA spellings; refuses options, ranges, reflog and revision syntax. */
export function isSafeRefName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._/+-]*$/.test(name) && !name.includes('..') && !name.endsWith('.lock') && !name.includes('//');
}

/** Like {@link isSafeRefName}, plus `~N` / `^N` ancestry suffixes (`main~1`), for reads. */
export function isSafeRev(rev: string): boolean {
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev);
  return !!m && isSafeRefName(m[1]!);
}

function isoDate(seconds: string, tz: string): string {
  const offsetMin = (tz.startsWith('-') ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
  const local = new Date((Number(seconds) + offsetMin * 60) * 1000).toISOString().slice(0, 19);
  return offsetMin === 0 ? `${local}Z` : `${local}${tz.slice(0, 3)}:${tz.slice(3, 5)}`;
}

function parsePerson(line: string): GitPerson {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) throw new Error(`failed to parse a git person line: ${line}`);
  return { name: m[1]!, email: m[2]!, date: isoDate(m[3]!, m[4]!) };
}

/** Parses the raw text of a commit object (`git cat-file commit`). */
export function parseCommit(sha: string, raw: string): GitCommit {
  const split = raw.indexOf('\n\n');
  const header = split < 0 ? raw : raw.slice(0, split);
  const message = split < 0 ? '' : raw.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author: GitPerson | undefined;
  let committer: GitPerson | undefined;
  for (const line of header.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
    else if (line.startsWith('author ')) author = parsePerson(line.slice(7));
    else if (line.startsWith('committer ')) committer = parsePerson(line.slice(10));
  }
  if (!author || !committer) throw new Error(`failed to parse commit ${sha}: no author or committer`);
  return { sha, tree, parents, author, committer, message };
}

/**
 * An object name that always names the same object: a full SHA with ancestry (`~N`, `^N`) and then a peel
 * (`^{tree}`) or a path in its tree (`:<path>`).
 */
const IMMUTABLE_NAME = /^[0-9a-f]{40}(?:[~^]\d*)*(?:\^\{(?:tree|commit|blob|tag|object)\}|:[^\n\r\0]*)?$/;
/** A revision of full SHAs only (it reads no ref). */
const SHA_REV = /^[0-9a-f]{40}(?:[~^]\d*)*$/;
/** A revision argument that always means the same: a full SHA with ancestry, a peel or a path (or `^` to exclude it). */
const IMMUTABLE_REV = /^\^?[0-9a-f]{40}(?:[~^]\d*)*(?:\^\{(?:tree|commit)\})?(?::[^\n\r\0]*)?$/;
const READ_ONLY = new Set(['rev-parse', 'cat-file', 'ls-tree', 'diff-tree', 'merge-base', 'rev-list']);
/** Options that make a read depend on refs rather than on the named objects. */
const REF_OPTIONS = /^--(all|branches|tags|remotes|glob|exclude|reflog|stdin|symbolic|abbrev-ref|git-dir|show)/;

/**
 * The memo key of a command whose answer can never change: a read-only command without input or environment,
 * every revision a full SHA. Undefined for anything that reads refs, the index or the work tree.
 */
function immutableKey(args: string[], options: RunOptions): string | undefined {
  if (options.input !== undefined || options.env !== undefined || !READ_ONLY.has(args[0]!)) return undefined;
  for (const a of args.slice(1)) {
    if (a.startsWith('--') ? REF_OPTIONS.test(a) : a.startsWith('-') ? false : !(IMMUTABLE_REV.test(a) || (args[0] === 'cat-file' && /^(blob|tree|commit|tag)$/.test(a)))) return undefined;
  }
  return args.join('\0');
}

/** Every exit code but success: an in-flight read shared by several callers settles, and each applies its own `okCodes`. */
const ANY_FAILURE = Array.from({ length: 256 }, (_, i) => i).filter((c) => c !== 0).concat(-1);

/**
 * Answers for `names`, each from `cached`, else from a read in flight for the same name (ten sync jobs resolving
 * one new commit share one read), else from one `read` of the rest. What is found is `store`d; absence is not.
 */
function shareReads<T>(names: string[], inFlight: Map<string, Promise<T | undefined>>, cached: (name: string) => T | undefined,
  read: (names: string[]) => Promise<Array<T | undefined>>, store: (name: string, found: T) => void): Promise<Array<T | undefined>> {
  const answers: Array<T | undefined | Promise<T | undefined>> = names.map((n) => cached(n) ?? inFlight.get(n));
  const ask = [...new Set(names.filter((_, i) => answers[i] === undefined))];
  if (ask.length) {
    const batch = read(ask);
    ask.forEach((n, i) => {
      const one = batch.then((found) => found[i]);
      inFlight.set(n, one);
      void one.then((found) => { if (found) store(n, found); }, () => undefined).finally(() => { if (inFlight.get(n) === one) inFlight.delete(n); });
    });
    names.forEach((n, i) => { answers[i] ??= inFlight.get(n); });
  }
  return Promise.all(answers);
}

/** A git directory (bare, or the `.git` of a work tree) driven through plumbing commands. */
export class GitRepo {
  readonly gitDir: string;
  /** Answers of read-only commands whose every revision is a full SHA (see {@link immutableKey}). */
  private readonly remembered = new LRUCache<string, RunResult>({ max: 20_000, maxSize: 64 << 20, sizeCalculation: (r) => r.stdout.length + 64 });
  /** Objects read under immutable names (`<sha>`, `<sha>:<path>`, `<sha>^{tree}`), and under their SHAs. */
  private readonly objects = new LRUCache<string, GitObject>({ max: 20_000, maxSize: 64 << 20, sizeCalculation: (o) => o.content.length + 64 });
  /** Tree listings read from tree objects, and paths resolved in them. */
  private readonly trees = new TreeListings({ read: (n) => this.readObjects(n), info: (n) => this.info(n), remembered: (n) => this.objects.get(n) });
  /** Headers (type, size) read under immutable names without the objects' bytes. */
  private readonly infos = new LRUCache<string, GitObjectInfo>({ max: 100_000 });
  /** The long-lived reader of objects under immutable names. */
  private readonly batch: BatchReader;
  /** Objects and headers being read under immutable names. */
  private readonly reading = new Map<string, Promise<GitObject | undefined>>();
  private readonly asking = new Map<string, Promise<GitObjectInfo | undefined>>();
  /** Immutable reads in flight, by memo key. */
  private readonly running = new Map<string, Promise<RunResult>>();
  /** Whether refs are plain files here (not reftable, not a linked worktree): then they are read without git. */
  private readonly fileRefs: boolean;

  constructor(gitDir: string) {
    this.gitDir = gitDir;
    this.batch = new BatchReader(gitDir);
    this.fileRefs = !existsSync(path.join(gitDir, 'reftable')) && !existsSync(path.join(gitDir, 'commondir'));
  }

  /** Runs `git` with GIT_DIR set and user/system config ignored. Throws unless the exit code is 0 or in `okCodes`. */
  async run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    const key = immutableKey(args, options);
    if (key === undefined) return this.spawn(args, options);
    const hit = this.remembered.get(key);
    if (hit && (hit.code === 0 || options.okCodes?.includes(hit.code))) return hit;
    // Concurrent asks for the same immutable answer (ten sync jobs posting statuses on a new commit) share one git.
    let running = this.running.get(key);
    if (!running) {
      running = this.spawn(args, { ...options, okCodes: [...(options.okCodes ?? []), ...ANY_FAILURE] });
      this.running.set(key, running);
      void running.then((result) => {
        if (result.code === 0 || (result.code === 1 && args[0] === 'merge-base')) this.remembered.set(key, result);
      }, () => undefined).finally(() => this.running.delete(key));
    }
    const result = await running;
    if (result.code === 0 || options.okCodes?.includes(result.code)) return result;
    throw new Error(`failed to run git ${args.join(' ')}: ${result.stderr.trim() || `exit code ${result.code}`}`);
  }

  private spawn(args: string[], options: RunOptions): Promise<RunResult> {
    const env = gitEnv(this.gitDir, options.env);
    return new Promise((resolve, reject) => {
      const child = execFile('git', [...GIT_OPTIONS, ...args],
        { env, encoding: 'buffer', maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          const result = { stdout, stderr: stderr.toString('utf8'), code };
          if (code === 0 || options.okCodes?.includes(code)) resolve(result);
          else reject(new Error(`failed to run git ${args.join(' ')}: ${result.stderr.trim() || error?.message}`, { cause: error }));
        });
      child.stdin?.on('error', () => { /* git may exit before reading all input; the exit code reports it */ });
      child.stdin?.end(options.input ?? '');
    });
  }

  private async text(args: string[], options?: RunOptions): Promise<string> {
    return (await this.run(args, options)).stdout.toString('utf8');
  }

  /** Resolves a safe revision (branch, tag, full ref or SHA) with an optional `^{type}` peel; undefined when absent. */
  async revParse(rev: string, peel?: 'commit' | 'tree'): Promise<string | undefined> {
    if (!isSafeRev(rev)) return undefined;
    // A peeled revision of full SHAs names one object for good: the long-lived reader answers it (`missing` is absent).
    if (peel && SHA_REV.test(rev)) return (await this.info([`${rev}^{${peel}}`]))[0]?.sha;
    const r = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', peel ? `${rev}^{${peel}}` : rev], { okCodes: [1, 128] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  /** The type of an object, or undefined when it does not exist. */
  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{4,40}$/.test(sha)) return undefined;
    if (sha.length === 40) return (await this.info([sha]))[0]?.type;
    const r = await this.run(['cat-file', '-t', sha], { okCodes: [1, 128] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  /**
   * Every ref as `{ ref, sha, type }` (type of the object it names), sorted by name: from the ref files with the
   * types from the long-lived reader, or from `git for-each-ref` when the files cannot say for sure or a ref names
   * a missing object (git's own answer to that is an error).
   */
  async listRefs(): Promise<Array<{ ref: string; sha: string; type: string }>> {
    const files = this.fileRefs ? readAllRefs(this.gitDir) : 'ask-git';
    if (files !== 'ask-git') {
      const infos = await this.info(files.map((f) => f.sha));
      if (infos.every(Boolean)) return files.map((f, i) => ({ ref: f.ref, sha: f.sha, type: infos[i]!.type }));
    }
    const out = await this.text(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)']);
    return out.split('\n').filter(Boolean).map((line) => {
      const [sha, type, ...ref] = line.split(' ');
      return { sha: sha!, type: type!, ref: ref.join(' ') };
    });
  }

  /** The SHA a full ref name points at, or undefined. */
  async refValue(ref: string): Promise<string | undefined> {
    if (!ref.startsWith('refs/') || !isSafeRefName(ref)) return undefined;
    const read = this.fileRefs ? readRef(this.gitDir, ref) : 'ask-git';
    if (read !== 'ask-git') return read;
    const r = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', ref], { okCodes: [1, 128] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  /** The branch HEAD names (the default branch), e.g. `main`. */
  async headBranch(): Promise<string> {
    if (this.fileRefs) {
      const head = await readFile(path.join(this.gitDir, 'HEAD'), 'utf8').catch(() => '');
      const m = /^ref: refs\/heads\/(\S+)\n?$/.exec(head);
      if (m) return m[1]!;
    }
    const r = await this.run(['symbolic-ref', '--quiet', 'HEAD'], { okCodes: [1, 128] });
    return r.code === 0 ? r.stdout.toString('utf8').trim().replace(/^refs\/heads\//, '') : 'main';
  }

  /** Compare-and-swap a ref: `old` undefined means "any", ZERO_SHA means "must not exist". `next` ZERO_SHA deletes. */
  async updateRef(ref: string, next: string, old: string | undefined, reason = 'github-fake'): Promise<boolean> {
    const args = next === ZERO_SHA ? ['update-ref', '-m', reason, '-d', ref] : ['update-ref', '-m', reason, ref, next];
    if (old !== undefined) args.push(old);
    const r = await this.run(args, { okCodes: [1, 128] });
    return r.code === 0;
  }

  /** True when `ancestor` is reachable from `descendant` (or equal). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.run(['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1, 128] });
    return r.code === 0;
  }

  /** The best common ancestor, or undefined when the histories are unrelated. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const r = await this.run(['merge-base', a, b], { okCodes: [1] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  /** `git rev-list` with the given revisions/options; SHAs in git's order (newest first unless `--reverse`). */
  async revList(args: string[]): Promise<string[]> {
    return (await this.text(['rev-list', ...args])).split('\n').filter(Boolean);
  }

  /** Reads and parses a commit, or undefined when `sha` is not a commit. */
  async readCommit(sha: string): Promise<GitCommit | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    // `git cat-file commit <sha>` peels a tag to its commit, as `^{commit}` does.
    const [commit] = await this.readObjects([`${sha}^{commit}`]);
    return commit ? parseCommit(sha, commit.content.toString('utf8')) : undefined;
  }

  /** The bytes of a blob, or undefined. */
  async readBlob(sha: string): Promise<Buffer | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    const [blob] = await this.readObjects([`${sha}^{blob}`]);
    return blob && Buffer.from(blob.content);
  }

  /**
   * Reads many objects. Names are SHAs or `<rev>:<path>` expressions; the answer for each is its object or
   * undefined (missing, ambiguous or unsafe name). Immutable names are answered by the long-lived reader (or
   * remembered); the others, which read refs, by one `git cat-file --batch` started for them.
   */
  async readBatch(names: string[]): Promise<Array<GitObject | undefined>> {
    const immutable = names.filter((n) => IMMUTABLE_NAME.test(n));
    const other = [...new Set(names.filter((n) => !IMMUTABLE_NAME.test(n)))];
    const [read, forked] = await Promise.all([this.readObjects(immutable), this.readBatchFromGit(other)]);
    const byName = new Map<string, GitObject | undefined>([...immutable.map((n, i) => [n, read[i]] as const), ...other.map((n, i) => [n, forked[i]] as const)]);
    return names.map((n) => { const o = byName.get(n); return o && { ...o, content: Buffer.from(o.content) }; });
  }

  /** The headers (type, size) of objects under immutable names, without their bytes; undefined when missing. */
  async info(names: string[]): Promise<Array<GitObjectInfo | undefined>> {
    return shareReads(names, this.asking, (n) => {
      const o = this.objects.get(n);
      return this.infos.get(n) ?? (o && { sha: o.sha, type: o.type, size: o.content.length });
    }, (ask) => this.batch.info(ask), (n, i) => {
      this.infos.set(n, i);
      if (n !== i.sha) this.infos.set(i.sha, i);
    });
  }

  /** Objects under immutable names, shared with the cache (callers must not change the bytes). */
  private readObjects(names: string[]): Promise<Array<GitObject | undefined>> {
    return shareReads(names, this.reading, (n) => this.objects.get(n), (ask) => this.readNamed(ask), (n, o) => {
      this.objects.set(n, o);
      if (n !== o.sha) this.objects.set(o.sha, o);
    });
  }

  /**
   * Objects under immutable names from the long-lived reader. A `<sha>:<path>` the remembered tree listings
   * resolve (the pipeline lists a commit's tree before it reads its files) is read by the SHA it names, which
   * git finds without walking trees (or is remembered already), and one that names nothing is not asked.
   */
  private async readNamed(names: string[]): Promise<Array<GitObject | undefined>> {
    const targets = names.map((n) => this.trees.resolveRemembered(n));
    const known = targets.map((t) => (t ? this.objects.get(t) : undefined));
    const send = [...new Set(names.flatMap((n, i) => (targets[i] === undefined ? [n] : targets[i] && !known[i] ? [targets[i]!] : [])))];
    const read = send.length ? await this.batch.read(send) : [];
    const byName = new Map(send.map((s, i) => [s, read[i]]));
    return names.map((n, i) => (targets[i] === null ? undefined : known[i] ?? byName.get(targets[i] ?? n)));
  }

  /** Ends the long-lived reader (the fake's close); resolves once its git has exited. A later read starts another. */
  close(): Promise<void> {
    return this.batch.close();
  }

  private async readBatchFromGit(names: string[]): Promise<Array<GitObject | undefined>> {
    const safe = names.map((n) => !/[\n\r\0]/.test(n) && n.length > 0);
    const asked = names.filter((_, i) => safe[i]);
    const out = asked.length ? (await this.run(['cat-file', '--batch'], { input: asked.join('\n') + '\n' })).stdout : Buffer.alloc(0);
    let pos = 0;
    const answers = asked.map(() => {
      const eol = out.indexOf(10, pos);
      const header = out.subarray(pos, eol).toString('utf8');
      pos = eol + 1;
      const m = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(header);
      if (!m) return undefined;
      const size = Number(m[3]);
      const content = out.subarray(pos, pos + size);
      pos += size + 1;
      return { sha: m[1]!, type: m[2]!, content: Buffer.from(content) };
    });
    return safe.map((ok) => (ok ? answers.shift() : undefined));
  }

  /**
   * Lists a tree (`recursive` includes subtrees and their contents, each subtree before its entries), as
   * `git ls-tree -l [-r -t]` lists it. A tree or commit named immutably is listed from its tree objects, read by the
   * long-lived reader, with blob sizes from its `info`, and each tree's own listing is remembered (a new commit
   * reads only the trees it changed); anything else, and anything git would refuse, is git's to list.
   */
  async lsTree(treeish: string, recursive: boolean): Promise<TreeEntry[]> {
    if (IMMUTABLE_NAME.test(treeish)) {
      const listed = await this.trees.list(treeish, recursive);
      if (listed) return listed;
    }
    const out = await this.text(['ls-tree', '-z', '-l', ...(recursive ? ['-r', '-t'] : []), treeish]);
    return out.split('\0').filter(Boolean).map((rec) => {
      const tab = rec.indexOf('\t');
      const [mode, type, sha, size] = rec.slice(0, tab).split(/\s+/);
      return { mode: mode!, type: type as TreeEntry['type'], sha: sha!, size: size === '-' ? undefined : Number(size), path: rec.slice(tab + 1) };
    });
  }

  /** Writes a blob and returns its SHA. */
  async hashBlob(content: Buffer | string): Promise<string> {
    const sha = (await this.text(['hash-object', '-w', '-t', 'blob', '--stdin'], { input: content })).trim();
    this.rememberBlob(sha, content);
    return sha;
  }

  /**
   * Remembers a blob this fake wrote by its SHA, when its bytes hash to that SHA (what git stored is exactly them):
   * the files of a new commit are then read from memory, as its tree's sizes are.
   */
  private rememberBlob(sha: string, content: Buffer | string): void {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const hashed = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    if (hashed === sha) this.objects.set(sha, { sha, type: 'blob', content: bytes });
  }

  /**
   * Writes many blobs with one `git fast-import` process (not one process per blob) and returns their SHAs, in
   * order. A repository of thousands of files is seeded in one process.
   */
  async hashBlobs(contents: Array<Buffer | string>): Promise<string[]> {
    if (contents.length === 0) return [];
    if (contents.length === 1) return [await this.hashBlob(contents[0]!)];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'github-fake-marks-'));
    const marks = path.join(dir, 'marks');
    try {
      const parts: Buffer[] = [];
      contents.forEach((c, i) => {
        const bytes = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
        parts.push(Buffer.from(`blob\nmark :${i + 1}\ndata ${bytes.length}\n`), bytes, Buffer.from('\n'));
      });
      await this.run(['fast-import', '--quiet', '--done', `--export-marks=${marks}`], { input: Buffer.concat([...parts, Buffer.from('done\n')]) });
      const shas = new Map((await readFile(marks, 'utf8')).split('\n').filter(Boolean).map((line) => {
        const [mark, sha] = line.split(' ');
        return [Number(mark!.slice(1)), sha!] as const;
      }));
      return contents.map((_, i) => {
        const sha = shas.get(i + 1);
        if (!sha) throw new Error(`failed to write blob ${i + 1} of ${contents.length}: git fast-import did not mark it`);
        this.rememberBlob(sha, contents[i]!);
        return sha;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Writes a tree: `base` (a tree SHA, or undefined for empty) with `edits` applied, through a temporary index
   * (read-tree, update-index --index-info, write-tree). Tree-mode entries graft a whole subtree.
   */
  async buildTree(base: string | undefined, edits: TreeEdit[]): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'github-fake-index-'));
    const env = { GIT_INDEX_FILE: path.join(dir, 'index') };
    try {
      await this.run(base ? ['read-tree', base] : ['read-tree', '--empty'], { env });
      let staged = (await this.text(['ls-files', '-z', '--cached'], { env })).split('\0').filter(Boolean);
      const lines: string[] = [];
      const removeUnder = (p: string): void => {
        for (const f of staged) if (f === p || f.startsWith(`${p}/`)) lines.push(`0 ${ZERO_SHA}\t${f}`);
        staged = staged.filter((f) => !(f === p || f.startsWith(`${p}/`)));
      };
      const grafts: TreeEdit[] = [];
      for (const edit of edits) {
        removeUnder(edit.path);
        if (edit.sha === null) continue;
        if (edit.mode === '040000') grafts.push(edit);
        else { lines.push(`${edit.mode} ${edit.sha}\t${edit.path}`); staged.push(edit.path); }
      }
      if (lines.length) await this.run(['update-index', '-z', '--index-info'], { env, input: lines.join('\0') + '\0' });
      for (const g of grafts) await this.run(['read-tree', `--prefix=${g.path}/`, g.sha!], { env });
      return (await this.text(['write-tree'], { env })).trim();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Writes a commit object (commit-tree) and returns its SHA. */
  async commitTree(input: { tree: string; parents: string[]; message: string; author: Omit<GitPerson, 'date'> & { date?: string }; committer?: Omit<GitPerson, 'date'> & { date?: string } }): Promise<string> {
    const committer = input.committer ?? input.author;
    const now = new Date().toISOString();
    const env: Record<string, string> = {
      GIT_AUTHOR_NAME: input.author.name, GIT_AUTHOR_EMAIL: input.author.email, GIT_AUTHOR_DATE: input.author.date ?? now,
      GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email, GIT_COMMITTER_DATE: committer.date ?? input.author.date ?? now,
    };
    const args = ['commit-tree', input.tree, ...input.parents.flatMap((p) => ['-p', p]), '-F', '-'];
    return (await this.text(args, { env, input: input.message })).trim();
  }

  /** Files changed from tree-ish `from` (undefined: the empty tree) to `to`, with rename detection. */
  async diff(from: string | undefined, to: string, renames = true): Promise<FileChange[]> {
    const base = from ?? EMPTY_TREE;
    const flags = renames ? ['-M'] : ['--no-renames'];
    const raw = (await this.text(['diff-tree', '-r', '-z', '--no-abbrev', ...flags, base, to])).split('\0');
    const changes: FileChange[] = [];
    for (let i = 0; i < raw.length - 1;) {
      const [oldMode, newMode, oldSha, newSha, code] = raw[i]!.slice(1).split(' ');
      const letter = code!.charAt(0);
      const two = letter === 'R' || letter === 'C';
      const previousPath = two ? raw[i + 1] : undefined;
      const filePath = two ? raw[i + 2]! : raw[i + 1]!;
      i += two ? 3 : 2;
      const status = ({ A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' } as const)[letter as 'A'] ?? 'modified';
      changes.push({ status, path: filePath, previousPath, oldSha: oldSha!, newSha: newSha!, additions: 0, deletions: 0 });
      void oldMode; void newMode;
    }
    const numstat = (await this.text(['diff-tree', '-r', '-z', '--numstat', ...flags, base, to])).split('\0');
    for (let i = 0, n = 0; i < numstat.length - 1 && n < changes.length; n++) {
      const [add, del, rest] = numstat[i]!.split('\t');
      i += rest === '' ? 3 : 1;
      changes[n]!.additions = add === '-' ? 0 : Number(add);
      changes[n]!.deletions = del === '-' ? 0 : Number(del);
    }
    return changes;
  }

  /** A gzipped tarball of a commit (`git archive`), with GitHub's `owner-repo-sha7/` prefix. */
  async archive(sha: string, prefix: string): Promise<Buffer> {
    return (await this.run(['archive', '--format=tar.gz', `--prefix=${prefix}/`, sha])).stdout;
  }
}
