/**
 * `gitops status [--env NAME] [--kubeconfig F [--context P]] [--json]`: one row per environment × cluster
 * from each cluster's sync state and lease (like `flux get` and `fluxctl list-workloads`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { laptopClock, stateNamespace as stateNamespaceOf } from '../../shared/app/laptop.ts';
import { clusterStatus, type ClusterStatus } from '../../shared/pipeline/cluster-status.ts';
import { parseOptions } from '../args.ts';
import { selectClusters } from '../clusters.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { table, wrap, type Output } from '../output.ts';
import { UsageError } from '../usage-error.ts';

const run = promisify(execFile);

const HELP = `Usage: gitops status [--env NAME] [--repo DIR] [--config FILE]
                     [--kubeconfig FILE [--context PATTERN]] [--json]

One row per environment and cluster: the commit applied and the branch HEAD
(behind when they differ), the last sync and whether it applied everything
(full), the objects that failed with the server's messages, who holds the
sync lease, and whether the environment is suspended there. Read from each
cluster's sync state ConfigMap and Lease (namespace $GITOPS_STATE_NAMESPACE,
default gitops-system), so it shows what the Function App did too.
HEAD is the environment's branch in DIR: origin/BRANCH when the clone has
it, else BRANCH (git fetch first for GitHub's view).
Without --kubeconfig, each environment's own clusters (Azure discovery with
your Azure credentials, as the app does).

Exit codes: 0 every cluster is at HEAD with nothing failing, 1 a cluster is
behind, failing, suspended or unreachable, 2 bad arguments or configuration.

JSON: [{"environment","cluster","head","applied","behind":true|false|null,
"syncedAt","fullSyncAt","lastSyncFull","failing":[{"id","message"}],
"lease":{"holder","expiresAt"}|null,"suspended":{"reason","by","at"}|null,
"health":{"status":"progressing"|"healthy"|"degraded"|"timed-out",
"message","checkedAt"}|null,
"error"?}]`;

/** The commit a branch points at in a local clone: origin/BRANCH, else BRANCH; undefined when neither exists. */
export async function branchHead(dir: string, branch: string): Promise<string | undefined> {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    try {
      return (await run('git', ['-C', dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).stdout.trim();
    } catch { /* next */ }
  }
  return undefined;
}

const short = (rev: string | undefined): string => (rev === undefined ? '-' : /^[0-9a-f]{40}/.test(rev) ? rev.slice(0, 7) : rev);
const when = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : 'never');

function verdict(s: ClusterStatus): string {
  if (s.error) return 'unreachable';
  const parts: string[] = [];
  if (s.suspended) parts.push('suspended');
  if (s.applied === undefined) parts.push('never synced');
  else if (s.behind) parts.push('behind');
  if (s.failing.length) parts.push(`${s.failing.length} failing`);
  if (s.health && s.health.status !== 'healthy') parts.push(s.health.status === 'progressing' ? 'rolling out' : s.health.status === 'degraded' ? 'degraded' : 'timed out');
  if (s.lease) parts.push('syncing');
  return parts.join(', ') || 'ok';
}

export const needsAttention = (s: ClusterStatus): boolean =>
  Boolean(s.error || s.suspended || s.behind || s.failing.length || s.applied === undefined || s.health?.status === 'degraded' || s.health?.status === 'timed-out');

function print(out: Output, rows: ClusterStatus[]): void {
  const byEnv = new Map<string, ClusterStatus[]>();
  for (const r of rows) byEnv.set(r.environment, [...(byEnv.get(r.environment) ?? []), r]);
  for (const [env, list] of byEnv) {
    out.line(out.bold(`${env}  (HEAD ${short(list[0]?.head)})`));
    const lines = table(['CLUSTER', 'APPLIED', 'LAST SYNC', 'STATUS'], list.map((s) => [
      s.cluster.length > 24 ? `${s.cluster.slice(0, 23)}…` : s.cluster,
      short(s.applied).slice(0, 12),
      `${when(s.syncedAt)}${s.lastSyncFull ? ' full' : ''}`,
      verdict(s),
    ]));
    out.line(`  ${lines[0]}`);
    list.forEach((s, i) => {
      const line = `  ${lines[i + 1]}`;
      out.line(needsAttention(s) ? out.yellow(line) : line);
      const detail = (text: string, paint: (t: string) => string = (t) => t) => { for (const l of wrap(text, 76, '  ')) out.line(paint(`    ${l}`)); };
      if (s.error) detail(`cannot read the cluster: ${s.error}`, out.red);
      if (s.suspended) detail(`suspended ${when(s.suspended.at)}${s.suspended.by ? ` by ${s.suspended.by}` : ''}: ${s.suspended.reason}`, out.yellow);
      if (s.lease) detail(`lease held by ${s.lease.holder} until ${when(s.lease.expiresAt)}`, out.dim);
      if (s.fullSyncAt && !s.lastSyncFull) detail(`last full sync ${when(s.fullSyncAt)}`, out.dim);
      if (s.health && s.health.status !== 'healthy') detail(`health: ${s.health.message}`, s.health.status === 'progressing' ? out.dim : out.red);
      for (const f of s.failing.slice(0, 10)) detail(`! ${f.id}: ${f.message}`, out.red);
      if (s.failing.length > 10) detail(`… and ${s.failing.length - 10} more (--json lists them all)`, out.red);
    });
    out.line();
  }
}

export async function status(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' },
    kubeconfig: { type: 'string' }, context: { type: 'string' }, json: { type: 'boolean' },
  });
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const envs = parsed.env ? [requireEnvironment(local.config, parsed.env)] : local.config.environments;
  const stateNamespace = stateNamespaceOf(ctx.env);
  const rows: ClusterStatus[] = [];
  for (const env of envs) {
    let selected;
    try {
      selected = await selectClusters(ctx, env, { kubeconfig: parsed.kubeconfig, context: parsed.context });
    } catch (err) {
      // Without --env, an environment the kubeconfig has no context for is simply not shown.
      if (err instanceof UsageError && !parsed.env && envs.length > 1) continue;
      throw err;
    }
    const head = await branchHead(local.source.dir, env.branch);
    const { connector } = selected;
    rows.push(...(await Promise.all(selected.clusters.map((c) => clusterStatus(env.name, c.name, () => connector.connect(c), { head, now: laptopClock.now(), stateNamespace })))));
  }
  if (rows.length === 0) throw new UsageError('no environment selects a cluster here (give --env, or --kubeconfig with --context)');
  if (parsed.json) {
    ctx.out.line(JSON.stringify(rows.map((r) => ({ ...r, lease: r.lease ?? null, suspended: r.suspended ?? null, health: r.health ?? null, fullSyncAt: r.fullSyncAt ?? null, syncedAt: r.syncedAt ?? null, applied: r.applied ?? null, head: r.head ?? null })), null, 2));
  } else print(ctx.out, rows);
  return rows.some(needsAttention) ? 1 : 0;
}
