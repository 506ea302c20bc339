import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { sync } from '../../cli/commands/sync.ts';
import { createOutput } from '../../cli/output.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';

async function runSync(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = createOutput({ stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {} });
  const code = await sync(args, { out, env: {}, cwd });
  return { code, stdout, stderr };
}

describe('gitops sync (CLI)', () => {
  let dir: string;
  let fake: KubeFake;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gitops-sync-'));
    await mkdir(path.join(dir, 'repo', 'development-configs'), { recursive: true });
    await writeFile(path.join(dir, 'repo', 'development-configs', 'app.yaml'), [
      'apiVersion: v1', 'kind: Namespace', 'metadata: { name: cli }', '---',
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: settings, namespace: cli }', 'data: { mode: "on" }', '---',
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: defaults }', 'data: { a: "1" }',
    ].join('\n'));
    fake = await startKubeFake({ name: 'kind-weekly-1', token: 'laptop-token' });
    await writeFile(path.join(dir, 'kubeconfig'), [
      'apiVersion: v1', 'kind: Config',
      `clusters: [{ name: k, cluster: { server: "${fake.url}" } }]`,
      'users: [{ name: me, user: { token: laptop-token } }]',
      'contexts: [{ name: kind-weekly-1, context: { cluster: k, user: me } }]',
      'current-context: kind-weekly-1',
    ].join('\n'));
  });
  after(async () => { await fake.close(); await rm(dir, { recursive: true, force: true }); });

  it('writes each object as it would be applied, one file per object in apply order, with --out', async () => {
    const r = await runSync(['--repo', 'repo', '--env', 'development', '--out', 'out'], dir);
    assert.equal(r.code, 0, r.stderr);
    const files = (await readdir(path.join(dir, 'out'))).sort();
    assert.deepEqual(files, ['0001-_cluster_namespace_cli.yaml', '0002-default_configmap_defaults.yaml', '0003-cli_configmap_settings.yaml']);
    const obj = parse(await readFile(path.join(dir, 'out', files[1]!), 'utf8'));
    assert.equal(obj.metadata.namespace, 'default');
    assert.match(obj.metadata.labels['fluxcd.io/sync-gc-mark'], /^sha256\./);
    assert.match(obj.metadata.annotations['fluxcd.io/sync-checksum'], /^[0-9a-f]{40}$/);
  });

  it('applies to an explicitly chosen --context, and a dry run stores nothing', async () => {
    const dry = await runSync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1', '--dry-run'], dir);
    assert.equal(dry.code, 0, dry.stdout);
    assert.match(dry.stdout, /\[dry run\] kind-weekly-1: 3 applied/);
    assert.equal(fake.get('v1', 'ConfigMap', 'cli', 'settings'), undefined);
    const r = await runSync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1', '--json'], dir);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(JSON.parse(r.stdout)[0].counts.applied, 3);
    assert.equal(fake.get('v1', 'ConfigMap', 'cli', 'settings')?.data.mode, 'on');
  });

  it('never applies to the current context by default: production (prod-*) with weekly-47 current is refused and nothing lands', async () => {
    const repo = path.join(dir, 'repo-prod');
    await mkdir(path.join(repo, 'production-configs'), { recursive: true });
    await writeFile(path.join(repo, 'gitops.yaml'), 'repository: acme/config\nenvironments:\n  production:\n    branch: release\n    path: production-configs\n    clusters: { kubeconfig: { contexts: "prod-*" } }\n  staging:\n    branch: release\n    path: staging\n    clusters: { static: [{ name: s-1, server: "https://s-1.example", auth: none }] }\n');
    await writeFile(path.join(repo, 'production-configs', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: prod-only, namespace: default }\ndata: { a: "1" }\n');
    const weekly = await startKubeFake({ name: 'weekly-47' });
    try {
      await writeFile(path.join(dir, 'kubeconfig-weekly'), [
        'apiVersion: v1', 'kind: Config', `clusters: [{ name: k, cluster: { server: "${weekly.url}" } }]`, 'users: [{ name: me, user: {} }]',
        'contexts: [{ name: weekly-47, context: { cluster: k, user: me } }]', 'current-context: weekly-47',
      ].join('\n'));
      await assert.rejects(runSync(['--repo', 'repo-prod', '--env', 'production', '--kubeconfig', 'kubeconfig-weekly'], dir), /no context in kubeconfig-weekly matches prod-\* \(what environment production selects; give --context PATTERN/);
      await assert.rejects(runSync(['--repo', 'repo-prod', '--env', 'staging', '--kubeconfig', 'kubeconfig-weekly'], dir), /environment staging selects no kubeconfig contexts; give --context PATTERN to choose them explicitly \(the current context is never used by default\)/);
      assert.equal(weekly.get('v1', 'ConfigMap', 'default', 'prod-only'), undefined, 'nothing applied to weekly-47');
      const chosen = await runSync(['--repo', 'repo-prod', '--env', 'production', '--kubeconfig', 'kubeconfig-weekly', '--context', 'weekly-47'], dir);
      assert.equal(chosen.code, 0, chosen.stdout);
      assert.equal(weekly.get('v1', 'ConfigMap', 'default', 'prod-only')?.data.a, '1', 'an explicit --context is the person\'s choice');
    } finally {
      await weekly.close();
    }
  });

  it('takes ownership marks from --git-url, repository: or the origin remote, and refuses prune with none of them', async () => {
    const { execFileSync } = await import('node:child_process');
    const { syncSetName, gcMark } = await import('../../shared/clusters/index.ts');
    const repo = path.join(dir, 'repo-bare');
    await mkdir(path.join(repo, 'development-configs'), { recursive: true });
    await writeFile(path.join(repo, 'development-configs', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: owned, namespace: default }\ndata: { a: "1" }\n');
    execFileSync('git', ['init', '-q', repo]);
    const args = ['--repo', 'repo-bare', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1'];
    await assert.rejects(runSync([...args, '--prune'], dir), /--prune refused: no repository URL to compute ownership marks from: give --git-url URL, set GITOPS_GIT_URL or repository: in gitops.yaml, or add an origin remote/);
    const markOf = () => fake.get('v1', 'ConfigMap', 'default', 'owned')?.metadata.labels['fluxcd.io/sync-gc-mark'];
    const origin = 'git@github.com:acme/config.git';
    execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', origin]);
    assert.equal((await runSync([...args, '--prune'], dir)).code, 0);
    assert.equal(markOf(), gcMark(syncSetName(origin, 'master', ['development-configs']), 'default:configmap/owned'), 'from the origin remote');
    // The cluster's state says the object is this environment's: under another URL it is re-marked, not a conflict.
    assert.equal((await runSync([...args, '--git-url', 'https://github.com/acme/other'], dir)).code, 0);
    assert.equal(markOf(), gcMark(syncSetName('https://github.com/acme/other', 'master', ['development-configs']), 'default:configmap/owned'), '--git-url wins');
  });

  it('a second identical sync says unchanged (the server\'s answer), a change says applied, and a TTY gets progress per rank', async () => {
    const first = await runSync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1'], dir);
    assert.equal(first.code, 0, first.stdout);
    const again = await runSync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1', '--json'], dir);
    const counts = JSON.parse(again.stdout)[0].counts;
    assert.deepEqual([counts.applied, counts.unchanged, counts.created, counts.configured], [0, 3, 0, 0]);
    const human = await runSync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1'], dir);
    assert.equal(human.stdout, 'kind-weekly-1: 3 unchanged\n');

    const file = path.join(dir, 'repo', 'development-configs', 'app.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('mode: "on"', 'mode: "off"'));
    let stderr = '';
    const out = createOutput({ stdout: { write: () => true }, stderr: { write: () => true }, env: {} });
    let stdout = '';
    const code = await sync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1'], {
      out: { ...out, line: (t = '') => void (stdout += `${t}\n`) }, env: {}, cwd: dir,
      progress: { isTTY: true, columns: 80, write: (s: string) => (stderr += s) },
    });
    assert.equal(code, 0);
    assert.equal(stdout, 'kind-weekly-1: 1 applied, 2 unchanged\n');
    const frames = stderr.split('\r\x1b[K').filter(Boolean);
    assert.deepEqual(frames.slice(0, 4), ['kind-weekly-1 rank 1/2 1/3', 'kind-weekly-1 rank 2/2 2/3', 'kind-weekly-1 rank 2/2 3/3', 'kind-weekly-1 done']);
    assert.ok(stderr.endsWith('\r\x1b[K'), 'the progress line is cleared before the results');
  });

  it('failures are listed in full and wrapped at 80 columns, never cut mid-word or repeated', async () => {
    const file = path.join(dir, 'repo', 'development-configs', 'bad.yaml');
    await writeFile(file, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w, namespace: cli }\nspec: {}\n');
    try {
      const r = await runSync(['--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-weekly-1'], dir);
      assert.equal(r.code, 1);
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^kind-weekly-1: \d+ unchanged, 1 failed$/);
      assert.equal(lines.slice(1).join(' ').replace(/\s+/g, ' '), '  cli:widget/w: the cluster does not serve Widget in example.com/v1 (is its CustomResourceDefinition installed and Established?)'.replace(/\s+/g, ' '));
      for (const l of lines) assert.ok(l.length <= 80 && !l.endsWith('…'), l);
      assert.equal(r.stdout.match(/does not serve Widget/g)?.length, 1, 'said once');
    } finally {
      await rm(file);
    }
  });

  it('refuses --out together with --kubeconfig', async () => {
    await assert.rejects(runSync(['--env', 'development', '--out', 'x', '--kubeconfig', 'y'], dir), /exactly one of --kubeconfig FILE or --out DIR/);
  });
});
