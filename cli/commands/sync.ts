/**
 * `gitops sync --repo DIR --env NAME (--kubeconfig F [--context PATTERN] | --out DIR) [--prune] [--dry-run] [--json]`:
 * the sync pipeline from a laptop. With --kubeconfig it applies to the matching contexts (lease, state,
 * prune as in Azure); with --out it writes each object as it would be applied, one file per object.
 */
import { hostname } from 'node:os';
import path from 'node:path';
import { laptopClock } from '../../shared/app/laptop.ts';
import type { ApplyProgress } from '../../shared/clusters/index.ts';
import { writeEnvironment } from '../../shared/pipeline/build-environment.ts';
import { syncCounts } from '../../shared/pipeline/describe-sync.ts';
import { silentLogger } from '../../shared/pipeline/logger.ts';
import { parseVars } from './build.ts';
import { syncCluster, type SyncClusterResult } from '../../shared/pipeline/sync-cluster.ts';
import { parseOptions } from '../args.ts';
import { selectClusters } from '../clusters.ts';
import { wrap } from '../output.ts';
import { syncProgress } from '../sync-progress.ts';
import type { CommandContext } from '../context.ts';
import { gitUrlFor, openLocalRepo, requireEnvironment } from '../load.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `Usage: gitops sync --env NAME [--repo DIR] [--config FILE]
                   (--kubeconfig FILE [--context PATTERN] | --out DIR)
                   [--prune] [--force-prune] [--dry-run] [--git-url URL]
                   [--var KEY=VALUE]... [--json]

