/**
 * The GitHub fake and a fleet of Kubernetes fakes in child processes (GitHub in one, the fleet in one or more), driven over IPC: GitHub and the API
 * servers do not share the pipeline's CPU (the GitHub fake forks git for most requests, the Kubernetes fakes
 * run server-side apply), so a measurement of the pipeline is not one of the fakes. Both still answer on
 * loopback with their injected latency. The parent side is {@link startFakesProcess}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../support/seeded-random.ts';
import { startGitHubFake, type CommitChange, type GitHubFake, type GitHubFakeOptions, type StatusRecord, type WebhookDelivery } from '../support/github-fake/index.ts';
import type { FaultOptions as GitHubFaultOptions } from '../support/github-fake/index.ts';
import { startKubeFake, type FaultOptions, type KubeFake, type KubeFakeOptions, type ListFilter, type RequestCounts } from '../support/kube-fake/index.ts';

/** GitHub faults by rate; `seed` replaces the random function (which cannot cross the process boundary). */
export type RemoteGitHubFaults = Omit<GitHubFaultOptions, 'random'> & { seed?: number };

export interface RemoteGitHub {
  readonly url: string;
  commit(repo: string, branch: string, change: CommitChange): Promise<string>;
  head(repo: string, branch: string): Promise<string | undefined>;
  readFile(repo: string, ref: string, path: string): Promise<string | undefined>;
  deliveries(): Promise<WebhookDelivery[]>;
  requests(): Promise<{ method: string; route: string; status: number; durationMs: number; at: string }[]>;
  resetRequests(): Promise<void>;
  statuses(repo: string, sha: string): Promise<StatusRecord[]>;
  setFaults(faults: RemoteGitHubFaults): Promise<void>;
}

export interface RemoteKube {
  readonly url: string;
  readonly name: string;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<Record<string, any> | undefined>;
  list(filter?: ListFilter): Promise<Array<Record<string, any>>>;
  requestCount(): Promise<RequestCounts>;
  resetCounts(): Promise<void>;
  setDown(down: boolean): Promise<void>;
  setFaults(faults: FaultOptions): Promise<void>;
}

export interface FakesProcess {
  github: RemoteGitHub;
  fleet: RemoteKube[];
  /** CPU the fakes' processes (and the git processes they waited for) have used so far, in ms; undefined off Linux. */
  cpuMs(): number | undefined;
  close(): Promise<void>;
}

type Target = 'github' | number;
interface Call { id: number; target: Target | 'start' | 'close'; method: string; args: unknown[] }
interface Reply { id: number; ok: boolean; value?: unknown; error?: string }

const GITHUB_METHODS = ['commit', 'head', 'readFile', 'deliveries', 'requests', 'resetRequests', 'statuses', 'setFaults'] as const;
const KUBE_METHODS = ['get', 'list', 'requestCount', 'resetCounts', 'setDown', 'setFaults'] as const;

type Caller = { pid: number | undefined; call: (target: Target | 'start' | 'close', method: string, ...args: unknown[]) => Promise<any>; close(): Promise<void> };

