/**
 * The words of a promotion (pure): the summary a person reads in the terminal and in the pull request body, the
 * branch name and the commit message. Never holds a secret: only paths, images and filters.
 */
import type { PromotionPlan } from './plan-promotion.ts';

/** The one branch a promotion is proposed on, whatever the run. */
export function promotionBranch(from: string, to: string): string {
  return `gitops/promote/${from}-to-${to}`;
}

export function promotionTitle(plan: PromotionPlan): string {
  return `Promote ${plan.from} to ${plan.to}`;
}

/** The summary as Markdown-friendly lines: files, rewritten values, image decisions, removals, refusals. */
export function promotionSummary(plan: PromotionPlan, revisions?: { source: string; target: string }): string {
  const lines: string[] = [];
  const at = revisions ? ` (${plan.from} at ${revisions.source.slice(0, 12)}, ${plan.to} at ${revisions.target.slice(0, 12)})` : '';
  if (plan.refused.length > 0) {
    lines.push(`Promotion of ${plan.from} to ${plan.to} refused${at}:`, '');
    for (const r of plan.refused) lines.push(`- ${r.line ? `${r.file}:${r.line}` : r.file}: ${r.message}`);
    return `${lines.join('\n')}\n`;
  }
  if (plan.changes.length === 0) {
    lines.push(`Nothing to promote from ${plan.from} to ${plan.to}${at}: ${plan.to} already has it.`);
  } else {
    lines.push(`${promotionTitle(plan)}${at}: ${plan.changes.length} file(s).`, '', 'Files:');
    for (const c of plan.changes) {
      lines.push(`- ${c.action} ${c.file}`);
      for (const w of c.rewrites) lines.push(`  - line ${w.line}: ${w.kind} ${w.from} → ${w.to}`);
    }
    if (plan.images.length > 0) {
      lines.push('', 'Images:');
      for (const i of plan.images) {
        const what = i.decision === 'kept-target-tag' ? `keeps ${i.written} (${i.reason})` : `gets ${i.written}`;
        lines.push(`- ${i.workload} ${i.container} in ${i.file}: ${what}`);
      }
    }
  }
  if (plan.removedInSource.length > 0) {
    lines.push('', `Removed in ${plan.from}, left in ${plan.to} (promote with --remove to delete):`);
    for (const f of plan.removedInSource) lines.push(`- ${f}`);
  }
  return `${lines.join('\n')}\n`;
}
