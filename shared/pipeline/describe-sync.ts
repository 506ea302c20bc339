/**
 * How a sync's result reads for people (pure): the commit status description (at most 140 characters, cut
 * at a word, never mid-word) and the counts line the CLI prints above the full list of failures.
 */
import type { SyncClusterResult } from './sync-cluster.ts';

/** GitHub's limit for a commit status description. */
export const STATUS_LIMIT = 140;

/** `text` cut to `n` characters at a word boundary (an ellipsis marks the cut); a word is cut only when it alone is too long. */
export function clipWords(text: string, n = STATUS_LIMIT): string {
  if (text.length <= n) return text;
  const room = text.slice(0, n - 1);
  const space = room.lastIndexOf(' ');
  return `${(space >= n / 2 ? room.slice(0, space) : room).replace(/[\s,;:(]+$/, '')}…`;
}

type Described = Omit<SyncClusterResult, 'description'>;

/** A commit id shortened to 7 characters; anything else (a working tree) as it is. */
const short = (rev: string | undefined): string => (rev === undefined ? '?' : /^[0-9a-f]{40}/.test(rev) ? rev.slice(0, 7) : rev);

/** "4 applied (3 new), 17 unchanged, 1 failed, 2 pruned": what happened, without details. */
export function syncCounts(r: Described): string {
  const c = r.counts;
  const parts: string[] = [];
  if (c.applied || (!c.unchanged && !c.failed)) parts.push(`${c.applied} applied${c.created ? ` (${c.created} new)` : ''}`);
  if (c.unchanged) parts.push(`${c.unchanged} unchanged`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.pruned) parts.push(`${c.pruned} ${r.dryRun || r.prune?.dryRun ? 'would be pruned' : 'pruned'}`);
  if (r.prune?.refused) parts.push('prune refused');
  if (c.renderErrors) parts.push(`${c.renderErrors} file error${c.renderErrors === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** One line for the commit status: "weekly-47: 41 unchanged, 1 failed (default:deployment/web: …)". */
export function describeSync(r: Described): string {
  if (r.outcome === 'failed' && r.error) return clipWords(`${r.cluster}: sync failed: ${r.error}`);
  if (r.outcome === 'up-to-date') return clipWords(`${r.cluster}: up to date at ${short(r.revision)}`);
  if (r.outcome === 'lease-held') return clipWords(`${r.cluster}: another sync holds the lease (${r.leaseHolder ?? '?'})`);
  if (r.outcome === 'suspended') return clipWords(`${r.cluster}: suspended, ${short(r.revision)} not applied (${r.suspended?.reason ?? '?'})`);
  const firstFailure = r.objects.find((o) => o.action === 'failed');
  const firstError = r.renderErrors[0];
  const detail = firstFailure ? ` (${firstFailure.id}: ${firstFailure.message ?? ''})` : firstError ? ` (${firstError.file}${firstError.line ? `:${firstError.line}` : ''}: ${firstError.message})` : r.prune?.refused ? ` (${r.prune.refused})` : '';
  const text = `${r.dryRun ? '[dry run] ' : ''}${r.cluster}: ${syncCounts(r)}${detail}`;
  return clipWords(detail && text.length > STATUS_LIMIT ? text.replace(/\)$/, '') : text);
}
