/**
 * `gitops diff --env NAME --base REF --head REF [--var K=V]... [--json]`: what merging HEAD into BASE would
 * change in an environment, from two revisions of a local git repository, without a cluster. The same engine
 * and the same summary as a pull request's check run (markdown), or its JSON.
 */
import { openLocalGit } from '../../shared/app/laptop.ts';
import { compareBuilds, previewToJson, renderPreviewMarkdown } from '../../shared/preview/index.ts';
import { renderBuilder } from '../../shared/pipeline/preview-build.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { UsageError } from '../usage-error.ts';

export const REVISIONS_HELP = `Usage: gitops diff --env NAME --base REF --head REF [--var K=V]...
                   [--repo DIR] [--config FILE] [--json]

Compares two revisions of the local git repository DIR the way a pull
request preview does: the environment is built at the merge base of BASE
and HEAD (where HEAD branched off) and at HEAD, with the variables given by
--var (a cluster's variables), and the objects added, removed and changed
(field by field), image changes and build errors are printed as the check
run's markdown summary. The environments come from --config, else DIR's
gitops.yaml, else the defaults.

Exit codes: 0 no differences, 1 differences or build errors, 2 bad
arguments.

JSON: {"environment","branch","path","base","head","conclusion",
"groups":[{"clusters","variables","diff":{"summary","added","removed",
"changed","unchanged"},"images":[{"workload","container","file","from",
"to","filter","automated","accepted","reason"?}]}],
"errors":[{"file","line"?,"message"}],"warnings":[...],"dryRun":[],
"notes":[...]}`;

export interface RevisionFlags {
  repo: string | undefined;
  env: string;
  config: string | undefined;
  base: string;
  head: string;
  vars: readonly string[];
  json: boolean;
}

/** `K=V` pairs to variables; a bad pair is a usage error naming it. */
export function parseVars(pairs: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--var ${pair}: expected NAME=VALUE with a name of letters, digits and _`);
    vars.set(name, pair.slice(eq + 1));
  }
  return vars;
}

export async function diffRevisions(flags: RevisionFlags, ctx: CommandContext): Promise<number> {
  const local = await openLocalRepo(ctx, flags.repo, flags.config);
  const env = requireEnvironment(local.config, flags.env);
  const variables = parseVars(flags.vars);
  const git = openLocalGit(local.source.dir);
  const resolve = async (flag: string, ref: string) => {
    try {
      return await git.resolveRevision(ref);
    } catch {
      throw new UsageError(`--${flag} ${ref}: no such revision in ${local.source.dir}`);
    }
  };
  const [base, head] = [await resolve('base', flags.base), await resolve('head', flags.head)];
  const mergeBase = await git.mergeBase(base, head);
  const builder = renderBuilder();
  const [before, after] = await Promise.all([builder.build(git, env, mergeBase, variables), builder.build(git, env, head, variables)]);
  const notes = mergeBase !== base ? [`Compared with ${mergeBase.slice(0, 7)}, where ${flags.head} branched off ${flags.base} (now at ${base.slice(0, 7)}).`] : [];
  const preview = compareBuilds(
    { environment: env.name, branch: env.branch, path: env.path, baseRevision: mergeBase, headRevision: head },
    [{ clusters: [], variables: [...variables.keys()].sort(), base: before, head: after }],
    { notes },
  );
  if (flags.json) ctx.out.line(JSON.stringify(previewToJson(preview), null, 2));
  else ctx.out.line(renderPreviewMarkdown(preview).trimEnd());
  const g = preview.groups[0]!;
  const differs = g.diff.added.length + g.diff.changed.length + g.diff.removed.length > 0;
  return preview.conclusion === 'failure' || differs ? 1 : 0;
}
