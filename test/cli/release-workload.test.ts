import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acrManifestReader } from '../../shared/registry/acr-manifest-reader.ts';
import { acrTagLister } from '../../shared/registry/acr-tag-lister.ts';
import { startAcrFake } from '../support/acr-fake/index.ts';
import { runCli } from '../support/run-cli.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'radix-config');
const WEB = 'development-configs/apps/web.yaml';

function sample() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-release-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'master');
  git('add', '-A');
  git('commit', '-qm', 'initial');
  return { dir, git, read: () => readFileSync(path.join(dir, WEB), 'utf8') };
}

const release = (dir: string, ...args: string[]) => runCli(['release', '--repo', dir, '--env', 'development', '--workload', 'web:deployment/web', ...args]);

test('--update-image overrides the tag filter and commits with Flux\'s manual release message', async () => {
  const s = sample();
  const before = s.read();
  const r = await release(s.dir, '--update-image', 'radixdev.azurecr.io/web:1.5.0', '--commit', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.changes, [{ container: 'web', from: 'radixdev.azurecr.io/web:1.4.2', to: 'radixdev.azurecr.io/web:1.5.0' }]);
  assert.equal(out.message, 'Release radixdev.azurecr.io/web:1.5.0 to web:deployment/web');
  assert.equal(s.read(), before.replace('image: radixdev.azurecr.io/web:1.4.2   # bumped', 'image: radixdev.azurecr.io/web:1.5.0   # bumped'));
  assert.equal(s.git('log', '-1', '--format=%s'), out.message);
  assert.equal(s.git('status', '--porcelain'), '');
});

test('a locked workload is refused (exit 1, nothing written) unless --force', async () => {
  const s = sample();
  assert.equal((await runCli(['policy', '--repo', s.dir, '--env', 'development', '--workload', 'web:deployment/web', '--lock', '--commit'])).code, 0);
  const locked = s.read();
  const refused = await release(s.dir, '--update-image', 'radixdev.azurecr.io/web:1.4.3');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /web:deployment\/web is locked \(fluxcd\.io\/locked: "true" in development-configs\/apps\/web\.yaml:6\); --force releases it anyway/);
  assert.equal(s.read(), locked);
  const forced = await release(s.dir, '--update-image', 'radixdev.azurecr.io/web:1.4.3', '--force');
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(s.read(), locked.replace('web:1.4.2   # bumped', 'web:1.4.3   # bumped'));
});

test('--update-all-images gives each container the newest tag its filter accepts in the registry', async (t) => {
  const acr = await startAcrFake();
  t.after(() => acr.close());
  for (const tag of ['1.4.2', '1.5.0', '1.4.10']) acr.push('web', tag);
  acr.push('web-migrate', '1.4.2', { created: '2026-11-02T10:00:00Z' });
  acr.push('web-migrate', '1.4.9', { created: '2026-11-04T10:00:00Z' });
  const options = { endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca } } };
  const access = { lister: acrTagLister(acr.host, acr.credential, options), reader: acrManifestReader(acr.host, acr.credential, options) };
  const s = sample();
  const r = await runCli(['release', '--repo', s.dir, '--env', 'development', '--workload', 'web:deployment/web', '--update-all-images', '--json'], { registries: (h) => (h === 'radixdev.azurecr.io' ? access : undefined) });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.changes.map((c: { container: string; to: string }) => [c.container, c.to]), [['web', 'radixdev.azurecr.io/web:1.4.10'], ['migrate', 'radixdev.azurecr.io/web-migrate:1.4.9']]);
  assert.equal(out.message, 'Release all latest to web:deployment/web');
});

test('bad targeted releases exit 2: an image the workload does not run, no tag, both modes', async () => {
  const s = sample();
  const cases: [string[], RegExp][] = [
    [['--update-image', 'radixdev.azurecr.io/other:1.0'], /web:deployment\/web runs no image of radixdev\.azurecr\.io\/other \(runs: radixdev\.azurecr\.io\/web:1\.4\.2, radixdev\.azurecr\.io\/web-migrate:1\.4\.2\)/],
    [['--update-image', 'radixdev.azurecr.io/web'], /expected a tag/],
    [['--update-image', 'radixdev.azurecr.io/web:1', '--update-all-images'], /exactly one of --update-image REF and --update-all-images/],
  ];
  for (const [args, message] of cases) {
    const r = await release(s.dir, ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.equal(s.git('status', '--porcelain'), '');
});
