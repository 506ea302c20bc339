/**
 * `gitops build`: the objects exactly as a sync applies them (before the ownership label and checksum
 * annotation), for raw and generated environments; and image releases in generated environments.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../support/run-cli.ts';
import { memorySource } from '../support/memory-source.ts';
import { appliedObject, buildApplyItem, CHECKSUM_ANNOTATION, GC_MARK_LABEL } from '../../shared/clusters/index.ts';
import { renderEnvironment } from '../../shared/pipeline/render-environment.ts';
import type { Environment } from '../../shared/config/index.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-build-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const gitops = 'environments:\n  dev:\n    branch: master\n    path: env\n    namespace: apps\n    registries: [radixdev.azurecr.io]\n';
const cm = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  ${data}\n`;
const deploy = (tag: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/automated: "true"\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: radixdev.azurecr.io/web:${tag}\n`;
const patchUpdated = 'version: 1\npatchUpdated:\n  generators:\n  - command: kustomize build .\n  patchFile: flux-patch.yaml\n';

describe('gitops build', () => {
  it('prints a raw environment\'s objects in apply order with the effective namespace, as YAML documents', async () => {
    const dir = repo({ 'gitops.yaml': gitops, 'env/a.yaml': `${deploy('master-1')}---\n${cm('settings', 'x: "1"')}`, 'env/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n' });
    const r = await runCli(['build', '--repo', dir, '--env', 'dev']);
    assert.equal(r.code, 0, r.stderr);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string } });
    assert.deepEqual(docs.map((d) => d.kind), ['Namespace', 'ConfigMap', 'Deployment']);
    assert.deepEqual(docs.map((d) => d.metadata.namespace), [undefined, 'apps', 'apps']);
    const json = await runCli(['build', '--repo', dir, '--env', 'dev', '--json']);
    assert.deepEqual(JSON.parse(json.stdout).objects, docs);
  });
  it('substitutes --var values in a generated environment and prints each generator on stderr', async () => {
    const dir = repo({
      'gitops.yaml': gitops, 'env/.flux.yaml': patchUpdated, 'env/kustomization.yaml': 'resources:\n- c.yaml\n',
      'env/c.yaml': cm('c', 'owner: ${clusterName}'), 'env/ignored.yaml': cm('ignored', 'x: "1"'),
    });
    const r = await runCli(['build', '--repo', dir, '--env', 'dev', '--var', 'clusterName=weekly-46', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).objects, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' }, data: { owner: 'weekly-46' } }]);
    assert.match(r.stderr, /mode: patchUpdated \(env\/\.flux\.yaml\)/);
    assert.match(r.stderr, /`kustomize build \.`: kustomize build env, done natively/);
    const bad = await runCli(['build', '--repo', dir, '--env', 'dev', '--var', 'not a name=1']);
    assert.equal(bad.code, 2);
  });
  it('prints nothing and exits 1 for a refused environment, saying why', async () => {
    const dir = repo({ 'gitops.yaml': gitops, 'env/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators:\n  - command: helm template .\n', 'env/a.yaml': cm('a', 'x: "1"') });
    const r = await runCli(['build', '--repo', dir, '--env', 'dev']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /refused as a whole/);
    assert.match(r.stderr, /env\/\.flux\.yaml:4: generator `helm template \.` is not run/);
  });
  it('prints what a sync sends, minus only the ownership label and the checksum annotation', async () => {
    const env: Environment = { name: 'dev', branch: 'main', path: 'env', namespace: 'apps', clusters: { static: [] }, registries: [], imageUpdates: 'commit', prune: false };
    const source = memorySource({ main: { 'env/a.yaml': `${deploy('1')}---\n${cm('b', 'x: "1"').replace('metadata:\n', 'metadata:\n  resourceVersion: "5"\n  labels: { app: b }\n')}` } });
    const rendered = await renderEnvironment(source, env, source.head('main'));
    for (const r of rendered.resources) {
      const body = structuredClone(buildApplyItem(r, 'set').body) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
      delete body.metadata.labels[GC_MARK_LABEL];
      if (Object.keys(body.metadata.labels).length === 0) delete (body.metadata as { labels?: unknown }).labels;
      delete body.metadata.annotations[CHECKSUM_ANNOTATION];
      if (Object.keys(body.metadata.annotations).length === 0) delete (body.metadata as { annotations?: unknown }).annotations;
      assert.deepEqual(appliedObject(r), body, r.id);
    }
  });
});

describe('image releases in generated environments', () => {
  it('a commandUpdated environment reports automation as unsupported and edits nothing', async () => {
    const dir = repo({
      'gitops.yaml': gitops, 'env/.flux.yaml': 'version: 1\ncommandUpdated:\n  generators:\n  - command: kustomize build .\n  updaters:\n  - containerImage: {command: ./set-image.sh}\n',
      'env/kustomization.yaml': 'resources:\n- web.yaml\n', 'env/web.yaml': deploy('master-1'),
    });
    const r = await runCli(['release', '--repo', dir, '--branch', 'master', '--image', 'radixdev.azurecr.io/web:master-2', '--json']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.message, null);
    assert.match(JSON.stringify(out.errors), /image automation is not supported in a commandUpdated environment/);
    assert.equal(readFileSync(path.join(dir, 'env/web.yaml'), 'utf8'), deploy('master-1'));
    const images = await runCli(['images', '--repo', dir, '--env', 'dev']);
    assert.match(images.stdout, /tag master-1, automated/);
    assert.match(images.stderr, /dev: env\/\.flux\.yaml: image automation is not supported here/);
  });
  it('a patchUpdated update of a built-in kind writes the two-way strategic merge patch Flux wrote, and the next build takes it', async () => {
    const dir = repo({ 'gitops.yaml': gitops, 'env/.flux.yaml': patchUpdated, 'env/kustomization.yaml': 'resources:\n- web.yaml\n', 'env/web.yaml': deploy('master-1') });
    const r = await runCli(['release', '--repo', dir, '--branch', 'master', '--image', 'radixdev.azurecr.io/web:master-2', '--json']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.errors, []);
    assert.equal(out.message, 'Auto-release radixdev.azurecr.io/web:master-2');
    assert.equal(readFileSync(path.join(dir, 'env/flux-patch.yaml'), 'utf8'), [
      '---', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  template:', '    spec:',
      '      $setElementOrder/containers:', '      - name: web', '      containers:', '      - image: radixdev.azurecr.io/web:master-2', '        name: web', '',
    ].join('\n'));
    assert.equal(readFileSync(path.join(dir, 'env/web.yaml'), 'utf8'), deploy('master-1'), 'the base manifest is never edited');
    const built = JSON.parse((await runCli(['build', '--repo', dir, '--env', 'dev', '--json'])).stdout).objects;
    assert.equal(built[0].spec.template.spec.containers[0].image, 'radixdev.azurecr.io/web:master-2');
    const again = JSON.parse((await runCli(['release', '--repo', dir, '--branch', 'master', '--image', 'radixdev.azurecr.io/web:master-2', '--json'])).stdout);
    assert.equal(again.message, null);
  });
  it('a patchUpdated change Flux\'s strategic patch would express with directives this port does not write is refused, never written differently', async () => {
    const twoContainers = deploy('master-1').replace('      containers:\n', '      containers:\n      - name: side\n        image: busybox:1\n');
    const patch = '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      $setElementOrder/containers:\n      - name: web\n      - name: side\n      containers:\n      - image: radixdev.azurecr.io/web:master-1\n        name: web\n';
    const dir = repo({ 'gitops.yaml': gitops, 'env/.flux.yaml': patchUpdated, 'env/kustomization.yaml': 'resources:\n- web.yaml\n', 'env/web.yaml': twoContainers, 'env/flux-patch.yaml': patch });
    const r = await runCli(['release', '--repo', dir, '--branch', 'master', '--image', 'radixdev.azurecr.io/web:master-2', '--json']);
    const out = JSON.parse(r.stdout);
    assert.equal(out.message, null);
    assert.match(JSON.stringify(out.errors), /reordered in a merge list/);
    assert.equal(readFileSync(path.join(dir, 'env/flux-patch.yaml'), 'utf8'), patch, 'the patch file is left as it was');
  });
});
