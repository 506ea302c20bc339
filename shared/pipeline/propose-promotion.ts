/**
 * A promotion proposed as one pull request (GitHub): plan it (`promote`), and unless it is refused or empty,
 * open or update the one pull request `gitops/promote/<from>-to-<to>` → the target branch, its body the summary.
 */
import type { GitopsConfig } from '../config/index.ts';
import { promotionBranch, promotionSummary, promotionTitle } from '../promote/summary.ts';
import type { PromotionProposal, PromotionProposalResult } from '../sources/github/github-promotion-writer.ts';
import type { SourceReader } from '../sources/port.ts';
import { promote, type PromotionResult } from './promote.ts';

export interface PromotionProposer extends SourceReader {
  proposePromotion(proposal: PromotionProposal): Promise<PromotionProposalResult>;
}

export type ProposedPromotion =
  | { status: 'refused' | 'nothing'; result: PromotionResult }
  | { status: PromotionProposalResult['status']; result: PromotionResult; proposal: PromotionProposalResult };

export async function proposeEnvironmentPromotion(source: PromotionProposer, config: GitopsConfig, to: string, options: { select?: readonly string[]; remove?: boolean } = {}): Promise<ProposedPromotion> {
  const result = await promote({ source, config, to, ...options });
  const { plan } = result;
  if (plan.refused.length > 0) return { status: 'refused', result };
  if (plan.files.size === 0) return { status: 'nothing', result };
  const proposal = await source.proposePromotion({
    branch: promotionBranch(plan.from, plan.to),
    baseBranch: result.to.branch,
    baseRevision: result.targetRevision,
    sourceRevision: result.sourceRevision,
    files: plan.files,
    title: promotionTitle(plan),
    summary: promotionSummary(plan, { source: result.sourceRevision, target: result.targetRevision }),
  });
  return { status: proposal.status, result, proposal };
}
