/**
 * `gitops promote --to NAME [--path GLOB]... [--remove] [--pr] [--repo DIR] [--config FILE] [--json]`: the
 * seed's steps 2 and 3 on a local git repository, read at each environment's branch HEAD (not the working tree).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openLocalGit } from '../../shared/app/laptop.ts';
import { findEnvironment } from '../../shared/config/index.ts';
import { loadConfig } from '../../shared/pipeline/load-config.ts';
import { promote as planPromotion, PromotionError } from '../../shared/pipeline/promote.ts';
import { promotionBranch, promotionSummary, promotionTitle } from '../../shared/promote/summary.ts';
import type { LocalGitSource } from '../../shared/sources/local-git.ts';
import { parseOptions } from '../args.ts';
import { wrap } from '../output.ts';
import type { CommandContext } from '../context.ts';
import { UsageError } from '../usage-error.ts';

const run = promisify(execFile);

const HELP = `Usage: gitops promote --to NAME [--path GLOB]... [--remove] [--pr]
                      [--repo DIR] [--config FILE] [--json]

Promotes into environment NAME from the environment its promotion.from names
(gitops.yaml), reading each at its branch HEAD in the git repository DIR:
each source file (or each matching --path GLOB, relative to the environment
directory) becomes the target file with promotion.rewrite applied in place
(registries in image references, tag filters in annotations). An automated
container keeps the target's tag where the target's filter rejects the
source's. Files only in the target stay; files the source removed are listed
and deleted only with --remove. patchUpdated patch files are never copied.

Refused as a whole, with the reason, when the result does not build, an
image's tag is rejected by the target's filter, or an image comes from a
registry the target does not list.

Prints the summary and the diff. --pr commits the result on the one branch
gitops/promote/FROM-to-NAME, made afresh from the target branch on each run
(the working tree is never touched).

Exit codes: 0 done (or nothing to promote), 1 refused, 2 bad arguments or
configuration.
JSON: {"from","to","changes":[{"file","action","rewrites":[{"line","kind",
"from","to"}]}],"images":[{"file","workload","container","source","written",
"decision","reason"}],"refused":[{"file","line"?,"message"}],
"removedInSource":[file],"branch"?,"commit"?}`;

export async function promote(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    to: { type: 'string' }, path: { type: 'string', multiple: true }, remove: { type: 'boolean' }, pr: { type: 'boolean' },
    repo: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' },
  }, ['to']);
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const dir = path.resolve(ctx.cwd, parsed.repo ?? '.');
  const source = openLocalGit(dir);
  let defaultBranch: string;
  try {
    defaultBranch = await source.defaultBranch();
  } catch {
    throw new UsageError(`--repo ${parsed.repo ?? '.'}: not a git repository with a branch checked out`);
  }
  const explicit = parsed.config === undefined ? undefined : { text: await readConfig(ctx, parsed.config), file: parsed.config };
  const config = await loadConfig(source, await source.resolveBranch(defaultBranch), explicit);
  const target = findEnvironment(config, parsed.to!);
  if (!target) throw new UsageError(`--to ${parsed.to}: no such environment in ${config.source} (have: ${config.environments.map((e) => e.name).join(', ')})`);
  if (!target.promotion) throw new UsageError(`--to ${parsed.to}: ${config.source} gives ${target.name} no promotion (environments.${target.name}.promotion.from)`);

  let result;
  try {
    result = await planPromotion({
      source, config, to: target.name, remove: parsed.remove ?? false, deletedPaths: (b, d) => source.deletedPaths(b, d),
      ...(parsed.path ? { select: parsed.path } : {}),
    });
  } catch (err) {
    if (err instanceof PromotionError) throw new UsageError(err.message);
    throw err;
  }
  const { plan } = result;
  const summary = promotionSummary(plan, { source: result.sourceRevision, target: result.targetRevision });
  let branch: string | undefined;
  let commit: string | undefined;
  if (parsed.pr && plan.refused.length === 0 && plan.files.size > 0) {
    branch = promotionBranch(plan.from, plan.to);
    commit = await commitOnBranch(source, branch, result.targetRevision, plan.files, `${promotionTitle(plan)}\n\n${summary}`);
  }

  const { out } = ctx;
  if (parsed.json) {
    out.line(JSON.stringify({
      from: plan.from, to: plan.to, changes: plan.changes, images: plan.images, refused: plan.refused, removedInSource: plan.removedInSource,
      ...(branch ? { branch } : {}), ...(commit ? { commit } : {}),
    }, null, 2));
  } else {
    for (const l of summary.trimEnd().split('\n')) {
      const lead = /^ */.exec(l)![0];
      for (const w of wrap(l.trimStart(), 80 - lead.length, '    ').map((x) => lead + x)) out.line(plan.refused.length > 0 && l.startsWith('- ') ? out.red(w) : w);
    }
    if (result.diff) {
      out.line();
      for (const l of result.diff.trimEnd().split('\n')) out.line(l.startsWith('+') && !l.startsWith('+++') ? out.green(l) : l.startsWith('-') && !l.startsWith('---') ? out.red(l) : l);
    }
    if (commit) out.line(`\ncommitted ${commit.slice(0, 7)} on ${branch} (from ${target.branch}); open or update its pull request into ${target.branch}`);
  }
  return plan.refused.length > 0 ? 1 : 0;
}

async function readConfig(ctx: CommandContext, file: string): Promise<string> {
  try {
    return await readFile(path.resolve(ctx.cwd, file), 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/**
 * Points the promotion branch at the target's HEAD and commits the files on it: one branch across runs, its
 * content always "the target now, promoted". Refuses to move the branch checked out in the working tree.
 */
async function commitOnBranch(source: LocalGitSource, branch: string, base: string, files: ReadonlyMap<string, string | null>, message: string): Promise<string> {
  const git = (...a: string[]) => run('git', ['-C', source.dir, ...a]);
  const checkedOut = (await git('symbolic-ref', '--quiet', '--short', 'HEAD').catch(() => ({ stdout: '' }))).stdout.trim();
  if (checkedOut === branch) throw new UsageError(`${branch} is checked out in ${source.dir}; switch to another branch first`);
  await git('update-ref', `refs/heads/${branch}`, base);
  const r = await source.commit({ branch, expectedHead: base, files, message });
  if (r.status === 'committed') return r.revision;
  if (r.status === 'unchanged') return base;
  throw new Error(`${branch} moved while committing (now ${r.head.slice(0, 12)}); run again`);
}
