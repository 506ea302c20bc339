/**
 * GitHub calls per push and per image event at several repository sizes, through the real handlers and the
 * real GitHub adapter against the GitHub fake. The goal is a constant count (no call per file).
 *
 * A push costs what onPush's configuration read costs (cold: one GraphQL query for the default branch, its tip
 * and gitops.yaml) plus what a sync job's read costs: through renderEnvironment (what syncCluster calls: branch,
 * then on a cold instance the commit's tarball, on a warm one the tree and the changed texts) and, for
 * comparison, the narrower read of the changed files only.
 */
import { githubWebhook, registryPush } from '../shared/app/handlers.ts';
import type { Runtime } from '../shared/app/runtime.ts';
import { findEnvironment } from '../shared/config/index.ts';
import { silentLogger } from '../shared/pipeline/logger.ts';
import { renderEnvironment } from '../shared/pipeline/render-environment.ts';
import type { SyncJob } from '../shared/pipeline/sync-job.ts';
import { createGitHubSource, type GitHubSource } from '../shared/sources/github/index.ts';
import { testRuntime } from '../test/reliability/test-runtime.ts';
import { startGitHubFake, type GitHubFake } from '../test/support/github-fake/index.ts';
import { appName, manifestPath, realisticManifests } from './generate-manifests.ts';
import { round, type Figure } from './report.ts';

const REPO = 'acme/config';
const TOKEN = 'ghs_bench-token';
const SECRET = 'bench-webhook-secret';
export const GITOPS_YAML = 'environments:\n  development:\n    branch: main\n    path: development-configs\n    registries: [radixdev.azurecr.io]\n';

export interface CallOptions {
  sizes: number[];
  githubLatencyMs: number;
  clusters: number;
  changed: number;
}

interface Counts { reads: number; writes: number; statuses: number; total: number; downloads: number }

/**
 * API calls. The tarball call (`GET /repos/{o}/{r}/tarball/{ref}`) answers with a redirect that fetch follows to
 * the archive (codeload.github.com on github.com: a download, not an API call, not rate-limited): the fake logs
 * that hop as `/_codeload/…`; it is the same call's body, so it is not counted again.
 */
function count(fake: GitHubFake): Counts {
  const all = fake.requests();
  const log = all.filter((e) => !e.route.includes('/_codeload/'));
  const downloads = all.length - log.length;
  const statuses = log.filter((e) => e.route.includes('/statuses/')).length;
  const reads = log.filter((e) => e.method === 'GET' || e.route.endsWith('/graphql')).length;
  return { reads, writes: log.length - reads - statuses, statuses, total: log.length - statuses, downloads };
}

export function benchSource(fake: GitHubFake): GitHubSource {
  return createGitHubSource({ repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0 }, { log: { debug() {}, info() {}, warn() {}, error() {} } });
}

/** A cold runtime, as a new Functions instance builds it; jobs land in `jobs`. */
export function benchRuntime(fake: GitHubFake, jobs: SyncJob[], clusters: number): Runtime {
  return testRuntime({ source: benchSource(fake), settings: { GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_WEBHOOK_SECRET: SECRET, GITOPS_REGISTRY_TOPICS: JSON.stringify({ [REGISTRY_TOPIC]: 'radixdev.azurecr.io' }) }, jobs, clusters });
}

/** Commits `changed` modified manifests and delivers the push the fake sent; returns the answer and the jobs. */
async function push(fake: GitHubFake, runtime: Runtime, jobs: SyncJob[], files: Record<string, string>, changed: number, mark: string) {
  const edits: Record<string, string> = {};
  for (let i = 0; i < changed; i++) edits[manifestPath(i)] = `${files[manifestPath(i)]}# ${mark}\n`;
  fake.clearDeliveries();
  await fake.commit(REPO, 'main', { files: edits, message: mark });
  const delivery = (await fake.deliveries()).find((d) => d.event === 'push')!;
  jobs.length = 0;
  fake.resetRequests();
  const t0 = performance.now();
  const res = await githubWebhook(runtime, silentLogger, { header: (n) => delivery.headers[n.toLowerCase()], body: delivery.body });
  return { res, ms: performance.now() - t0, calls: count(fake) };
}

async function syncReads(fake: GitHubFake, source: GitHubSource, runtime: Runtime, job: SyncJob) {
  const env = findEnvironment(await runtime.config(), job.environment)!;
  fake.resetRequests();
  const t0 = performance.now();
  const head = await source.resolveBranch(env.branch);
  const rendered = await renderEnvironment(source, env, head);
  const render = { ...count(fake), ms: round(performance.now() - t0), resources: rendered.resources.length };
  return { env, head, render };
}

async function changedRead(fake: GitHubFake, source: GitHubSource, branch: string, changed: string[]) {
  fake.resetRequests();
  const head = await source.resolveBranch(branch);
  await source.readFiles(head, changed);
  return count(fake);
}

const REGISTRY_TOPIC = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/common/providers/Microsoft.ContainerRegistry/registries/radixdev';

function imageEvent(repository: string, tag: string) {
  return {
    id: crypto.randomUUID(), topic: REGISTRY_TOPIC, eventType: 'Microsoft.ContainerRegistry.ImagePushed', subject: `${repository}:${tag}`, eventTime: new Date().toISOString(), dataVersion: '1.0',
    data: { id: crypto.randomUUID(), timestamp: new Date().toISOString(), action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository, tag, digest: `sha256:${'e'.repeat(64)}` }, request: { host: 'radixdev.azurecr.io' } },
  };
}

