import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';
import { runCli } from '../support/run-cli.ts';

const app = (mode: string, password: string) => [
  'apiVersion: v1', 'kind: Namespace', 'metadata: { name: cli }', '---',
  'apiVersion: v1', 'kind: ConfigMap', 'metadata: { name: settings, namespace: cli }', `data: { mode: "${mode}", size: "2" }`, '---',
  'apiVersion: v1', 'kind: Secret', 'metadata: { name: creds, namespace: cli }', `data: { user: YWRtaW4=, password: ${password} }`,
].join('\n');

describe('gitops diff (CLI) against the Kubernetes fake', () => {
  let dir: string;
  let fake: KubeFake;
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gitops-diff-'));
    await mkdir(path.join(dir, 'repo', 'development-configs'), { recursive: true });
    await writeFile(path.join(dir, 'repo', 'development-configs', 'app.yaml'), app('on', 'b2xkLXNlY3JldA=='));
    await writeFile(path.join(dir, 'repo', 'development-configs', 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra, namespace: cli }\ndata: { a: "1" }\n');
    fake = await startKubeFake({ name: 'kind-dev' });
    await writeFile(path.join(dir, 'kubeconfig'), [
      'apiVersion: v1', 'kind: Config', `clusters: [{ name: k, cluster: { server: "${fake.url}" } }]`, 'users: [{ name: me, user: { token: t } }]',
      'contexts: [{ name: kind-dev, context: { cluster: k, user: me } }]', 'current-context: kind-dev',
    ].join('\n'));
  });
  after(async () => { await fake.close(); await rm(dir, { recursive: true, force: true }); });

  it('a cluster never synced shows every object as added and exits 1', async () => {
    const r = await cli('diff', '--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-dev', '--json');
    assert.equal(r.code, 1, r.stderr);
    const [out] = JSON.parse(r.stdout);
    assert.deepEqual(out.summary, { added: 4, removed: 0, changed: 0, unchanged: 0 });
    assert.equal(out.notes.length, 3, 'objects in the namespace the sync creates are shown as written');
  });

  it('after a sync there is nothing to show (exit 0); a changed field, a masked Secret and a prune candidate show after an edit', async () => {
    const synced = await cli('sync', '--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-dev');
    assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    const clean = await cli('diff', '--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-dev');
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /kind-dev: no differences \(4 unchanged\)\n/);

    await writeFile(path.join(dir, 'repo', 'development-configs', 'app.yaml'), app('off', 'bmV3LXNlY3JldA=='));
    await unlink(path.join(dir, 'repo', 'development-configs', 'extra.yaml'));
    const r = await cli('diff', '--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-dev', '--prune', '--json');
    assert.equal(r.code, 1);
    const [out] = JSON.parse(r.stdout);
    assert.deepEqual(out.summary, { added: 0, removed: 1, changed: 2, unchanged: 1 });
    const settings = out.changed.find((c: { id: string }) => c.id === 'cli:configmap/settings');
    assert.deepEqual(settings.fields.filter((f: { path: string }) => !f.path.includes('sync-checksum')), [{ path: 'data.mode', op: 'changed', before: 'on', after: 'off' }]);
    assert.match(settings.diff, /\n-  mode: on\n\+  mode: off\n/);
    assert.doesNotMatch(settings.diff, /managedFields|resourceVersion|uid:/);
    const creds = out.changed.find((c: { id: string }) => c.id === 'cli:secret/creds');
    assert.deepEqual(creds.fields.filter((f: { path: string }) => f.path.startsWith('data')), [{ path: 'data.password', op: 'changed', before: '*** (before)', after: '*** (after)' }]);
    assert.ok(!r.stdout.includes('bmV3') && !r.stdout.includes('b2xk'), 'no Secret value in the output');
    assert.deepEqual(out.removed.map((x: { id: string }) => x.id), ['cli:configmap/extra']);
    assert.deepEqual(out.prune, { enabled: true, candidates: ['cli:configmap/extra'] });
    assert.equal(fake.get('v1', 'ConfigMap', 'cli', 'settings')?.data.mode, 'on', 'a diff changes nothing');
    assert.ok(fake.get('v1', 'ConfigMap', 'cli', 'extra'), 'a diff deletes nothing');

    const human = await cli('diff', '--repo', 'repo', '--env', 'development', '--kubeconfig', 'kubeconfig', '--context', 'kind-dev');
    assert.equal(human.code, 1);
    assert.match(human.stdout, /^== development on kind-dev\n/);
    assert.match(human.stdout, /\n~ cli:configmap\/settings \(2 fields\)\n--- cli:configmap\/settings\n\+\+\+ cli:configmap\/settings\n/);
    assert.match(human.stdout, /\n- cli:configmap\/extra \(prune candidate \(prune is off\)\)\n/);
    assert.match(human.stdout, /\nkind-dev: 2 changed, 1 prune candidate \(prune is off\), 1 unchanged\n/);
    for (const line of human.stdout.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  });

  it('--help documents the JSON shape and the exit codes', async () => {
    const r = await cli('diff', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Exit codes: 0 no differences, 1 differences/);
    assert.match(r.stdout, /"changed":\[\{"id","fields":\[\{"path","op","before"\?,"after"\?\}\],"diff"\}\]/);
  });
});
