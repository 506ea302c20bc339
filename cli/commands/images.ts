/**
 * `gitops images [--env NAME] [--workload ID] [--tags] [--limit N] [--json]`: what `fluxctl list-images`
 * showed: every workload container, its image, policies and filter; with --tags, the tags its filter accepts
 * in the registry, newest first, the current one marked.
 */
import { findContainers, listImages, type ImageRow } from '../../shared/images/index.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import { containerTags, type ContainerTags } from '../../shared/pipeline/registry-tags.ts';
import { parseOptions } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { openLocalRepo, requireEnvironment } from '../load.ts';
import { wrap, type Output } from '../output.ts';
import { registryAccess } from '../registries.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `Usage: gitops images [--env NAME] [--workload ID] [--tags] [--limit N]
                     [--repo DIR] [--config FILE] [--json]

Lists every workload container of each environment (or of --env NAME, or one
--workload ID): its current image, automation policies (automated, locked,
ignore) and tag filter.
--tags (or --limit N) also asks the registry (only the registries the
environment lists; ACR with your Azure credentials) for the tags the filter
accepts, newest first as automation orders them (semver by version, glob and
regex by the image's creation time), at most N (default 10): * marks the
current tag, -> the one automation would take.

JSON: [{"env","workload","file","kind","container","image","automated",
"locked","ignore","filter","filterError"?,"problem"?}], and with --tags
also "tags":[{"tag","digest","created"?,"current"}],"more","candidate"
(tag or null),"note"? per row.`;

const dateOf = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : iso === null ? 'no date' : '');

function printRow(out: Output, r: ImageRow, tags: ContainerTags | undefined): void {
  const policy = r.ignore === 'true' ? 'ignored' : r.locked ? 'locked' : r.automated ? 'automated' : 'not automated';
  const indent = '      ';
  if (!r.image) { for (const l of wrap(`${r.container ?? '?'}: (${r.problem})`, 76, '  ')) out.line(out.red(`    ${l}`)); return; }
  const at = r.image.lastIndexOf(':') > r.image.lastIndexOf('/') ? r.image.lastIndexOf(':') : -1;
  for (const l of wrap(`${r.container ?? '?'}: ${at > 0 ? r.image.slice(0, at) : r.image}`, 76, '  ')) out.line(`    ${l}`);
  for (const l of wrap(`tag ${at > 0 ? r.image.slice(at + 1) : '(none)'}, ${policy}, filter ${r.filter ?? 'glob:*'}${r.filterError ? ` (invalid: ${r.filterError})` : ''}`, 74, '  ')) out.line(out.dim(`${indent}${l}`));
  if (!tags) return;
  if (tags.note) { for (const l of wrap(tags.note, 74, '  ')) out.line(out.yellow(`${indent}${l}`)); return; }
  if (tags.tags.length === 0) out.line(out.yellow(`${indent}no tag in the registry matches ${r.filter}`));
  const candidate = tags.candidate?.kind === 'candidate' ? tags.candidate.tag.name : undefined;
  for (const t of tags.tags) {
    const mark = t.current ? '* ' : t.tag === candidate ? '->' : '  ';
    const paint = t.current ? out.bold : (x: string) => x;
    const head = `${indent}${mark} ${t.tag}`;
    const date = t.created !== undefined ? dateOf(t.created) : '';
    if (head.length + 2 + date.length <= 80) out.line(paint(date ? `${head}  ${date}` : head));
    else {
      // A tag too long for one line is cut across lines (never lost), its date below it.
      for (const [i, l] of wrap(t.tag, 80 - indent.length - 3, '').entries()) out.line(paint(`${indent}${i ? '   ' : `${mark} `}${l}`));
      if (date) out.line(`${indent}   ${date}`);
    }
  }
  if (tags.more) out.line(out.dim(`${indent}… more (--limit N)`));
}

export async function images(args: string[], ctx: CommandContext): Promise<number> {
  const parsed = parseOptions(args, {
    repo: { type: 'string' }, env: { type: 'string' }, config: { type: 'string' }, workload: { type: 'string' },
    tags: { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' },
  });
  if (parsed === 'help') return void ctx.out.line(HELP), 0;
  const limit = parsed.limit === undefined ? 10 : Number(parsed.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit ${parsed.limit}: expected a whole number from 1 to 1000`);
  const withTags = Boolean(parsed.tags || parsed.limit !== undefined);
  const local = await openLocalRepo(ctx, parsed.repo, parsed.config);
  const envs = parsed.env ? [requireEnvironment(local.config, parsed.env)] : local.config.environments;
  const result: Array<{ env: string; rows: Array<{ row: ImageRow; tags?: ContainerTags }>; errors: Array<{ file: string; line?: number; message: string }> }> = [];
  for (const env of envs) {
    const r = await renderEnvironment(local.source, env, local.revision);
    const resources = parsed.workload ? r.resources.filter((x) => x.id === parsed.workload) : r.resources;
    const rows: Array<{ row: ImageRow; tags?: ContainerTags }> = listImages(resources).map((row) => ({ row }));
    if (withTags) {
      const access = await registryAccess(ctx, env);
      const containers = resources.flatMap((x) => findContainers(x).containers);
      await Promise.all(rows.map(async (entry) => {
        const c = containers.find((x) => x.resourceId === entry.row.workload && x.container === entry.row.container);
        if (c) entry.tags = await containerTags(c, c.image.domain ? access(c.image.domain) : undefined, { limit });
      }));
    }
    const unsupported = r.mode === 'commandUpdated' && rows.some(({ row }) => row.automated)
      ? [{ file: r.fluxConfig ?? '.flux.yaml', message: 'image automation is not supported here: a commandUpdated environment\'s updaters are commands, which are never run' }]
      : [];
    result.push({ env: env.name, rows, errors: [...r.errors, ...unsupported] });
  }
  if (parsed.workload && result.every((e) => e.rows.length === 0)) throw new UsageError(`--workload ${parsed.workload}: no workload with containers has that id${parsed.env ? ` in ${parsed.env}` : ''}`);
  const { out } = ctx;
  if (parsed.json) {
    out.line(JSON.stringify(result.flatMap(({ env, rows }) => rows.map(({ row, tags }) => ({
      env, ...row,
      ...(withTags ? { tags: tags?.tags ?? [], more: tags?.more ?? false, candidate: tags?.candidate?.kind === 'candidate' ? tags.candidate.tag.name : null, ...(tags?.note ? { note: tags.note } : {}) } : {}),
    }))), null, 2));
    return 0;
  }
  for (const { env, rows, errors } of result) {
    out.line(out.bold(env));
    if (rows.length === 0) out.line(out.dim('  no workload containers'));
    let workload: string | undefined;
    for (const { row, tags } of rows) {
      if (row.workload !== workload) { workload = row.workload; for (const l of wrap(row.workload, 78, '  ')) out.line(`  ${l}`); }
      printRow(out, row, tags);
    }
    for (const e of errors) out.warn(`${env}: ${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}`);
    out.line();
  }
  return 0;
}
