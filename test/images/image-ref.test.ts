import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ImageRefError,
  canonicalName,
  formatImageRef,
  parseImageRef,
  sameRepository,
  tryParseImageRef,
  withTag,
} from '../../shared/images/index.ts';

test('a single path element is an image without a domain', () => {
  assert.deepEqual(parseImageRef('alpine:3.5'), { domain: undefined, image: 'alpine', tag: '3.5', digest: undefined });
});

test('with two elements the first is a domain only when it looks like one', () => {
  assert.equal(parseImageRef('weaveworks/kured').domain, undefined);
  assert.equal(parseImageRef('weaveworks/kured').image, 'weaveworks/kured');
  assert.equal(parseImageRef('localhost/foo').domain, 'localhost');
  assert.equal(parseImageRef('radixdev.azurecr.io/radix-operator:1').domain, 'radixdev.azurecr.io');
  assert.equal(parseImageRef('localhost:5000/foo:1').domain, 'localhost:5000');
  assert.equal(parseImageRef('registry.local:5000/foo').domain, 'registry.local:5000');
});

test('a two-element name with a port but no dot is not a domain, as in Flux', () => {
  assert.deepEqual(parseImageRef('myhost:5000/foo'), { domain: undefined, image: 'myhost', tag: '5000/foo', digest: undefined });
});

test('with three or more elements the first is always the domain', () => {
  const r = parseImageRef('quay.io/org/sub/app:v1');
  assert.equal(r.domain, 'quay.io');
  assert.equal(r.image, 'org/sub/app');
  assert.equal(r.tag, 'v1');
  assert.equal(parseImageRef('nodots/org/app').domain, 'nodots');
});

test('a digest is split off and printed back after the tag', () => {
  const hex = 'a'.repeat(64);
  const r = parseImageRef(`docker.io/library/nginx:1.25@sha256:${hex}`);
  assert.equal(r.digest, hex);
  assert.equal(r.tag, '1.25');
  assert.equal(formatImageRef(r), `docker.io/library/nginx:1.25@sha256:${hex}`);
  assert.equal(parseImageRef(`nginx@sha256:${hex}`).tag, undefined);
});

test('bad references are errors that name the input, never crashes', () => {
  for (const bad of ['', '/foo', 'foo/', 'a:b:c', ':tag', 'foo:', 'a//b', 'foo bar', 'foo@md5:abc', 'foo@sha256:xyz']) {
    assert.throws(() => parseImageRef(bad), (e: unknown) => e instanceof ImageRefError && e.message.includes(JSON.stringify(bad)), bad);
    assert.ok('error' in tryParseImageRef(bad));
  }
});

test('formatting keeps the manifest spelling of the name', () => {
  for (const s of ['nginx', 'nginx:1', 'docker.io/nginx:1', 'index.docker.io/library/nginx:1', 'Registry.IO/App/x:1']) {
    assert.equal(formatImageRef(parseImageRef(s)), s);
  }
});

test('docker.io and no domain canonicalise to index.docker.io, single names get library/', () => {
  assert.equal(canonicalName(parseImageRef('nginx')), 'index.docker.io/library/nginx');
  assert.equal(canonicalName(parseImageRef('docker.io/nginx:1')), 'index.docker.io/library/nginx');
  assert.equal(canonicalName(parseImageRef('weaveworks/kured')), 'index.docker.io/weaveworks/kured');
  assert.equal(canonicalName(parseImageRef('quay.io/nginx')), 'quay.io/nginx');
});

test('same repository compares canonical names and ignores tags and digests', () => {
  assert.ok(sameRepository(parseImageRef('nginx:1'), parseImageRef('docker.io/library/nginx:2')));
  assert.ok(sameRepository(parseImageRef('docker.io/weaveworks/kured'), parseImageRef('index.docker.io/weaveworks/kured:x')));
  assert.ok(sameRepository(parseImageRef('RadixDev.azurecr.io/op:1'), parseImageRef('radixdev.azurecr.io/op:2')));
  assert.ok(!sameRepository(parseImageRef('radixdev.azurecr.io/op'), parseImageRef('radixprod.azurecr.io/op')));
  assert.ok(!sameRepository(parseImageRef('radixdev.azurecr.io/op'), parseImageRef('radixdev.azurecr.io/Op')));
});

test('withTag keeps the spelling, replaces the tag and drops a digest', () => {
  const r = withTag(parseImageRef(`docker.io/nginx:1@sha256:${'b'.repeat(64)}`), '2');
  assert.equal(formatImageRef(r), 'docker.io/nginx:2');
});