async function measureSize(size: number, o: CallOptions) {
  const files = realisticManifests(size);
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'gitops.yaml': GITOPS_YAML, ...files }, branches: ['main'] }], token: TOKEN, latencyMs: o.githubLatencyMs, webhook: { capture: true, secret: SECRET } });
  try {
    const changed = Math.min(o.changed, size);
    const jobs: SyncJob[] = [];
    const runtime = benchRuntime(fake, jobs, o.clusters);
    const cold = await push(fake, runtime, jobs, files, changed, 'push 1');
    if (cold.res.status !== 202 || jobs.length !== o.clusters) throw new Error(`failed to push: ${cold.res.status} ${JSON.stringify(cold.res.body)}`);
    const job = jobs[0]!;
    const sync = await syncReads(fake, benchSource(fake), runtime, job);
    const narrow = await changedRead(fake, benchSource(fake), sync.env.branch, job.changed);
    // A warm instance: the configuration is cached, trees of known commits and unchanged blobs too.
    const warmSource = benchSource(fake);
    await syncReads(fake, warmSource, runtime, job);
    const warm = await push(fake, runtime, jobs, files, changed, 'push 2');
    const warmSync = await syncReads(fake, warmSource, runtime, jobs[0]!);
    // Image events: a new instance each (cold), then a second event on the same instance (warm).
    const automated = Array.from({ length: size }, (_, i) => i).filter((i) => /fluxcd\.io\/automated: "true"/.test(files[manifestPath(i)]!));
    const imageRuntime = benchRuntime(fake, [], o.clusters);
    fake.resetRequests();
    let t0 = performance.now();
    const first = await registryPush(imageRuntime, silentLogger, imageEvent(appName(automated[0]!), 'master-2'));
    const imageCold = { ...count(fake), ms: round(performance.now() - t0) };
    fake.resetRequests();
    t0 = performance.now();
    const second = await registryPush(imageRuntime, silentLogger, imageEvent(appName(automated[1]!), 'master-2'));
    const imageWarm = { ...count(fake), ms: round(performance.now() - t0) };
    const committed = [first, second].every((r) => JSON.stringify(r).includes('"committed"'));
    if (!committed) throw new Error(`an image event did not commit: ${JSON.stringify(first).slice(0, 300)}`);
    return {
      size,
      changed,
      push: {
        on_push: cold.calls.total, on_push_ms: round(cold.ms), jobs: jobs.length,
        sync_read: sync.render.total, sync_read_ms: sync.render.ms, sync_read_changed_only: narrow.total,
        total: cold.calls.total + sync.render.total, total_changed_only: cold.calls.total + narrow.total,
        warm_on_push: warm.calls.total, warm_sync_read: warmSync.render.total, warm_total: warm.calls.total + warmSync.render.total,
      },
      image: { reads: imageCold.reads, writes: imageCold.writes, statuses: imageCold.statuses, total: imageCold.total, ms: imageCold.ms, warm_reads: imageWarm.reads, warm_writes: imageWarm.writes, warm_total: imageWarm.total },
    };
  } finally {
    await fake.close();
  }
}

export async function githubCallFigures(o: CallOptions): Promise<Figure[]> {
  const results = [];
  for (const size of o.sizes) results.push(await measureSize(size, o));
  const same = (xs: number[]) => xs.every((x) => x === xs[0]);
  const pushTotals = results.map((r) => r.push.total);
  const warmTotals = results.map((r) => r.push.warm_total);
  const imageTotals = results.map((r) => r.image.total);
  const bySize = Object.fromEntries(results.map((r) => [String(r.size), r]));
  return [
    {
      name: 'github_calls_per_push', value: Math.max(...pushTotals), unit: 'calls', goal: '≤ 4 reads, same at every size (cold)', met: same(pushTotals) && Math.max(...pushTotals) <= 4,
      rows: results.map((r) => ({ label: `${r.size} manifests, ${r.changed} changed`, value: `${r.push.total} = onPush ${r.push.on_push} + sync read ${r.push.sync_read} (changed files only: ${r.push.sync_read_changed_only}); warm ${r.push.warm_total}` })),
      detail: { by_size: Object.fromEntries(results.map((r) => [String(r.size), r.push])), note: 'cold: a new instance for onPush and another for the sync job; sync read = resolveBranch + renderEnvironment; warm = the same instances on the next push' },
    },
    {
      name: 'github_calls_per_push_warm', value: Math.max(...warmTotals), unit: 'calls', goal: '≤ 4 reads, same at every size (warm)', met: same(warmTotals) && Math.max(...warmTotals) <= 4,
      rows: results.map((r) => ({ label: `${r.size} manifests`, value: `${r.push.warm_total} = onPush ${r.push.warm_on_push} + sync read ${r.push.warm_sync_read}` })),
    },
    {
      name: 'github_calls_per_image_event', value: Math.max(...imageTotals), unit: 'calls', goal: '≤ 6 calls, same at every size (cold; statuses apart)', met: same(imageTotals) && Math.max(...imageTotals) <= 6,
      rows: results.map((r) => ({ label: `${r.size} manifests`, value: `${r.image.total} = ${r.image.reads} reads + ${r.image.writes} writes (${r.image.ms} ms); warm ${r.image.warm_total} = ${r.image.warm_reads} + ${r.image.warm_writes}` })),
      detail: { by_size: Object.fromEntries(Object.entries(bySize).map(([k, r]) => [k, r.image])) },
    },
  ];
}
