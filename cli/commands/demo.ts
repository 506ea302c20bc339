/**
 * `gitops demo [--dir DIR]`: the main job on embedded defaults, no cloud account.
 * Copies the sample config repository into a local git repository (branches
 * master and release), shows what each environment deploys, then feeds an ACR
 * ImagePushed event (Event Grid shape) through the same pipeline the Function
 * App runs: the manifest edit, the compare-and-swap commit, and what the
 * development environment applies afterwards.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_CONFIG, findEnvironment } from '../../shared/config/index.ts';
import { listImages } from '../../shared/images/index.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { onImagePushed } from '../../shared/pipeline/on-image-pushed.ts';
import { parseEventGridEvent } from '../../shared/pipeline/registry-event.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';

const run = promisify(execFile);
const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'radix-config');

export async function demo(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, { dir: { type: 'string' } });
  if (parsed === 'help') return void ctx.out.line('Usage: gitops demo [--dir DIR]   (default .work/demo)'), 0;
  const { out } = ctx;
  const dir = path.resolve(ctx.cwd, parsed.dir ?? '.work/demo');
  const git = (...a: string[]) =>
    run('git', ['-C', dir, ...a], { env: { ...process.env, GIT_AUTHOR_NAME: 'platform team', GIT_AUTHOR_EMAIL: 'platform@example.com', GIT_COMMITTER_NAME: 'platform team', GIT_COMMITTER_EMAIL: 'platform@example.com' } });

  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await cp(SAMPLE, dir, { recursive: true });
  await git('init', '--quiet', '--initial-branch', 'master');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'Sample config repository');
  await git('branch', 'release');
  out.line(out.bold(`Config repository: ${path.relative(ctx.cwd, dir) || dir} (branches master, release; environments from ${DEFAULT_CONFIG.source})`));

  const source = new LocalGitSource(dir, { author: { name: 'serverless-gitops', email: 'gitops@localhost' } });
  out.line();
  out.line(out.bold('1. What each environment deploys (Flux v1 rules, apply order)'));
  for (const env of DEFAULT_CONFIG.environments) {
    const r = await renderEnvironment(source, env, await source.resolveBranch(env.branch));
    out.line(`   ${env.name} (${env.branch}:${env.path}/ → ${env.clusters.kubeconfig?.contexts ?? 'clusters'}): ${r.resources.length} resources, ${r.skipped.length} skipped, ${r.errors.length} errors`);
    for (const res of r.resources) out.line(out.dim(`     ${res.id}`));
  }

  const tag = `master-${randomBytes(20).toString('hex')}`;
  const event = {
    id: randomUUID(),
    topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/common/providers/Microsoft.ContainerRegistry/registries/radixdev',
    subject: `radix-operator:${tag}`,
    eventType: 'Microsoft.ContainerRegistry.ImagePushed',
    eventTime: new Date().toISOString(),
    dataVersion: '1.0',
    metadataVersion: '1',
    data: {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      action: 'push',
      target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: `sha256:${randomBytes(32).toString('hex')}`, repository: 'radix-operator', tag },
      request: { id: randomUUID(), host: 'radixdev.azurecr.io', method: 'PUT', useragent: 'docker/27.0' },
    },
  };
  out.line();
  out.line(out.bold(`2. ACR ImagePushed: radixdev.azurecr.io/radix-operator:${tag}`));
  const decision = parseEventGridEvent(event);
  if (decision.kind !== 'image') throw new Error(`demo event was ignored: ${decision.reason}`);
  const result = await onImagePushed(decision.image, { config: async () => DEFAULT_CONFIG, source, log: silentLogger });
  if (result.kind !== 'released') throw new Error(`demo event was ignored: ${result.reason}`);
  for (const b of result.branches) {
    out.line(`   ${b.branch} (${b.environments.join(', ')}): ${b.status}${b.revision ? ` ${b.revision.slice(0, 7)}` : ''}`);
    for (const c of b.changes) out.line(`     ${c.env} ${c.workload} ${c.container}: ${c.from} → ${c.to}`);
    for (const s of b.skipped) out.line(out.dim(`     ${s.env} ${s.workload} ${s.container}: ${s.message}`));
  }
  const committed = result.branches.find((b) => b.status === 'committed');
  if (!committed?.revision) throw new Error('the image push changed nothing');
  out.line();
  out.line(out.bold('3. The commit, as the push webhook will see it'));
  const { stdout: show } = await git('show', '--stat', '--format=   commit %H%n   Author: %an <%ae>%n%n%w(0,5,5)%B', committed.revision);
  out.line(show.trimEnd());
  const { stdout: diff } = await git('diff', '--unified=0', `${committed.revision}~1`, committed.revision);
  for (const l of diff.split('\n').filter((l) => /^[-+] /.test(l))) out.line(`     ${l.startsWith('+') ? out.green(l) : out.red(l)}`);

  out.line();
  out.line(out.bold('4. What development applies now'));
  const development = findEnvironment(DEFAULT_CONFIG, 'development')!;
  const after = await renderEnvironment(source, development, committed.revision);
  for (const row of listImages(after.resources)) out.line(`   ${row.workload} ${row.container}: ${row.image}`);
  out.line();
  out.line(`Done: the push webhook for ${committed.revision.slice(0, 7)} would now sync development to every weekly-* cluster.`);
  return 0;
}
