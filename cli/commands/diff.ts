/**
 * `gitops diff --env NAME --kubeconfig F [--context P] [--prune] [--json]`: what a sync would change, asked of
 * the API server by a server-side dry-run apply (like `kubectl diff`, `flux diff kustomization`).
 */
import { diffToJson, hasDifferences, renderDiffTerminal, summarizeDiff } from '../../shared/diff/index.ts';
import { diffCluster, type DiffClusterResult } from '../../shared/pipeline/diff-cluster.ts';
import { parseOptions } from '../args.ts';
import { selectClusters } from '../clusters.ts';
import type { CommandContext } from '../context.ts';
import { gitUrlFor, openLocalRepo, requireEnvironment } from '../load.ts';
import { wrap } from '../output.ts';
import { UsageError } from '../usage-error.ts';
import { diffRevisions, REVISIONS_HELP } from './diff-revisions.ts';

const LIVE_HELP = `Usage: gitops diff --env NAME [--repo DIR] [--config FILE]
                   [--kubeconfig FILE [--context PATTERN]] [--prune]
                   [--git-url URL] [--json]

Shows what 'gitops sync' would change on each cluster: every object of the
environment as it is in DIR is read live and applied with dryRun=All (the API
server merges, defaults and validates it, stores nothing), and the two are
compared. managedFields, status, resourceVersion, generation and uid are left
out; Secret values are shown as *** (changed keys as *** (before)/(after)).
Objects prune would delete are listed; they count as differences only when
prune is on (the environment's prune: true, or --prune).
Without --kubeconfig, the environment's own clusters (Azure discovery with
your Azure credentials, as the app does).

Exit codes: 0 no differences, 1 differences (or an object the server
refuses, or a file error), 2 bad arguments or configuration.

JSON: [{"environment","cluster","revision","summary":{"added","removed",
"changed","unchanged"},"added":[{"id","diff"}],"removed":[{"id","diff"}],
"changed":[{"id","fields":[{"path","op","before"?,"after"?}],"diff"}],
"unchanged":[id],"prune":{"enabled","candidates":[id],"refused"?},
"failed":[{"id","message"}],"notes":[{"id","message"}],
"renderErrors":[{"file","line"?,"message"}]}]`;

const HELP = `${LIVE_HELP}\n\n${REVISIONS_HELP}`;

/** Whether a cluster's diff makes the command exit 1. */
export function differs(r: DiffClusterResult): boolean {
  const d = r.prune.enabled && !r.prune.refused ? r.diff : { ...r.diff, removed: [] };
  return hasDifferences(d) || r.failed.length > 0 || r.renderErrors.length > 0;
}

export async function diff(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' },
    kubeconfig: { type: 'string' }, context: { type: 'string' }, prune: { type: 'boolean' },
    'git-url': { type: 'string' }, json: { type: 'boolean' },
    base: { type: 'string' }, head: { type: 'string' }, var: { type: 'string', multiple: true },
  }, ['env']);
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  if (parsed.base !== undefined || parsed.head !== undefined || parsed.var !== undefined) {
    // Two revisions, no cluster: the pull-request preview's engine.
    if (parsed.base === undefined || parsed.head === undefined) throw new UsageError('--base and --head go together');
    const live = (['kubeconfig', 'context', 'prune', 'git-url'] as const).filter((k) => parsed[k] !== undefined);
    if (live.length > 0) throw new UsageError(`--base/--head compare two revisions without a cluster: --${live[0]} does not apply`);
    return diffRevisions({ repo: parsed.repo, env: parsed.env!, config: parsed.config, base: parsed.base, head: parsed.head, vars: parsed.var ?? [], json: parsed.json ?? false }, ctx);
  }
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const env = requireEnvironment(local.config, parsed.env!);
  const selected = await selectClusters(ctx, env, { kubeconfig: parsed.kubeconfig, context: parsed.context });
  const gitUrl = (await gitUrlFor(local, parsed['git-url'], ctx.env)) ?? local.source.dir;
  const results = await Promise.all(selected.clusters.map(async (c) => diffCluster(selected.env, await selected.connector.connect(c), {
    source: local.source, revision: local.revision, gitUrl, ...(parsed.prune ? { prune: true } : {}),
  })));
  const { out } = ctx;
  if (parsed.json) {
    out.line(JSON.stringify(results.map((r) => ({
      environment: r.environment, cluster: r.cluster, revision: r.revision, ...diffToJson(r.diff),
      prune: r.prune, failed: r.failed, notes: r.notes, renderErrors: r.renderErrors,
    })), null, 2));
  } else {
    for (const r of results) {
      out.line(out.bold(`== ${r.environment} on ${r.cluster}`));
      const label = r.prune.enabled ? (r.prune.refused ? 'would be pruned, but prune refuses' : 'would be pruned') : 'prune candidate (prune is off)';
      const lines = renderDiffTerminal(r.diff, { paint: out, removedLabel: label });
      for (const l of lines.slice(0, -1)) out.line(l);
      const say = (text: string, paint: (t: string) => string) => { for (const l of wrap(text, 80, '  ')) out.line(paint(l)); };
      for (const f of r.failed) say(`! ${f.id}: ${f.message}`, out.red);
      for (const n of r.notes) say(`  ${n.id}: ${n.message}`, out.dim);
      for (const e of r.renderErrors) say(`! ${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`, out.red);
      if (r.prune.refused) say(`prune refused: ${r.prune.refused}`, out.yellow);
      const extra = [r.failed.length ? `${r.failed.length} refused by the server` : '', r.renderErrors.length ? `${r.renderErrors.length} file errors` : ''].filter(Boolean);
      out.line(`${r.cluster}: ${[summarizeDiff(r.diff, { removed: label }), ...extra].join(', ')}`);
      out.line();
    }
  }
  return results.some(differs) ? 1 : 0;
}
