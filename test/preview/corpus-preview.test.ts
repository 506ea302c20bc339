/**
 * Real data: the radix-flux image updates Flux v1 made by editing a raw manifest (cases without a patch file)
 * previewed as a pull request would be: exactly one changed object, its image tag, and a filter that accepts it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../shared/config/index.ts';
import { renderBuilder } from '../../shared/pipeline/preview-build.ts';
import { compareBuilds, renderPreviewMarkdown } from '../../shared/preview/index.ts';
import { LocalGitSource } from '../../shared/sources/local-git.ts';
import { corpusDir, skipWithoutCorpus } from '../support/corpus.ts';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };

test('every raw-manifest image update Flux v1 made previews as exactly its image change, accepted by the filter', { skip: skipWithoutCorpus() }, async () => {
  const cases = path.join(corpusDir()!, 'cases');
  const raw = readdirSync(cases).filter((c) => !execFileSync('find', [path.join(cases, c, 'before'), '-name', 'flux-patch.yaml'], { encoding: 'utf8' }).trim());
  assert.ok(raw.length >= 5, `${raw.length} raw cases`);
  for (const c of raw) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `corpus-${c}-`));
    const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', env: ENV }).trim();
    git('init', '-q', '-b', 'master');
    cpSync(path.join(cases, c, 'before'), dir, { recursive: true });
    git('add', '-A');
    git('commit', '-qm', 'before');
    git('checkout', '-q', '-b', 'flux');
    cpSync(path.join(cases, c, 'after'), dir, { recursive: true });
    git('commit', '-qam', 'after');
    const envDir = readdirSync(dir).find((d) => d.endsWith('-configs') && existsSync(path.join(dir, d)))!;
    const env = parseConfig(`environments:\n  e: { branch: master, path: ${envDir} }\n`, 'gitops.yaml').environments[0]!;
    const source = new LocalGitSource(dir);
    const [base, head] = [await source.resolveRevision('master'), await source.resolveRevision('flux')];
    const builder = renderBuilder();
    const none = new Map<string, string>();
    const p = compareBuilds({ environment: 'e', branch: 'master', path: envDir, baseRevision: base, headRevision: head }, [
      { clusters: [], variables: [], base: await builder.build(source, env, base, none), head: await builder.build(source, env, head, none) },
    ]);
    const g = p.groups[0]!;
    assert.deepEqual([g.diff.added.length, g.diff.removed.length, g.diff.changed.length, p.errors.length], [0, 0, 1, 0], c);
    assert.ok(g.diff.changed[0]!.fields.every((f) => /tag$/.test(String(f.path.at(-1)))), `${c}: only image tags changed`);
    assert.ok(g.images.length >= 1 && g.images.every((i) => i.accepted === true && i.from !== i.to), `${c}: ${JSON.stringify(g.images)}`);
    assert.ok(renderPreviewMarkdown(p).length < 65_535);
  }
});
