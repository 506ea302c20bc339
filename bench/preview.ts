/**
 * Preview figures: an environment of N Deployments (one file each) in a local git repository, a pull request
 * changing the image and replicas of 10% of them and removing 2%; the time to list the changes, build base
 * and head, compare and render the check run's markdown. Prints one JSON object.
 *
 *   node bench/preview.ts [N=2000]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../shared/config/index.ts';
import { renderBuilder } from '../shared/pipeline/preview-build.ts';
import { pullRequestChanges } from '../shared/pipeline/pull-request-changes.ts';
import { compareBuilds, renderPreviewMarkdown } from '../shared/preview/index.ts';
import { LocalGitSource } from '../shared/sources/local-git.ts';

const n = Number(process.argv[2] ?? 2000);
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.com' };
const deploy = (i: number, tag: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: ns-${i % 20}
  annotations: { fluxcd.io/automated: "true", filter.fluxcd.io/app: "glob:master-*" }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: app-${i} } }
  template:
    metadata: { labels: { app: app-${i} } }
    spec:
      containers:
        - name: app
          image: registry.example/app-${i}:${tag}
          env: [{ name: MODE, value: "${'x'.repeat(200)}" }]
`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-preview-'));
const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { env: ENV, maxBuffer: 1 << 28 });
try {
  git('init', '-q', '-b', 'main');
  mkdirSync(path.join(dir, 'env'));
  for (let i = 0; i < n; i++) writeFileSync(path.join(dir, 'env', `app-${i}.yaml`), deploy(i, 'master-1', 1));
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-q', '-b', 'pr');
  for (let i = 0; i < n; i += 10) writeFileSync(path.join(dir, 'env', `app-${i}.yaml`), deploy(i, 'master-2', 3));
  for (let i = 5; i < n; i += 50) rmSync(path.join(dir, 'env', `app-${i}.yaml`));
  git('add', '-A');
  git('commit', '-qm', 'pr');
  const source = new LocalGitSource(dir);
  const env = parseConfig('environments:\n  e: { branch: main, path: env }\n', 'gitops.yaml').environments[0]!;
  const [base, head] = [await source.resolveRevision('main'), await source.resolveRevision('pr')];
  const t0 = performance.now();
  const changes = await pullRequestChanges(source, base, head);
  const t1 = performance.now();
  const builder = renderBuilder();
  const none = new Map<string, string>();
  const [b, h] = await Promise.all([builder.build(source, env, changes.mergeBase, none), builder.build(source, env, head, none)]);
  const t2 = performance.now();
  const p = compareBuilds({ environment: 'e', branch: 'main', path: 'env', baseRevision: changes.mergeBase, headRevision: head }, [{ clusters: ['c'], variables: [], base: b, head: h }]);
  const t3 = performance.now();
  const md = renderPreviewMarkdown(p);
  const t4 = performance.now();
  const g = p.groups[0]!;
  console.log(JSON.stringify({
    objects: n, changedFiles: changes.paths.length, changed: g.diff.changed.length, removed: g.diff.removed.length, images: g.images.length,
    ms: { changes: Math.round(t1 - t0), buildBoth: Math.round(t2 - t1), compare: Math.round(t3 - t2), markdown: Math.round(t4 - t3), total: Math.round(t4 - t0) },
    markdownChars: md.length, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6), node: process.version, cpus: os.cpus().length, load1: Number(os.loadavg()[0]!.toFixed(1)),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