Applies the environment as it is in DIR (uncommitted edits count) to the
kubeconfig contexts the environment selects (clusters.kubeconfig.contexts in
gitops.yaml), or to those matching an explicit --context PATTERN; never to the
current context by default. Exec plugins in FILE run only with
GITOPS_KUBECONFIG_EXEC=true. Server-side apply in Flux v1's order, with the
environment's lease and sync state in the cluster. --prune deletes objects this
environment applied that are gone from git (refused when the render has errors,
the desired state is empty, or more than half would go, unless --force-prune).
--dry-run asks the API server to check everything and stores nothing.
--out DIR writes each object as it would be applied, one file per object,
and touches no cluster; --var supplies there what a cluster's variables
ConfigMap would (with --kubeconfig, each cluster's own ConfigMap named in
gitops.yaml is read).
--git-url is the repository URL the GC marks are computed from (as Flux v1
was given it); default $GITOPS_GIT_URL, else
https://github.com/<repository in gitops.yaml>, else DIR's origin remote. With
none of these, prune is refused (marks computed from the folder would match
nothing from another clone).
Exits 1 when an object, a file or a cluster failed.`;

export async function sync(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' },
    kubeconfig: { type: 'string' }, context: { type: 'string' }, out: { type: 'string' },
    prune: { type: 'boolean' }, 'force-prune': { type: 'boolean' }, 'dry-run': { type: 'boolean' },
    'git-url': { type: 'string' }, json: { type: 'boolean' }, var: { type: 'string', multiple: true },
  }, ['env']);
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  if (!parsed.kubeconfig === !parsed.out) throw new UsageError('give exactly one of --kubeconfig FILE or --out DIR');
  if (parsed.context && !parsed.kubeconfig) throw new UsageError('--context needs --kubeconfig');
  if (parsed.var && !parsed.out) throw new UsageError('--var needs --out (a cluster\'s variables come from its ConfigMap)');
  const variables = parseVars(parsed.var ?? []);
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const env = requireEnvironment(local.config, parsed.env!);
  const gitUrl = await gitUrlFor(local, parsed['git-url'], ctx.env);
  const noOwner = 'no repository URL to compute ownership marks from: give --git-url URL, set GITOPS_GIT_URL or repository: in gitops.yaml, or add an origin remote';
  if (!gitUrl && (parsed.prune || parsed['force-prune'])) throw new UsageError(`--prune refused: ${noOwner}`);
  const { out } = ctx;
  if (!gitUrl && env.prune && parsed.kubeconfig) out.warn(out.yellow(`prune refused (environment ${env.name} has prune: true): ${noOwner}`));

  if (parsed.out) {
    const { rendered, written } = await writeEnvironment(local.source, env, local.revision, {
      dir: path.resolve(ctx.cwd, parsed.out), gitUrl: gitUrl ?? local.source.dir, render: { variables, variablesSource: '--var' },
    });
    if (parsed.json) out.line(JSON.stringify({ written, errors: rendered.errors }, null, 2));
    else {
      for (const w of written) out.line(`${w.file}  ${w.id}`);
      for (const e of rendered.errors) out.warn(out.red(`${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`));
      out.line(`${written.length} objects written to ${parsed.out}, ${rendered.errors.length} errors`);
    }
    return rendered.errors.length ? 1 : 0;
  }

  const selected = await selectClusters(ctx, env, { kubeconfig: parsed.kubeconfig, context: parsed.context });
  const progress = syncProgress(ctx.progress ?? { write: () => true }, selected.clusters.map((c) => c.name));
  const deps = {
    source: local.source, connector: selected.connector, clock: laptopClock, log: silentLogger,
    settings: { gitUrl: gitUrl ?? local.source.dir, holderIdentity: `gitops-cli@${hostname()}:${process.pid}`, ...(ctx.env.GITOPS_STATE_NAMESPACE ? { stateNamespace: ctx.env.GITOPS_STATE_NAMESPACE } : {}) },
    progress: (cluster: string, p: ApplyProgress) => progress.update(cluster, p),
  };
  const results: SyncClusterResult[] = await Promise.all(selected.clusters.map(async (c) => {
    const r = await syncCluster(selected.env, c, deps, {
      // A working tree has no commit to compare with: always render and apply it all.
      full: true,
      ...(parsed.prune ? { prune: true } : {}),
      ...(!gitUrl ? { prune: false } : {}),
      ...(parsed['force-prune'] ? { forcePrune: true } : {}),
      ...(parsed['dry-run'] ? { dryRun: true } : {}),
    });
    progress.done(c.name);
    return r;
  }));
  progress.finish();
  const bad = (r: SyncClusterResult) => r.outcome === 'failed' || r.outcome === 'lease-held' || r.outcome === 'suspended' || r.counts.failed > 0 || r.counts.renderErrors > 0;
  if (parsed.json) out.line(JSON.stringify(results, null, 2));
  else {
    const say = (text: string, paint: (t: string) => string = (t) => t) => { for (const l of wrap(text, 78, '  ')) out.line(paint(`  ${l}`)); };
    for (const r of results) {
      // The counts on one line, then every failure in full (wrapped, never cut).
      const head = r.outcome === 'synced' ? `${r.dryRun ? '[dry run] ' : ''}${r.cluster}: ${syncCounts(r)}` : r.outcome === 'failed' && r.error ? `${r.cluster}: sync failed` : r.description;
      for (const l of wrap(head, 80, '  ')) out.line(bad(r) ? out.red(l) : out.green(l));
      if (r.outcome === 'failed' && r.error) say(r.error, out.red);
      if (r.suspended) say(`suspended by ${r.suspended.by} at ${r.suspended.at}: ${r.suspended.reason} (gitops resume --env ${r.environment} ends it)`, out.yellow);
      for (const o of r.objects.filter((x) => x.action === 'failed')) say(`${o.step === 'prune' ? 'prune ' : ''}${o.id}: ${o.message ?? ''}`);
      for (const o of r.objects.filter((x) => x.action === 'pruned')) say(`${r.dryRun ? 'would prune' : 'pruned'} ${o.id}`, out.dim);
      for (const e of r.renderErrors) say(`${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`);
      if (r.prune?.refused) say(`prune refused: ${r.prune.refused}`, out.yellow);
    }
  }
  return results.some(bad) ? 1 : 0;
}
