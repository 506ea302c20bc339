/**
 * `gitops suspend --env NAME [--cluster NAME] --reason TEXT` and `gitops resume --env NAME [--cluster NAME]`:
 * stop and restart deploys of an environment in an emergency (like `flux suspend` / `flux resume`). The
 * suspension lives in each cluster's sync state ConfigMap, where the Function App and the CLI both read it.
 */
import { hostname, userInfo } from 'node:os';
import { laptopClock, stateNamespace } from '../../shared/app/laptop.ts';
import { changeSuspension } from '../../shared/pipeline/environment-suspension.ts';
import { parseOptions } from '../args.ts';
import { selectClusters } from '../clusters.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { UsageError } from '../usage-error.ts';

const SUSPEND_HELP = `Usage: gitops suspend --env NAME --reason TEXT [--cluster NAME]
                      [--kubeconfig FILE [--context PATTERN]]
                      [--repo DIR] [--config FILE] [--json]

Suspends deploys of the environment on each of its clusters (or one --cluster):
the Function App and 'gitops sync' skip it there, setting a commit status and
logging why; pushes are still recorded. When every cluster of the environment
is suspended, image updates for it are skipped too. The reason, who and when
are stored in each cluster's sync state ConfigMap (gitops-system/gitops-<env>),
where 'gitops status' shows them. 'gitops resume' ends it.
Without --kubeconfig, the environment's own clusters (Azure discovery with
your Azure credentials, as the app does).

Exit codes: 0 done, 1 a cluster could not be written, 2 bad arguments.
JSON: [{"environment","cluster","suspended":true|false,"error"?}]`;

const RESUME_HELP = `Usage: gitops resume --env NAME [--cluster NAME]
                     [--kubeconfig FILE [--context PATTERN]]
                     [--repo DIR] [--config FILE] [--json]

Ends a suspension (gitops suspend) on each cluster of the environment (or one
--cluster). The next sync (the next push, the reconcile timer, or
'gitops sync') applies the branch's HEAD in full.

Exit codes: 0 done, 1 a cluster could not be written, 2 bad arguments.
JSON: [{"environment","cluster","suspended":false,"wasSuspended"?,"error"?}]`;

async function change(args: string[], ctx: CommandContext, suspend: boolean): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' }, cluster: { type: 'string' }, reason: { type: 'string' },
    kubeconfig: { type: 'string' }, context: { type: 'string' }, json: { type: 'boolean' },
  }, suspend ? ['env', 'reason'] : ['env']);
  if (parsed === 'help') return void ctx.out.line(suspend ? SUSPEND_HELP : RESUME_HELP), 0;
  if (suspend && !parsed.reason!.trim()) throw new UsageError('--reason must say why (it is shown to everyone who looks)');
  if (!suspend && parsed.reason !== undefined) throw new UsageError('--reason goes with suspend');
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const env = requireEnvironment(local.config, parsed.env!);
  const selected = await selectClusters(ctx, env, { kubeconfig: parsed.kubeconfig, context: parsed.context, cluster: parsed.cluster });
  const by = `${ctx.env.USER ?? (() => { try { return userInfo().username; } catch { return 'someone'; } })()}@${hostname()} (gitops CLI)`;
  const at = new Date(laptopClock.now()).toISOString();
  const results = await changeSuspension(env, selected.clusters, { connector: selected.connector, stateNamespace: stateNamespace(ctx.env) }, suspend ? { reason: parsed.reason!.trim(), by, at } : undefined);
  const { out } = ctx;
  if (parsed.json) out.line(JSON.stringify(results, null, 2));
  else {
    for (const r of results) {
      if (r.error) out.line(out.red(`${r.cluster}: ${r.error}`));
      else out.line(`${r.cluster}: ${env.name} ${suspend ? `suspended (${parsed.reason!.trim()})` : 'resumed; the next sync applies HEAD'}`);
    }
  }
  return results.some((r) => r.error) ? 1 : 0;
}

export const suspend = (args: string[], ctx: CommandContext): Promise<number> => change(args, ctx, true);
export const resume = (args: string[], ctx: CommandContext): Promise<number> => change(args, ctx, false);
