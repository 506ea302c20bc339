import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseCandidate, formatImageRef, parseImageRef, type ListedTag } from '../../shared/images/index.ts';

const image = parseImageRef('radixdev.azurecr.io/web:master-a');
const t = (name: string, digest: string, created?: string | null): ListedTag => ({
  name,
  digest,
  ...(created === undefined ? {} : { created: created === null ? null : new Date(created) }),
});
const current = { digest: 'sha256:a', created: new Date('2026-11-01T00:00:00Z') };

test('glob takes the newest matching tag by image creation time, not by listing order or name', () => {
  const tags = [t('master-c', 'sha256:c', '2026-11-02T00:00:00Z'), t('master-b', 'sha256:b', '2026-11-03T00:00:00Z'), t('release-z', 'sha256:z', '2026-11-09T00:00:00Z'), t('master-a', 'sha256:a', '2026-11-01T00:00:00Z')];
  const c = chooseCandidate(image, 'glob:master-*', tags, current);
  assert.equal(c.kind === 'candidate' && formatImageRef(c.ref), 'radixdev.azurecr.io/web:master-b');
});

test('equal creation times are broken by the smaller tag, as Flux sorted by image id', () => {
  const tags = [t('master-y', 'sha256:y', '2026-11-05T00:00:00Z'), t('master-x', 'sha256:x', '2026-11-05T00:00:00Z')];
  const c = chooseCandidate(image, 'glob:master-*', tags, current);
  assert.equal(c.kind === 'candidate' && c.tag.name, 'master-x');
});

test('semver takes the highest version whatever the times, and needs none', () => {
  const img = parseImageRef('radixdev.azurecr.io/api:1.2.0');
  const tags = [t('1.10.0', 'sha256:10'), t('1.9.9', 'sha256:99'), t('2.0.0', 'sha256:2'), t('latest', 'sha256:l')];
  const c = chooseCandidate(img, 'semver:~1', tags, {});
  assert.equal(c.kind === 'candidate' && c.tag.name, '1.10.0');
});

test('latest is never a candidate unless the filter is glob:latest', () => {
  const tags = [t('latest', 'sha256:l', '2026-11-09T00:00:00Z'), t('master-b', 'sha256:b', '2026-11-02T00:00:00Z')];
  const c = chooseCandidate(image, 'glob:*', tags, current);
  assert.equal(c.kind === 'candidate' && c.tag.name, 'master-b');
});

test('a newest tag pointing to the digest the container runs is not an update (no master-latest flapping)', () => {
  // Both tags name one image, so one creation time; the tie goes to the smaller tag, master-latest.
  const tags = [t('master-x', 'sha256:a', '2026-11-01T00:00:00Z'), t('master-latest', 'sha256:a', '2026-11-01T00:00:00Z')];
  const c = chooseCandidate(parseImageRef('radixdev.azurecr.io/web:master-x'), 'glob:master-*', tags, current);
  assert.deepEqual(c.kind === 'skip' && c.reason, 'same-digest');
});

test('the current tag at the head of the list is up to date', () => {
  const c = chooseCandidate(image, 'glob:master-*', [t('master-a', 'sha256:a', '2026-11-01T00:00:00Z')], current);
  assert.equal(c.kind === 'skip' && c.reason, 'up-to-date');
});

test('under glob an unread creation time refuses the container, and a zero one on the head or the current image skips it', () => {
  const unread = chooseCandidate(image, 'glob:master-*', [t('master-b', 'sha256:b')], current);
  assert.equal(unread.kind === 'skip' && unread.reason, 'created-unknown');
  const zeroHead = chooseCandidate(image, 'glob:master-*', [t('master-b', 'sha256:b', null)], current);
  assert.equal(zeroHead.kind === 'skip' && zeroHead.reason, 'zero-created');
  const zeroCurrent = chooseCandidate(image, 'glob:master-*', [t('master-b', 'sha256:b', '2026-11-02T00:00:00Z')], { digest: 'sha256:a', created: null });
  assert.equal(zeroCurrent.kind === 'skip' && zeroCurrent.reason, 'zero-created');
});

test('a zero creation time sorts after every known one', () => {
  const tags = [t('master-z', 'sha256:z', null), t('master-b', 'sha256:b', '2026-11-02T00:00:00Z')];
  const c = chooseCandidate(image, 'glob:master-*', tags, current);
  assert.equal(c.kind === 'candidate' && c.tag.name, 'master-b');
});

test('an invalid filter and a filter matching nothing are skips with the reason', () => {
  const bad = chooseCandidate(image, 'regex:(', [t('master-b', 'sha256:b', '2026-11-02T00:00:00Z')], current);
  assert.equal(bad.kind === 'skip' && bad.reason, 'invalid-filter');
  const none = chooseCandidate(image, 'glob:release-*', [t('master-b', 'sha256:b', '2026-11-02T00:00:00Z')], current);
  assert.equal(none.kind === 'skip' && none.reason, 'no-matching-tag');
});
