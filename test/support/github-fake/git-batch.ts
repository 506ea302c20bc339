/**
 * One long-lived `git cat-file --batch-command` per repository, for names that can never change answer (a full
 * SHA, `<sha>:<path>`, `<sha>^{tree}`): reads are written to its input and answered in order, with no process
 * started per read. `contents <name>` answers the object's header and bytes, `info <name>` its header only
 * (type and size, as `--batch-check`), so sizes of many blobs cost no transfer of their bytes. Each read's
 * commands end with `flush` (`--buffer`): git answers them in one write, not one per object.
 *
 * It is started on the first read and holds the event loop open only while a read waits; a git that exits fails
 * the reads in flight and the next read starts another. Names that read refs must never be sent here: a
 * long-lived git could answer from a ref it read before the ref moved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

/** An object read in full. */
export interface GitObject { sha: string; type: string; content: Buffer }
/** An object's header: what `info` answers. */
export interface GitObjectInfo { sha: string; type: string; size: number }

/** What each name of one read asks: the whole object, or its header. */
export type BatchKind = 'contents' | 'info';

/** The environment every git of the fake runs with: this git directory, no user or system config, no prompts. */
export function gitEnv(gitDir: string, extra?: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, GIT_DIR: gitDir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...extra };
}

/** The options every git of the fake runs with. */
export const GIT_OPTIONS = ['-c', 'commit.gpgSign=false', '-c', 'core.quotePath=false'];

/** A name the long-lived reader may be sent: one line, and not a command of its own. */
const SENDABLE = /^[0-9a-f]{40}[^\n\r\0]*$/;

/** The long-lived reader of one repository (restarted when its git has exited). */
export class BatchReader {
  private current: BatchProcess | undefined;
  private readonly gitDir: string;

  constructor(gitDir: string) {
    this.gitDir = gitDir;
  }

  /** The objects `names` name, in order (undefined when missing or ambiguous). */
  read(names: string[]): Promise<Array<GitObject | undefined>> {
    return this.ask(names, 'contents') as Promise<Array<GitObject | undefined>>;
  }

  /** The headers of the objects `names` name, in order (undefined when missing or ambiguous). */
  info(names: string[]): Promise<Array<GitObjectInfo | undefined>> {
    return this.ask(names, 'info') as Promise<Array<GitObjectInfo | undefined>>;
  }

  /** Ends the reader's git; resolves once it has exited. */
  close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    return current ? current.close() : Promise.resolve();
  }

  private ask(names: string[], kind: BatchKind): Promise<Array<GitObject | GitObjectInfo | undefined>> {
    if (names.length === 0) return Promise.resolve([]);
    const bad = names.find((n) => !SENDABLE.test(n));
    if (bad !== undefined) return Promise.reject(new Error(`failed to read ${JSON.stringify(bad)}: not a name the long-lived reader answers`));
    if (!this.current?.alive) this.current = new BatchProcess(this.gitDir);
    return this.current.ask(names, kind);
  }
}

type Waiting = {
  kind: BatchKind; count: number; answers: Array<GitObject | GitObjectInfo | undefined>;
  resolve: (a: Array<GitObject | GitObjectInfo | undefined>) => void; reject: (e: Error) => void;
};

/** One `git cat-file --batch-command` and the reads waiting for its answers. */
class BatchProcess {
  alive = true;
  /** Resolves when the git has exited (or failed to start). */
  private readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly waiting: Waiting[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The header of the object whose bytes are being received. */
  private expect: GitObjectInfo | undefined;

  constructor(gitDir: string) {
    const child = spawn('git', [...GIT_OPTIONS, 'cat-file', '--batch-command', '--buffer'], { env: gitEnv(gitDir), stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.received(chunk));
    const ended = (why: string) => {
      this.alive = false;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`failed to run git cat-file --batch-command: ${why}`));
    };
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => { ended(err.message); resolve(); });
      child.on('exit', (code, signal) => { ended(`exited (${signal ?? code})`); resolve(); });
    });
    child.stdin!.on('error', () => { /* the exit reports it */ });
    this.hold(false);
  }

  ask(names: string[], kind: BatchKind): Promise<Array<GitObject | GitObjectInfo | undefined>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ kind, count: names.length, answers: [], resolve, reject });
      this.hold(true);
      this.child.stdin!.write(`${names.map((n) => `${kind} ${n}\n`).join('')}flush\n`);
    });
  }

  close(): Promise<void> {
    this.alive = false;
    this.hold(true); // until it has exited
    this.child.kill();
    return this.exited;
  }

  /** Keeps the event loop open while a read waits, and only then. */
  private hold(on: boolean): void {
    const c = this.child;
    for (const h of [c, c.stdout, c.stdin] as Array<{ ref?(): void; unref?(): void } | null>) (on ? h?.ref?.() : h?.unref?.());
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  private peekLine(): number {
    let offset = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(10);
      if (i >= 0) return offset + i;
      offset += c.length;
    }
    return -1;
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      const w = this.waiting[0];
      if (!w) return;
      if (!this.expect) {
        const eol = this.peekLine();
        if (eol < 0) return;
        const header = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(this.take(eol + 1).subarray(0, eol).toString('utf8'));
        if (!header) {
          this.answer(w, undefined); // `<name> missing` or `<name> ambiguous`
          continue;
        }
        const info = { sha: header[1]!, type: header[2]!, size: Number(header[3]) };
        if (w.kind === 'info') {
          this.answer(w, info);
          continue;
        }
        this.expect = info;
      }
      // The object's bytes and the newline after them (they may come in many chunks).
      if (this.buffered < this.expect.size + 1) return;
      const { sha, type, size } = this.expect;
      this.expect = undefined;
      this.answer(w, { sha, type, content: Buffer.from(this.take(size + 1).subarray(0, size)) });
    }
  }

  private answer(w: Waiting, object: GitObject | GitObjectInfo | undefined): void {
    w.answers.push(object);
    if (w.answers.length < w.count) return;
    this.waiting.shift();
    if (this.waiting.length === 0) this.hold(false);
    w.resolve(w.answers);
  }
}
