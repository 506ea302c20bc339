/**
 * The registry scan end to end: the ACR fake through the real @azure/container-registry client, the
 * GitHub fake holding the config repository, and the event path writing the commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { onImagePushed } from '../../shared/pipeline/on-image-pushed.ts';
import { scanImages } from '../../shared/pipeline/scan-images.ts';
import { commitsSince } from '../reliability/github-harness.ts';
import { startScanFixture } from '../reliability/scan-harness.ts';

test('a scan commits the newest glob tag by image creation time, once, through the event path', async (t) => {
  const f = await startScanFixture({ web: { tag: 'master-1' } });
  t.after(() => f.close());
  f.acr.push('web', 'master-1', { created: '2026-11-01T00:00:00Z' });
  f.acr.push('web', 'master-3', { created: '2026-11-03T00:00:00Z' });
  // Pushed last (listed first) but built before master-3: creation time decides, not the listing.
  f.acr.push('web', 'master-2', { created: '2026-11-02T00:00:00Z', index: true });
  f.acr.push('web', 'latest', { sameAs: 'master-3' });
  const base = (await f.github.head('acme/config', 'main'))!;
  const r = await scanImages(f.deps());
  assert.deepEqual(r.candidates, [{ registry: f.acr.host, images: [`${f.acr.host}/web:master-3`] }]);
  assert.equal(await f.tagOnMain('web'), 'master-3');
  const commits = await commitsSince(f.github, base);
  assert.deepEqual(commits.map((c) => c.message), [`Auto-release ${f.acr.host}/web:master-3`]);
  const again = await scanImages(f.deps());
  assert.deepEqual([again.candidates, (await commitsSince(f.github, base)).length], [[], 1], 'a second scan finds the image up to date');
});

test('an image already committed by an event is found up to date by the scan', async (t) => {
  const f = await startScanFixture({ web: { tag: 'master-1' } });
  t.after(() => f.close());
  f.acr.push('web', 'master-1');
  f.acr.push('web', 'master-2');
  const event = await onImagePushed(f.event('web', 'master-2'), f.eventDeps());
  assert.ok(event.kind === 'released' && event.branches[0]!.status === 'committed');
  const head = (await f.github.head('acme/config', 'main'))!;
  const r = await scanImages(f.deps());
  assert.deepEqual([r.candidates, r.skipped, r.errors], [[], [], []]);
  assert.equal(await f.github.head('acme/config', 'main'), head);
});

test('a newer tag pointing to the digest the container runs is not an update, and a semver filter takes the highest version', async (t) => {
  const f = await startScanFixture({ web: { tag: 'master-x' }, api: { tag: '1.2.0', filter: 'semver:~1' } });
  t.after(() => f.close());
  f.acr.push('web', 'master-x', { created: '2026-11-01T00:00:00Z' });
  f.acr.push('web', 'master-latest', { sameAs: 'master-x' });
  f.acr.push('api', '1.10.0');
  f.acr.push('api', '1.2.0');
  f.acr.push('api', '2.0.0');
  f.acr.push('api', '1.9.0');
  const r = await scanImages(f.deps());
  assert.deepEqual(r.candidates, [{ registry: f.acr.host, images: [`${f.acr.host}/api:1.10.0`] }]);
  assert.deepEqual([await f.tagOnMain('web'), await f.tagOnMain('api')], ['master-x', '1.10.0']);
});

test('the no-rollback rule of the event path holds: a candidate built before the running image is refused', async (t) => {
  // Flux v1 would have moved this container back to master-1 (it had no rollback check).
  const f = await startScanFixture({ web: { tag: 'release-9' } });
  t.after(() => f.close());
  f.acr.push('web', 'release-9', { created: '2026-11-05T00:00:00Z' });
  f.acr.push('web', 'master-1', { created: '2026-11-01T00:00:00Z' });
  const base = (await f.github.head('acme/config', 'main'))!;
  const r = await scanImages(f.deps());
  assert.deepEqual(r.candidates, [{ registry: f.acr.host, images: [`${f.acr.host}/web:master-1`] }]);
  const release = r.releases[0]!;
  assert.ok(release.kind === 'released');
  assert.deepEqual(release.branches.map((b) => [b.status, b.skipped.map((x) => x.reason)]), [['unchanged', ['older-than-current']]]);
  assert.equal(await f.github.head('acme/config', 'main'), base);
});

test('a running tag the registry no longer has gives no candidate under glob (its creation time is unknown, as in Flux)', async (t) => {
  const f = await startScanFixture({ web: { tag: 'master-gone' } });
  t.after(() => f.close());
  f.acr.push('web', 'master-a', { created: '2026-11-01T00:00:00Z' });
  const r = await scanImages(f.deps());
  assert.equal(r.candidates.length, 0);
  assert.deepEqual(r.skipped.map((s) => s.reason), ['zero-created']);
});

test('the per-repository tag cap and the per-run caps are reported when hit', async (t) => {
  const f = await startScanFixture({ a: { tag: 'master-0' }, b: { tag: 'master-0' }, c: { tag: 'master-0' } });
  t.after(() => f.close());
  for (const name of ['a', 'b', 'c']) for (let i = 0; i < 6; i++) f.acr.push(name, `master-${i}`);
  const log = memoryLogger();
  const r = await scanImages(f.deps({ limits: { tagsPerRepository: 4, repositoriesPerRun: 2, imageReadsPerRun: 3 }, log }));
  assert.deepEqual(r.capsHit.map((c) => c.cap).sort(), ['imageReadsPerRun', 'repositoriesPerRun', 'tagsPerRepository', 'tagsPerRepository']);
  assert.equal(r.scanned, 2);
  assert.equal(r.imageReads, 3);
  assert.ok(r.skipped.some((s) => s.reason === 'created-unknown'), 'containers whose times were not read wait for the next run');
  assert.equal(log.entries.filter((e) => e.event === 'scan.cap').length, 4);
});

test('registries without access are reported, never contacted', async (t) => {
  const f = await startScanFixture({ web: { tag: 'master-1' } });
  t.after(() => f.close());
  f.acr.push('web', 'master-2');
  const deps = { ...f.deps(), registry: () => undefined };
  const r = await scanImages(deps);
  assert.deepEqual(r.errors.map((e) => e.registry), [f.acr.host]);
  assert.equal(f.acr.totalCalls(), 0);
});
