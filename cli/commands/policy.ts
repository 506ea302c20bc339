/**
 * `gitops policy --env NAME --workload ID [--automate|--deautomate] [--lock|--unlock]
 * [--tag-filter CONTAINER=FILTER...] [--commit] [--json]`: `fluxctl policy`, `automate`, `deautomate`,
 * `lock` and `unlock`, as byte-preserving edits of the workload's annotations in the working tree.
 */
import type { PolicyRequest } from '../../shared/images/index.ts';
import { planWorkloadPolicy } from '../../shared/pipeline/plan-workload-policy.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { commitFiles } from '../git-commit.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `Usage: gitops policy --env NAME --workload ID [--repo DIR] [--config FILE]
                     [--automate | --deautomate] [--lock | --unlock]
                     [--tag-filter CONTAINER=FILTER ...] [--commit] [--json]

Changes a workload's Flux policies (like fluxctl automate, deautomate, lock,
unlock and policy --tag) by editing its annotations in the working tree: only
the changed annotation lines change, byte for byte. A policy is written under
the key the workload already has for it, else under the prefix its other
policies use, else fluxcd.io/. Removing a policy removes it under every prefix.
ID is Flux's workload id, e.g. web:deployment/web (see gitops images).
FILTER is glob:PATTERN, semver:RANGE or regex:RE; * or glob:* removes it.
--unlock also removes locked_user and locked_msg.
--commit commits the file with Flux's message
(e.g. "Automated: web:deployment/web").
Environments whose .flux.yaml generates manifests (patchUpdated,
commandUpdated) are refused with the file to edit by hand.

Exit codes: 0 done (or nothing to change), 1 refused (the reason names the
file and line), 2 bad arguments (unknown workload or container, invalid
filter) or configuration.

JSON: {"workload","file","changes":[{"key","value"}],"message","commit"?}
(value null: the key is removed; message null: nothing changed).`;

export async function policy(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' }, workload: { type: 'string' },
    automate: { type: 'boolean' }, deautomate: { type: 'boolean' }, lock: { type: 'boolean' }, unlock: { type: 'boolean' },
    'tag-filter': { type: 'string', multiple: true }, commit: { type: 'boolean' }, json: { type: 'boolean' },
  }, ['env', 'workload']);
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  if (parsed.automate && parsed.deautomate) throw new UsageError('give one of --automate and --deautomate');
  if (parsed.lock && parsed.unlock) throw new UsageError('give one of --lock and --unlock');
  const request: PolicyRequest = {
    ...(parsed.automate ? { automated: true } : parsed.deautomate ? { automated: false } : {}),
    ...(parsed.lock ? { locked: true } : parsed.unlock ? { locked: false } : {}),
  };
  const filters: Record<string, string | null> = {};
  for (const f of parsed['tag-filter'] ?? []) {
    const at = f.indexOf('=');
    if (at <= 0) throw new UsageError(`--tag-filter ${f}: expected CONTAINER=FILTER (e.g. web=semver:~1.4)`);
    filters[f.slice(0, at)] = f.slice(at + 1) || null;
  }
  if (Object.keys(filters).length) request.tagFilters = filters;
  if (request.automated === undefined && request.locked === undefined && !request.tagFilters) {
    throw new UsageError('nothing to change: give --automate, --deautomate, --lock, --unlock or --tag-filter');
  }
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const env = requireEnvironment(local.config, parsed.env!);
  const plan = await planWorkloadPolicy(local.source, env, local.revision, parsed.workload!, request);
  const { out } = ctx;
  if (!plan.ok) {
    if (plan.reason === 'not-found') throw new UsageError(`--workload ${parsed.workload}: ${plan.message}`);
    if (plan.reason === 'invalid') throw new UsageError(plan.message);
    if (parsed.json) out.line(JSON.stringify({ workload: parsed.workload, error: plan.message }, null, 2));
    out.warn(out.red(`gitops policy: ${plan.message}`));
    return 1;
  }
  let commit: string | undefined;
  if (plan.text !== undefined) {
    await local.source.writeFiles(new Map([[plan.file, plan.text]]));
    if (parsed.commit && plan.message) commit = await commitFiles(local.source.dir, [plan.file], plan.message);
  }
  if (parsed.json) {
    out.line(JSON.stringify({ workload: plan.resource.id, file: plan.file, changes: plan.changes, message: plan.message ?? null, ...(commit ? { commit } : {}) }, null, 2));
  } else if (!plan.message) out.line(`${plan.resource.id}: nothing to change`);
  else {
    out.line(`${plan.file}:`);
    for (const c of plan.changes) out.line(c.value === null ? out.red(`  - ${c.key}`) : out.green(`  + ${c.key}: ${c.value}`));
    out.line(commit ? `committed ${commit.slice(0, 7)}: ${plan.message.split('\n')[0]}` : `edited; commit message: ${plan.message.split('\n')[0]}`);
  }
  return 0;
}
