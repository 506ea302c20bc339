/**
 * `gitops demo [--work DIR]` (`npm run demo`): the whole flow on embedded defaults, no cloud account.
 * Starts the local host (the Function App's routes, queue worker and timer) over a copy of the sample
 * config repository, then, over HTTP as GitHub and ACR would: a signed push webhook for a developer's
 * commit, and an Event Grid ImagePushed event. Waits for both to finish and prints what was committed and
 * what each cluster (here: its dry-run folder) received. Exits 0 when everything landed.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sign } from '@octokit/webhooks-methods';
import { loadSettings } from '../../shared/config/settings.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../host/console-logger.ts';
import { startLocalServer } from '../host/start-local.ts';

const run = promisify(execFile);
const RADIXDEV = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/common/providers/Microsoft.ContainerRegistry/registries/radixdev';

export async function demo(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, { work: { type: 'string' }, verbose: { type: 'boolean' } });
  if (parsed === 'help') return void ctx.out.line('Usage: gitops demo [--work DIR] [--verbose]   (default WORK: .work/demo)'), 0;
  const { out } = ctx;
  const workDir = path.resolve(ctx.cwd, parsed.work ?? '.work/demo');
  await rm(workDir, { recursive: true, force: true });
  // Secrets for this run only: the host refuses unsigned deliveries, as in Azure. Never printed.
  const secrets = { GITHUB_WEBHOOK_SECRET: randomBytes(24).toString('hex'), ACR_WEBHOOK_SECRETS: JSON.stringify({ 'radixdev.azurecr.io': randomBytes(24).toString('hex') }) };
  // The operator's registry list: Event Grid events are acted on only from this registry's topic.
  const registries = { GITOPS_REGISTRY_TOPICS: JSON.stringify({ [RADIXDEV]: 'radixdev.azurecr.io' }) };
  const env = { ...ctx.env, ...secrets, ...registries, KUBECONFIG: path.join(workDir, 'no-kubeconfig') };
  const server = await startLocalServer({ settings: loadSettings(env), env, workDir, port: 0, log: consoleLogger(out, { quiet: !parsed.verbose }) });
  try {
    const { host } = server;
    const repo = host.repoDir!;
    const git = async (...a: string[]) => (await run('git', ['-C', repo, ...a], { env: { ...process.env, GIT_AUTHOR_NAME: 'A Developer', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'A Developer', GIT_COMMITTER_EMAIL: 'dev@example.com' } })).stdout.trim();
    await host.idle();
    out.line(out.bold(`Local host on ${server.url}, config repository ${path.relative(ctx.cwd, repo) || repo}`));
    await showClusters(ctx, host.foldersDir);

    // 1. A developer pushes a change to development-configs on master.
    const before = await git('rev-parse', 'master');
    const web = path.join(repo, 'development-configs/apps/web.yaml');
    await writeFile(web, (await readFile(web, 'utf8')).replace('replicas: 2', 'replicas: 3'));
    await git('commit', '--quiet', '--all', '--message', 'Scale web to 3 replicas');
    const after = await git('rev-parse', 'master');
    const payload = {
      ref: 'refs/heads/master', before, after, created: false, deleted: false, forced: false, base_ref: null,
      commits: [{ id: after, message: 'Scale web to 3 replicas', added: [], removed: [], modified: ['development-configs/apps/web.yaml'] }],
      head_commit: { id: after }, repository: { full_name: host.runtime.repository }, pusher: { name: 'dev' },
    };
    const body = JSON.stringify(payload);
    out.line();
    out.line(out.bold(`1. GitHub push webhook: ${after.slice(0, 7)} "Scale web to 3 replicas" on master`));
    const push = await fetch(`${server.url}/api/github-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await sign(secrets.GITHUB_WEBHOOK_SECRET, body) },
      body,
    });
    out.line(`   ${push.status} ${JSON.stringify(((await push.json()) as { jobs?: unknown }).jobs)}`);
    await host.idle();
    await showClusters(ctx, host.foldersDir, 'development');

    // 2. An image is pushed to ACR: Event Grid delivers ImagePushed (CloudEvents 1.0, the subscription's default schema).
    const tag = `master-${randomBytes(20).toString('hex')}`;
    const event = {
      specversion: '1.0', id: randomUUID(), type: 'Microsoft.ContainerRegistry.ImagePushed', subject: `radix-operator:${tag}`, time: new Date().toISOString(),
      source: RADIXDEV,
      data: { id: randomUUID(), timestamp: new Date().toISOString(), action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: `sha256:${randomBytes(32).toString('hex')}`, repository: 'radix-operator', tag }, request: { id: randomUUID(), host: 'radixdev.azurecr.io', method: 'PUT', useragent: 'docker/27.0' } },
    };
    out.line();
    out.line(out.bold(`2. ACR ImagePushed (Event Grid): radixdev.azurecr.io/radix-operator:${tag}`));
    const eg = await fetch(`${server.url}/runtime/webhooks/eventgrid?functionName=registry-push`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json; charset=utf-8', 'aeg-event-type': 'Notification' }, body: JSON.stringify([event]) });
    out.line(`   ${eg.status}`);
    await host.idle();
    const head = await git('rev-parse', 'master');
    const subject = await git('log', '-1', '--format=%s (%an)', 'master');
    out.line(`   committed ${head.slice(0, 7)}: ${subject}`);
    for (const l of (await git('diff', '--unified=0', `${head}~1`, head)).split('\n').filter((l) => /^[-+] /.test(l))) out.line(`     ${l.startsWith('+') ? out.green(l) : out.red(l)}`);
    out.line(out.dim('   that commit\'s push was planned like any other: the development clusters synced it'));
    await showClusters(ctx, host.foldersDir, 'development');

    const dev = JSON.parse(await readFile(path.join(host.foldersDir, 'development', '_sync.json'), 'utf8')) as { revision: string };
    const operator = await readFile(path.join(host.foldersDir, 'development', '0006-default_helmrelease_radix-operator.yaml'), 'utf8');
    const ok = dev.revision === head && operator.includes(tag) && !subject.startsWith('Scale') && (await host.poisoned()).length === 0;
    out.line();
    out.line(ok ? out.green('Done: the push and the image update reached every cluster of development.') : out.red('The demo did not converge: see above.'));
    return ok ? 0 : 1;
  } finally {
    await server.close();
  }
}

async function showClusters(ctx: CommandContext, dir: string, only?: string): Promise<void> {
  const { out } = ctx;
  for (const env of ['development', 'playground', 'production']) {
    if (only && env !== only) continue;
    try {
      const state = JSON.parse(await readFile(path.join(dir, env, '_sync.json'), 'utf8')) as { revision: string; objects: string[] };
      out.line(`   ${env} (dry-run folder .../clusters/${env}): ${state.objects.length} objects at ${state.revision.slice(0, 7)}`);
    } catch {
      out.line(`   ${env}: nothing received yet`);
    }
  }
}
