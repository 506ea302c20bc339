import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef } from '../../shared/images/index.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { buildTimeKey, createdOf, readBuildTimes, type ManifestReader } from '../../shared/registry/build-times.ts';

/** An in-memory registry holding OCI manifests, indexes and config blobs. */
function registry(images: Record<string, { created?: string; index?: boolean }>): ManifestReader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getManifest(repo, ref) {
      calls.push(`manifest ${repo}:${ref}`);
      if (ref.startsWith('sha256:amd64-')) {
        return { mediaType: 'application/vnd.oci.image.manifest.v1+json', manifest: { config: { digest: `sha256:config-${ref.slice(13)}` } } };
      }
      const img = images[`${repo}:${ref}`];
      if (!img) throw new Error(`manifest unknown: ${repo}:${ref}`);
      if (img.index) {
        return {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifest: { manifests: [{ digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm64' } }, { digest: `sha256:amd64-${repo}:${ref}`, platform: { os: 'linux', architecture: 'amd64' } }] },
        };
      }
      return { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', manifest: { config: { digest: `sha256:config-${repo}:${ref}` } } };
    },
    async downloadBlob(_repo, digest) {
      calls.push(`blob ${digest}`);
      const created = images[digest.slice('sha256:config-'.length)]?.created;
      return Buffer.from(JSON.stringify(created === undefined ? { architecture: 'amd64' } : { created, architecture: 'amd64' }));
    },
  };
}

test('build time is the image config\'s created time, through a multi-platform index\'s linux/amd64 entry', async () => {
  const reg = registry({ 'web:1.0': { created: '2026-11-01T10:00:00Z' }, 'web:2.0': { created: '2026-11-20T10:00:00Z', index: true } });
  const refs = ['radixdev.azurecr.io/web:1.0', 'radixdev.azurecr.io/web:2.0'].map(parseImageRef);
  const times = await readBuildTimes(refs, (host) => (host === 'radixdev.azurecr.io' ? reg : undefined), memoryLogger());
  assert.deepEqual([...times.entries()].sort(), [
    [buildTimeKey(refs[0]!), new Date('2026-11-01T10:00:00Z')],
    [buildTimeKey(refs[1]!), new Date('2026-11-20T10:00:00Z')],
  ]);
  assert.ok(reg.calls.includes('manifest web:sha256:amd64-web:2.0'));
});

test('unknown registries, missing tags, zero timestamps and failures leave the time unknown, with a log line for failures', async () => {
  const reg = registry({ 'web:zero': { created: '1970-01-01T00:00:00Z' }, 'web:none': {} });
  const log = memoryLogger();
  const refs = ['other.io/web:1', 'radixdev.azurecr.io/web:zero', 'radixdev.azurecr.io/web:none', 'radixdev.azurecr.io/web:missing', 'radixdev.azurecr.io/web'].map(parseImageRef);
  const times = await readBuildTimes(refs, (host) => (host === 'radixdev.azurecr.io' ? reg : undefined), log);
  assert.equal(times.size, 0);
  assert.deepEqual(log.entries.map((e) => [e.event, e.fields.image]), [['registry.build-time-unknown', 'radixdev.azurecr.io/web:missing']]);
});

test('a config blob that is not JSON has no build time', () => {
  assert.equal(createdOf(Buffer.from('{not json')), undefined);
  assert.equal(createdOf(Buffer.from('{"created":"yesterday"}')), undefined);
  assert.deepEqual(createdOf(Buffer.from('{"created":"2026-01-02T03:04:05.123456789Z"}')), new Date('2026-01-02T03:04:05.123Z'));
});
