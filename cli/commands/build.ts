/**
 * `gitops build --env NAME [--var KEY=VALUE]... [--repo DIR] [--config FILE] [--json]`: the objects exactly as
 * a sync would apply them (before the ownership label and checksum annotation), in apply order, for raw and
 * generated (`.flux.yaml`) environments alike.
 */
import { stringify } from 'yaml';
import { isVariableName } from '../../shared/build/variables.ts';
import { buildEnvironment } from '../../shared/pipeline/build-environment.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { UsageError } from '../usage-error.ts';
import { printGenerators } from './render.ts';

const HELP = `Usage: gitops build --env NAME [--var KEY=VALUE]... [--repo DIR] [--config FILE]
                    [--json]

Prints every object the environment applies, exactly as a sync sends it
(before the ownership label and checksum annotation), as YAML documents in
apply order; --json prints {"objects":[...]}. A .flux.yaml environment is
built as Flux v1 and its generators built it; --var supplies what the
cluster's variables ConfigMap would. Messages go to stderr. Exits 1 when the
environment is refused or has errors.`;

/** Parses `--var KEY=VALUE` options. */
export function parseVars(values: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq) : '';
    if (!isVariableName(name)) throw new UsageError(`--var ${v}: expected KEY=VALUE with KEY of letters, digits and _`);
    if (vars.has(name)) throw new UsageError(`--var ${name} given twice`);
    vars.set(name, v.slice(eq + 1));
  }
  return vars;
}

export async function build(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' },
    var: { type: 'string', multiple: true },
  }, ['env']);
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const variables = parseVars(parsed.var ?? []);
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const env = requireEnvironment(local.config, parsed.env!);
  const { rendered: r, objects } = await buildEnvironment(local.source, env, local.revision, { variables, variablesSource: '--var' });
  const { out } = ctx;
  if (parsed.json) out.line(JSON.stringify({ objects }, null, 2));
  else for (const o of objects) out.line(`---\n${stringify(o, { lineWidth: 0 }).trimEnd()}`);
  printGenerators(r, (l) => out.warn(l));
  for (const w of r.warnings) out.warn(out.yellow(`warning: ${w.line ? `${w.file}:${w.line}` : w.file}: ${w.message}`));
  if (r.refused) out.warn(out.red(`${env.name}: refused as a whole (nothing would be applied):`));
  for (const e of r.errors) out.warn(out.red(`${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`));
  return r.errors.length > 0 ? 1 : 0;
}
