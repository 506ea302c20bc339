/**
 * GitHub's page-based pagination: `per_page` (default 30, max 100), `page`, and a `Link` header.
 */
import type { Ctx, Reply } from './router.ts';

/** Answers one page of `items` with a `Link` header when there are more pages. */
export function paginate(ctx: Ctx, path: string, items: unknown[]): Reply {
  const perPage = Math.min(Math.max(Number(ctx.query.get('per_page') ?? 30) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(ctx.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${ctx.state.bases.api}${path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { status: 200, body, headers: links.length ? { link: links.join(', ') } : {} };
}
