/** `gitops images [--env NAME] [--repo DIR] [--config F] [--json]`: what `fluxctl list-images` showed. */
import { listImages } from '../../shared/images/index.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { table } from '../output.ts';

const HELP = `Usage: gitops images [--env NAME] [--repo DIR] [--config FILE] [--json]

Lists every workload container of each environment (or of --env NAME): its current
image, automation policies (automated, locked, ignore) and tag filter.`;

export async function images(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, { repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } });
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const envs = parsed.env ? [requireEnvironment(local.config, parsed.env)] : local.config.environments;
  const result = [];
  for (const env of envs) {
    const r = await renderEnvironment(local.source, env, local.revision);
    result.push({ env: env.name, rows: listImages(r.resources), errors: r.errors });
  }
  const { out } = ctx;
  if (parsed.json) {
    out.line(
      JSON.stringify(
        result.flatMap(({ env, rows }) => rows.map((row) => ({ env, ...row }))),
        null,
        2,
      ),
    );
    return 0;
  }
  for (const { env, rows, errors } of result) {
    out.line(out.bold(env));
    if (rows.length === 0) out.line(out.dim('  no workload containers'));
    else {
      const lines = table(
        ['WORKLOAD', 'CONTAINER', 'IMAGE', 'AUTOMATED', 'FILTER'],
        rows.map((r) => [
          r.workload,
          r.container ?? '?',
          r.image ?? `(${r.problem})`,
          r.ignore === 'true' ? 'ignored' : r.locked ? 'locked' : r.automated ? 'yes' : 'no',
          r.filterError ? `${r.filter} (invalid: ${r.filterError})` : (r.filter ?? ''),
        ]),
      );
      for (const l of lines) out.line(`  ${l}`);
    }
    for (const e of errors) out.warn(`${env}: ${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`);
    out.line();
  }
  return 0;
}
