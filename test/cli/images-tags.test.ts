import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acrManifestReader } from '../../shared/registry/acr-manifest-reader.ts';
import { acrTagLister } from '../../shared/registry/acr-tag-lister.ts';
import { startAcrFake, type AcrFake } from '../support/acr-fake/index.ts';
import { runCli } from '../support/run-cli.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'radix-config');

function sample(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-images-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

/** The environment's registry radixdev.azurecr.io served by the ACR fake; every other host unreachable. */
function access(acr: AcrFake) {
  const options = { endpoint: acr.url, clientOptions: { tlsOptions: { ca: acr.ca } } };
  const granted = { lister: acrTagLister(acr.host, acr.credential, options), reader: acrManifestReader(acr.host, acr.credential, options) };
  const asked: string[] = [];
  return { asked, registries: (host: string) => (asked.push(host), host === 'radixdev.azurecr.io' ? granted : undefined) };
}

test('--tags lists the tags each filter accepts, newest first, current marked, candidate named, within --limit', async (t) => {
  const acr = await startAcrFake();
  t.after(() => acr.close());
  for (const tag of ['1.3.9', '1.4.2', '1.5.0', '1.4.10', '1.4.3', 'latest']) acr.push('web', tag);
  acr.push('web-migrate', '1.4.1', { created: '2026-11-01T10:00:00Z' });
  acr.push('web-migrate', '1.4.2', { created: '2026-11-02T10:00:00Z' });
  acr.push('web-migrate', 'hotfix', { created: '2026-11-03T10:00:00Z' });
  const { registries, asked } = access(acr);
  const r = await runCli(['images', '--repo', sample(), '--env', 'development', '--workload', 'web:deployment/web', '--limit', '2', '--json'], { registries });
  assert.equal(r.code, 0, r.stderr);
  const [web, migrate] = JSON.parse(r.stdout);
  assert.deepEqual(web.tags.map((x: { tag: string; current: boolean }) => [x.tag, x.current]), [['1.4.10', false], ['1.4.3', false]], 'semver:~1.4 by version, 1.5.0 and latest refused');
  assert.deepEqual([web.more, web.candidate], [true, '1.4.10']);
  assert.deepEqual(migrate.tags.map((x: { tag: string; created: string; current: boolean }) => [x.tag, x.created, x.current]), [
    ['hotfix', '2026-11-03T10:00:00.000Z', false],
    ['1.4.2', '2026-11-02T10:00:00.000Z', true],
  ], 'glob:* by the image\'s creation time');
  assert.equal(migrate.candidate, 'hotfix');
  assert.deepEqual([...new Set(asked)], ['radixdev.azurecr.io']);

  const human = await runCli(['images', '--repo', sample(), '--env', 'development', '--workload', 'web:deployment/web', '--tags'], { registries });
  assert.match(human.stdout, /\n    web: radixdev\.azurecr\.io\/web\n      tag 1\.4\.2, automated, filter semver:~1\.4\n      -> 1\.4\.10\n         1\.4\.3\n      \*  1\.4\.2\n/);
  assert.match(human.stdout, /\n      -> hotfix  2026-11-03 10:00Z\n      \*  1\.4\.2  2026-11-02 10:00Z\n         1\.4\.1  2026-11-01 10:00Z\n/);
  for (const line of human.stdout.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
});

test('a registry the environment does not list is never asked, and says so', async () => {
  const asked: string[] = [];
  const r = await runCli(['images', '--repo', sample(), '--env', 'development', '--workload', 'default:helmrelease/kured', '--tags', '--json'], { registries: (h) => (asked.push(h), undefined) });
  const [kured] = JSON.parse(r.stdout);
  assert.match(kured.note, /registry docker\.io is not one this environment lists/);
  assert.deepEqual(asked, [], 'docker.io is not among the environment\'s registries: no access was even requested');
});