/** utime + stime + cutime + cstime of a process from /proc (clock ticks of 10 ms), or undefined. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0) * 10;
  } catch {
    return undefined;
  }
}

/** One child process holding some of the fakes, driven over IPC. */
function spawnFakes(): Caller {
  // execArgv []: not the test runner's flags of this process (a child started with --test would run as a test file).
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  child.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.value);
    else w.reject(new Error(m.error));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the fakes process exited (${code})`));
    waiting.clear();
  });
  const call = (target: Target | 'start' | 'close', method: string, ...args: unknown[]): Promise<any> => new Promise((resolve, reject) => {
    const id = ++next;
    waiting.set(id, { resolve, reject });
    child.send({ id, target, method, args });
  });
  return {
    pid: child.pid,
    call,
    async close() {
      await call('close', 'close').catch(() => undefined);
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/**
 * Starts the fakes in child processes: the GitHub fake in one, the Kubernetes fleet spread over `kubeProcesses`
 * others (default 1; clusters dealt round-robin). The GitHub fake forks git, and a fork blocks its process's event
 * loop for milliseconds, which would hold up every API server's answers behind it; and each cluster's API server
 * is a machine of its own, so spreading the fleet lets it use the cores the pipeline leaves idle. `github.repos`
 * and every option must be plain data.
 */
export async function startFakesProcess(options: { github: GitHubFakeOptions; kube: KubeFakeOptions[]; kubeProcesses?: number }): Promise<FakesProcess> {
  const gh = spawnFakes();
  const count = Math.max(1, Math.min(options.kube.length, options.kubeProcesses ?? 1));
  const kubes = Array.from({ length: count }, () => spawnFakes());
  // Cluster i lives in process i % count, as its (i / count)-th fake.
  const started = (await Promise.all([
    gh.call('start', 'start', { github: options.github, kube: [] }),
    ...kubes.map((k, p) => k.call('start', 'start', { kube: options.kube.filter((_, i) => i % count === p) })),
  ])) as [{ github: string }, ...Array<{ kube: { url: string; name: string }[] }>];
  const [ghStarted, ...kubeStarted] = started;
  const github = Object.fromEntries(GITHUB_METHODS.map((m) => [m, (...args: unknown[]) => gh.call('github', m, ...args)])) as unknown as RemoteGitHub;
  Object.assign(github, { url: ghStarted.github });
  const fleet = options.kube.map((_, i) => {
    const p = i % count;
    const index = Math.floor(i / count);
    const k = kubeStarted[p]!.kube[index]!;
    return Object.assign(Object.fromEntries(KUBE_METHODS.map((m) => [m, (...args: unknown[]) => kubes[p]!.call(index, m, ...args)])), k) as unknown as RemoteKube;
  });
  return {
    github, fleet,
    cpuMs() {
      const all = [gh, ...kubes].map((c) => processCpuMs(c.pid));
      return all.some((ms) => ms === undefined) ? undefined : all.reduce((n, ms) => n! + ms!, 0);
    },
    async close() {
      await Promise.all([gh, ...kubes].map((c) => c.close()));
    },
  };
}

/** The child: holds the fakes and answers calls. */
async function serve(): Promise<void> {
  let github: GitHubFake | undefined;
  let fleet: KubeFake[] = [];
  const handle = async (c: Call): Promise<unknown> => {
    if (c.target === 'start') {
      const o = c.args[0] as { github?: GitHubFakeOptions; kube: KubeFakeOptions[] };
      if (o.github) github = await startGitHubFake(o.github);
      fleet = await Promise.all(o.kube.map((k) => startKubeFake(k)));
      return { github: github?.url, kube: fleet.map((f) => ({ url: f.url, name: f.name })) };
    }
    if (c.target === 'close') {
      await github?.close();
      await Promise.all(fleet.map((f) => f.close()));
      setImmediate(() => process.exit(0));
      return undefined;
    }
    if (c.target === 'github') {
      if (c.method === 'setFaults') {
        const { seed, ...faults } = c.args[0] as RemoteGitHubFaults;
        github!.setFaults({ ...faults, ...(seed !== undefined ? { random: seededRandom(seed).next } : {}) });
        return undefined;
      }
      if (c.method === 'requests') return github!.requests().map((e) => ({ method: e.method, route: e.route, status: e.status, durationMs: e.durationMs, at: e.at }));
      return (github as unknown as Record<string, (...a: unknown[]) => unknown>)[c.method]!(...c.args);
    }
    const fake = fleet[c.target]! as unknown as Record<string, (...a: unknown[]) => unknown>;
    return fake[c.method]!(...c.args);
  };
  process.on('message', (c: Call) => {
    handle(c).then(
      (value) => process.send!({ id: c.id, ok: true, value } satisfies Reply),
      (err: unknown) => process.send!({ id: c.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--child') && process.argv[1] === fileURLToPath(import.meta.url)) await serve();
