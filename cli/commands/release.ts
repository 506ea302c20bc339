/**
 * `gitops release --branch BRANCH --image REF [--image REF...] [--commit] [--repo DIR] [--json]`:
 * the registry-push logic for every environment on BRANCH, on a local working tree.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { environmentsOnBranch } from '../../shared/config/index.ts';
import { ImageRefError, parseImageRef, type ImageRef } from '../../shared/images/index.ts';
import { planBranchRelease } from '../../shared/pipeline/plan-branch-release.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo } from '../load.ts';
import { releaseWorkload } from './release-workload.ts';
import { table } from '../output.ts';
import { UsageError } from '../usage-error.ts';

const run = promisify(execFile);

const HELP = `Usage: gitops release --branch BRANCH --image REF [--image REF...] [--commit]
       gitops release --env NAME --workload ID [--force] [--commit]
                      (--update-image REF... | --update-all-images)
       (both: [--repo DIR] [--config FILE] [--json])

--branch: does what a registry push of each REF does: every automated workload
of every environment on BRANCH whose filter accepts the tag gets it
(--commit: Flux's message, Auto-release <image>).

--workload (like fluxctl release): a targeted release of one workload of --env.
--update-image REF puts REF into every container of the workload running REF's
repository, whatever its tag filter says; --update-all-images gives each
container the newest tag its filter accepts in the registry (the
environment's registries only, ACR with your Azure credentials). A locked or
ignored workload is refused unless --force. --commit uses Flux's message
(Release <image> to <workload>).

Edits the manifests in the working tree and writes nothing else there.
Exit codes: 0 done (or nothing to change), 1 refused (a locked or ignored
workload without --force), 2 bad arguments or configuration.
JSON (--workload): {"workload","file","changes":[{"container","from","to"}],
"upToDate":[container],"skipped":[{"container","reason"}],"message","commit"?}`;

export async function release(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, branch: { type: 'string' }, image: { type: 'string', multiple: true }, commit: { type: 'boolean' }, config: { type: 'string' }, json: { type: 'boolean' },
    env: { type: 'string' }, workload: { type: 'string' }, 'update-image': { type: 'string', multiple: true }, 'update-all-images': { type: 'boolean' }, force: { type: 'boolean' },
  });
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  if (parsed.workload !== undefined || parsed.env !== undefined) {
    if (parsed.branch !== undefined || parsed.image !== undefined) throw new UsageError('--branch/--image and --env/--workload are two different releases; give one');
    return releaseWorkload(parsed, ctx);
  }
  if (parsed.branch === undefined) throw new UsageError('missing --branch (or --env and --workload for a targeted release)');
  if (parsed.image === undefined) throw new UsageError('missing --image');
  if (parsed['update-image'] || parsed['update-all-images'] || parsed.force) throw new UsageError('--update-image, --update-all-images and --force go with --env and --workload');
  const images: ImageRef[] = parsed.image!.map((s) => {
    try {
      return parseImageRef(s);
    } catch (err) {
      throw new UsageError(`--image ${s}: ${err instanceof ImageRefError ? err.message : String(err)}`);
    }
  });
  images.forEach((ref, i) => {
    if (!ref.tag) throw new UsageError(`--image ${parsed.image![i]}: expected a tag (repository:tag)`);
  });
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const branch = parsed.branch!;
  if (environmentsOnBranch(local.config, branch).length === 0) {
    throw new UsageError(`--branch ${branch}: no environment in ${local.config.source} deploys that branch`);
  }
  const checkedOut = await local.source.gitBranch();
  if (checkedOut && checkedOut !== branch && checkedOut !== 'HEAD') ctx.out.warn(`warning: ${local.source.dir} has ${checkedOut} checked out, not ${branch}`);

  const { plan, rendered } = await planBranchRelease({ source: local.source, config: local.config, branch, revision: local.revision, images });
  await local.source.writeFiles(plan.files);
  let commit: string | undefined;
  if (parsed.commit && plan.message !== undefined) {
    const git = (...a: string[]) => run('git', ['-C', local.source.dir, ...a]);
    await git('add', '--', ...plan.files.keys());
    await git('commit', '--quiet', '-m', plan.message, '--', ...plan.files.keys());
    commit = (await git('rev-parse', 'HEAD')).stdout.trim();
  }

  const { out } = ctx;
  if (parsed.json) {
    out.line(
      JSON.stringify(
        {
          message: plan.message ?? null,
          ...(commit ? { commit } : {}),
          changes: plan.changes,
          skipped: plan.skipped.map((s) => ({ env: s.env, workload: s.workload, container: s.container, reason: s.message })),
          errors: [...plan.errors, ...rendered.flatMap((r) => r.errors.map((e) => ({ env: r.environment.name, ...e })))],
        },
        null,
        2,
      ),
    );
  } else {
    if (plan.changes.length === 0) out.line('no manifest takes these images');
    else for (const l of table(['ENV', 'WORKLOAD', 'CONTAINER', 'FROM', 'TO'], plan.changes.map((c) => [c.env, c.workload, c.container, c.from, c.to]))) out.line(l);
    if (plan.skipped.length > 0) {
      out.line();
      for (const l of table(['ENV', 'WORKLOAD', 'CONTAINER', 'SKIPPED BECAUSE'], plan.skipped.map((s) => [s.env, s.workload, s.container, s.message]))) out.line(out.dim(l));
    }
    for (const e of plan.errors) out.warn(out.red(`${e.env}: ${e.file}${e.workload ? ` ${e.workload}` : ''}${e.container ? ` ${e.container}` : ''}: ${e.message}`));
    for (const r of rendered) for (const e of r.errors) out.warn(out.red(`${r.environment.name}: ${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`));
    if (plan.message !== undefined) {
      out.line();
      out.line(`${commit ? `committed ${commit.slice(0, 7)}` : `edited ${plan.files.size} file(s); commit message`}:`);
      for (const l of plan.message.trimEnd().split('\n')) out.line(`  ${l}`);
    }
  }
  return 0;
}
