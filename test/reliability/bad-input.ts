/**
 * Bad input through the real handlers (the ones the Functions and the local host call): every generated
 * delivery, event and manifest must be answered with a 4xx, ignored with a reason, or reported as an error
 * — never a crash (a throw other than MalformedEventError, a 5xx, an unhandled rejection), and never an
 * effect (nothing enqueued, nothing written to GitHub).
 */
import { acrWebhook, githubWebhook, registryPush } from '../../shared/app/handlers.ts';
import type { Runtime } from '../../shared/app/runtime.ts';
import { ConfigError, findEnvironment } from '../../shared/config/index.ts';
import { loadManifests, planManifestReads } from '../../shared/manifests/index.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { MalformedEventError } from '../../shared/pipeline/registry-event.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import type { SyncJob } from '../../shared/pipeline/sync-job.ts';
import type { GitHubFake } from '../support/github-fake/index.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { ACR_SECRET, EVENT_GRID_TOPIC, nextCase, oversizedDelivery, WEBHOOK_SECRET, yamlBomb, type Case } from './bad-input-cases.ts';
import { coldSource, REGISTRY, REPO, startConfigRepo, TOKEN, workload, workloadPath } from './github-harness.ts';
import { testRuntime } from './test-runtime.ts';

export type Outcome = 'rejected' | 'ignored' | 'no-change' | 'recorded-error' | 'parsed' | 'crash' | 'effect';

export interface BadInputFigures {
  bad_inputs_tried: number;
  by_target: Record<string, number>;
  by_kind: Record<string, number>;
  outcomes: Record<Outcome, number>;
  crashes: number;
  /** Inputs that enqueued a job or wrote to GitHub. */
  partial_effects: number;
  jobs_enqueued: number;
  github_writes: number;
  unhandled_rejections: number;
  slowest_ms: number;
  slowest_kind: string;
  /** The first crashes and effects, to reproduce them (kind and message; inputs are regenerated from the seed). */
  examples: { index: number; kind: string; outcome: Outcome; message: string }[];
  /** A push whose changed files are YAML bombs: accepted (the push is valid), then each bomb is a render error. */
  bomb_push: { files: number; push_status: number; jobs: number; render_errors: number; bombs_reported: number; rendered_ok_file: boolean; crashed: boolean };
  /** gitops.yaml replaced by an alias bomb: the push is answered 422, nothing enqueued. */
  bomb_config: { push_status: number; jobs: number; crashed: boolean };
  seed: number;
  ms: number;
}

function runtimeFor(fake: GitHubFake, jobs: SyncJob[]): Runtime {
  const settings = { GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, ACR_WEBHOOK_SECRETS: JSON.stringify({ [REGISTRY]: ACR_SECRET }), GITOPS_REGISTRY_TOPICS: JSON.stringify({ [EVENT_GRID_TOPIC]: REGISTRY }) };
  return testRuntime({ source: coldSource(fake), settings, jobs, clusters: 2, configTtlMs: 600_000 });
}

const request = (headers: Record<string, string>, body: string) => ({ header: (n: string) => headers[n.toLowerCase()], body });

