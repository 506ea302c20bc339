/**
 * Automatic promotion proposals (`promotion.auto: true`): after a clean sync of a source environment, when every
 * one of its clusters has applied that commit without failures and the commit is still the source branch's HEAD,
 * the promotion pull request of each target that promotes automatically from it is opened or updated. Humans
 * still merge it. Idempotent per (source commit, target commit) (the pull request records both); a promotion
 * that changes nothing, or is refused, proposes nothing (a refusal is logged).
 */
import type { Environment, GitopsConfig } from '../config/index.ts';
import type { Logger } from './logger.ts';
import { proposeEnvironmentPromotion, type PromotionProposer, type ProposedPromotion } from './propose-promotion.ts';

/** What one cluster of the source environment last applied. */
export interface ClusterApplied {
  cluster: string;
  /** The commit applied; undefined when never synced or unreadable. */
  applied: string | undefined;
  /** The last sync applied everything without failures. */
  clean: boolean;
}

export interface AutoPromoteDeps {
  source: PromotionProposer;
  config: GitopsConfig;
  /** Every cluster of the source environment and what it applied. */
  clusters: (env: Environment) => Promise<readonly ClusterApplied[]>;
  log: Logger;
}

export type AutoPromoteOutcome = { target: string; status: ProposedPromotion['status'] | 'waiting' | 'failed'; reason?: string };

/** Proposes the automatic promotions out of `env` for `revision`; one outcome per target that promotes from it automatically. */
export async function autoPromote(env: Environment, revision: string, deps: AutoPromoteDeps): Promise<AutoPromoteOutcome[]> {
  const targets = deps.config.environments.filter((e) => e.promotion?.from === env.name && e.promotion.auto);
  if (targets.length === 0) return [];
  const clusters = await deps.clusters(env);
  const behind = clusters.filter((c) => c.applied !== revision || !c.clean);
  const head = await deps.source.resolveBranch(env.branch);
  const waiting = clusters.length === 0 ? 'no cluster of the source reports yet'
    : behind.length > 0 ? `waiting for ${behind.map((c) => c.cluster).join(', ')} to apply ${revision.slice(0, 12)} cleanly`
      : head !== revision ? `${env.branch} moved on to ${head.slice(0, 12)}` : undefined;
  if (waiting !== undefined) return targets.map((t) => ({ target: t.name, status: 'waiting', reason: waiting }));
  const out: AutoPromoteOutcome[] = [];
  for (const target of targets) {
    const where = { environment: target.name, commit: revision };
    try {
      const r = await proposeEnvironmentPromotion(deps.source, deps.config, target.name);
      if (r.status === 'refused') {
        deps.log.warn('promote.refused', { ...where, result: r.result.plan.refused.map((x) => `${x.line ? `${x.file}:${x.line}` : x.file}: ${x.message}`).join('; ') });
      } else if (r.status !== 'nothing' && r.status !== 'unchanged') {
        deps.log.info('promote.proposed', { ...where, result: `${r.status} ${'proposal' in r && 'pullRequest' in r.proposal ? r.proposal.pullRequest?.url ?? '' : ''}`.trim() });
      }
      out.push({ target: target.name, status: r.status });
    } catch (err) {
      deps.log.warn('promote.failed', { ...where, result: err instanceof Error ? err.message : String(err) });
      out.push({ target: target.name, status: 'failed', reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
