/** `gitops render --repo DIR --env NAME [--config F] [--json]`: what that environment applies. */
import { renderEnvironment, type RenderedEnvironment } from '../../shared/pipeline/render-environment.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { table } from '../output.ts';

const HELP = `Usage: gitops render --env NAME [--repo DIR] [--config FILE] [--json]

Lists the resources the environment applies, in apply order, with Flux v1's
rules; every skipped file or document with its reason; every error with file
and line. Shows the mode (raw files, or the .flux.yaml's patchUpdated/
commandUpdated) and what became of each generator (done natively, or not
run). Exits 1 when a file or document has an error (raw: the rest still
renders) or a generated environment is refused.`;

/** Prints the mode and each generator of a rendered environment. */
export function printGenerators(r: RenderedEnvironment, line: (s: string) => void): void {
  if (r.mode === 'raw') {
    if (r.fluxConfig) line(`mode: raw files (${r.fluxConfig}: scanForFiles)`);
    return;
  }
  line(`mode: ${r.mode} (${r.fluxConfig})${r.patch ? `, patch file ${r.patch.file}` : ''}`);
  for (const g of r.generators) line(`  generator ${g.file}:${g.line}: ${g.status === 'native' ? `\`${g.command}\`: ${g.detail}` : g.detail}`);
}

export async function render(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, { repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } }, ['env']);
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const { repo, env: envName, config: configFile, json } = parsed;
  const local = await openLocalRepo(ctx, repo, configFile);
  const env = requireEnvironment(local.config, envName!);
  const r = await renderEnvironment(local.source, env, local.revision);
  const { out } = ctx;
  if (json) {
    out.line(
      JSON.stringify(
        {
          mode: r.mode,
          ...(r.fluxConfig ? { fluxConfig: r.fluxConfig } : {}),
          generators: r.generators,
          refused: r.refused,
          resources: r.resources.map((x) => ({ id: x.id, file: x.file, apiVersion: x.apiVersion, kind: x.kind, namespace: x.namespace ?? null, name: x.name })),
          skipped: r.skipped.map((s) => ({ file: s.file, ...(s.id ? { id: s.id } : {}), ...(s.line ? { line: s.line } : {}), reason: s.reason })),
          errors: r.errors.map((e) => ({ file: e.file, ...(e.line ? { line: e.line } : {}), message: e.message })),
          warnings: r.warnings.map((e) => ({ file: e.file, ...(e.line ? { line: e.line } : {}), message: e.message })),
        },
        null,
        2,
      ),
    );
  } else {
    out.line(out.bold(`${env.name}: ${env.branch}:${env.path || '/'} (${local.config.source})`));
    printGenerators(r, (l) => out.line(l));
    if (r.refused) out.line(out.red('refused as a whole: nothing of this environment is applied (see errors)'));
    for (const w of r.warnings) out.line(out.yellow(`warning: ${w.line ? `${w.file}:${w.line}` : w.file}: ${w.message}`));
    if (r.resources.length === 0) out.line('no resources');
    else for (const l of table(['RESOURCE', 'API VERSION', 'FILE'], r.resources.map((x) => [x.id, x.apiVersion, x.line ? `${x.file}:${x.line}` : x.file]))) out.line(l);
    if (r.skipped.length > 0) {
      out.line();
      out.line(out.bold(`skipped (${r.skipped.length})`));
      for (const l of table(['FILE', 'WHAT', 'REASON'], r.skipped.map((s) => [s.line ? `${s.file}:${s.line}` : s.file, s.id ?? '', s.reason]))) out.line(out.dim(l));
    }
    if (r.errors.length > 0) {
      out.line();
      out.line(out.red(out.bold(`errors (${r.errors.length})`)));
      for (const e of r.errors) out.line(out.red(`${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`));
    }
    out.line();
    out.line(`${r.resources.length} resources, ${r.skipped.length} skipped, ${r.errors.length} errors`);
  }
  return r.errors.length > 0 ? 1 : 0;
}