async function handle(c: Case, runtime: Runtime): Promise<{ outcome: Outcome; message: string }> {
  try {
    if (c.target === 'github' || c.target === 'acr') {
      const res = c.target === 'github' ? await githubWebhook(runtime, silentLogger, request(c.headers, c.body)) : await acrWebhook(runtime, silentLogger, request(c.headers, c.body));
      const message = String(res.body.error ?? res.body.ignored ?? '');
      if (res.status >= 500) return { outcome: 'crash', message: `${res.status} ${message}` };
      if (res.status >= 400) return { outcome: 'rejected', message };
      if ('ignored' in res.body) return { outcome: 'ignored', message };
      const branches = (res.body.branches ?? []) as { status: string }[];
      if (Array.isArray(res.body.jobs) && res.body.jobs.length > 0) return { outcome: 'effect', message: `${res.status} enqueued ${res.body.jobs.length}` };
      if (branches.some((b) => b.status !== 'unchanged')) return { outcome: 'effect', message: `${res.status} ${JSON.stringify(branches)}` };
      return { outcome: 'no-change', message: `${res.status}` };
    }
    if (c.target === 'eventgrid') {
      const res = await registryPush(runtime, silentLogger, c.event);
      if ('ignored' in res) return { outcome: 'ignored', message: String(res.ignored) };
      if ('malformed' in res) return { outcome: 'rejected', message: String(res.malformed) };
      const branches = (res.branches ?? []) as { status: string }[];
      return branches.some((b) => b.status !== 'unchanged') ? { outcome: 'effect', message: JSON.stringify(branches) } : { outcome: 'no-change', message: '' };
    }
    const plan = planManifestReads(Object.keys(c.files), 'development-configs');
    const set = loadManifests({ plan, contents: new Map(Object.entries(c.files)), defaultNamespace: 'default' });
    return set.errors.length > 0 ? { outcome: 'recorded-error', message: set.errors[0]!.message } : { outcome: 'parsed', message: '' };
  } catch (err) {
    if (err instanceof MalformedEventError) return { outcome: 'rejected', message: err.message };
    return { outcome: 'crash', message: `${(err as Error)?.name}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300) };
  }
}

const writesIn = (fake: GitHubFake) => fake.requests().filter((e) => e.method !== 'GET' && !e.route.includes('graphql')).length;

/** Runs `count` generated inputs (plus an oversized delivery, a bomb push and a bomb config). */
export async function badInputs(options: { count?: number; seed?: number } = {}): Promise<BadInputFigures> {
  const count = options.count ?? 10_000;
  const seed = options.seed ?? 20_251_124;
  const r = seededRandom(seed);
  let unhandled = 0;
  const onUnhandled = () => void unhandled++;
  process.on('unhandledRejection', onUnhandled);
  const fake = await startConfigRepo({ [workloadPath('app-0')]: workload('app-0', 'master-1') });
  const t0 = performance.now();
  try {
    const jobs: SyncJob[] = [];
    const runtime = runtimeFor(fake, jobs);
    const head = await fake.head(REPO, 'main');
    const outcomes = { rejected: 0, ignored: 0, 'no-change': 0, 'recorded-error': 0, parsed: 0, crash: 0, effect: 0 } as Record<Outcome, number>;
    const byTarget: Record<string, number> = {};
    const byKind: Record<string, number> = {};
    const examples: BadInputFigures['examples'] = [];
    let slowest = { ms: 0, kind: '' };
    for (let i = 0; i <= count; i++) {
      const c = i === count ? oversizedDelivery() : nextCase(r);
      const started = performance.now();
      const { outcome, message } = await handle(c, runtime);
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, kind: `${c.target}:${c.kind}` };
      outcomes[outcome]++;
      byTarget[c.target] = (byTarget[c.target] ?? 0) + 1;
      byKind[`${c.target}:${c.kind}`] = (byKind[`${c.target}:${c.kind}`] ?? 0) + 1;
      if ((outcome === 'crash' || outcome === 'effect') && examples.length < 20) examples.push({ index: i, kind: `${c.target}:${c.kind}`, outcome, message });
    }
    const githubWrites = writesIn(fake);
    const moved = (await fake.head(REPO, 'main')) !== head;
    const bombPush = await pushOfBombs(fake, seed);
    const bombConfig = await configBomb(fake);
    return {
      bad_inputs_tried: count + 1 + bombPush.files + 1,
      by_target: byTarget,
      by_kind: byKind,
      outcomes,
      crashes: outcomes.crash + unhandled + (bombPush.crashed ? 1 : 0) + (bombConfig.crashed ? 1 : 0),
      partial_effects: outcomes.effect + (jobs.length > 0 || githubWrites > 0 || moved ? 1 : 0) + (bombConfig.jobs > 0 ? 1 : 0),
      jobs_enqueued: jobs.length,
      github_writes: githubWrites,
      unhandled_rejections: unhandled,
      slowest_ms: Math.round(slowest.ms),
      slowest_kind: slowest.kind,
      examples,
      bomb_push: bombPush,
      bomb_config: bombConfig,
      seed,
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await fake.close();
  }
}

/** Commits bomb files next to a good one, delivers the real push, then renders what a sync job would. */
async function pushOfBombs(fake: GitHubFake, seed: number): Promise<BadInputFigures['bomb_push']> {
  const r = seededRandom(seed + 1);
  const files: Record<string, string> = { [workloadPath('app-0')]: workload('app-0', 'master-9') };
  const kinds = new Set<string>();
  for (let i = 0; kinds.size < 8 && i < 200; i++) {
    const b = yamlBomb(r);
    if (kinds.has(b.kind)) continue;
    kinds.add(b.kind);
    files[`development-configs/bombs/${b.kind}.yaml`] = b.text;
  }
  fake.setWebhook({ capture: true, secret: WEBHOOK_SECRET });
  fake.clearDeliveries();
  await fake.commit(REPO, 'main', { files, message: 'bombs' });
  const [delivery] = (await fake.deliveries()).filter((d) => d.event === 'push');
  fake.setWebhook(null);
  const jobs: SyncJob[] = [];
  const runtime = runtimeFor(fake, jobs);
  let crashed = false;
  let status = 0;
  let renderErrors = 0;
  let bombsReported = 0;
  let okFile = false;
  try {
    status = (await githubWebhook(runtime, silentLogger, request(delivery!.headers, delivery!.body))).status;
    const config = await runtime.config();
    for (const job of jobs.slice(0, 1)) {
      const env = findEnvironment(config, job.environment)!;
      const source = coldSource(fake);
      const rendered = await renderEnvironment(source, env, await source.resolveBranch(env.branch));
      renderErrors = rendered.errors.length;
      bombsReported = [...kinds].filter((k) => rendered.errors.some((e) => e.file.endsWith(`${k}.yaml`))).length;
      okFile = rendered.resources.some((x) => x.name === 'app-0');
    }
  } catch {
    crashed = true;
  }
  return { files: kinds.size, push_status: status, jobs: jobs.length, render_errors: renderErrors, bombs_reported: bombsReported, rendered_ok_file: okFile, crashed };
}

/** Replaces gitops.yaml with an alias bomb and delivers the push with a fresh runtime: 422, nothing enqueued. */
async function configBomb(fake: GitHubFake): Promise<BadInputFigures['bomb_config']> {
  const levels = Array.from({ length: 9 }, (_, i) => `x${i + 1}: &x${i + 1} [${Array(9).fill(`*x${i}`).join(',')}]`);
  const bomb = `x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n${levels.join('\n')}\nenvironments: *x9\n`;
  fake.setWebhook({ capture: true, secret: WEBHOOK_SECRET });
  fake.clearDeliveries();
  await fake.commit(REPO, 'main', { files: { 'gitops.yaml': bomb }, message: 'config bomb' });
  const [delivery] = (await fake.deliveries()).filter((d) => d.event === 'push');
  fake.setWebhook(null);
  const jobs: SyncJob[] = [];
  try {
    const res = await githubWebhook(runtimeFor(fake, jobs), silentLogger, request(delivery!.headers, delivery!.body));
    return { push_status: res.status, jobs: jobs.length, crashed: res.status >= 500 };
  } catch (err) {
    return { push_status: 0, jobs: jobs.length, crashed: !(err instanceof ConfigError) };
  }
}
