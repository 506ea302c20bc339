import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startGitHubFake } from '../../support/github-fake/index.ts';
import { makeRepo } from '../../support/git-repo.ts';
import { createGitHubSource } from '../../../shared/sources/github/index.ts';
import { readTar, treeSha } from '../../../shared/sources/github/github-tarball.ts';
import { REPO, TOKEN, memoryLog, startFixture } from './fixture.ts';

const TREE = 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}';
const GRAPHQL = 'POST /graphql';
const TARBALL = 'GET /repos/{owner}/{repo}/tarball/{ref}';
const CODELOAD = 'GET /_codeload/{owner}/{repo}/legacy.tar.gz/{sha}';

const LONG_DIR = `${'deep-folder-name/'.repeat(9)}and-more`; // 161 characters: ustar prefix + name
const VERY_LONG = `${'x'.repeat(120)}/${'y'.repeat(150)}/manifest-with-a-very-long-name.yaml`; // a pax `path` record
const FILES: Record<string, string> = {
  'gitops.yaml': 'environments:\n  dev: {branch: main, path: envs/dev}\n',
  'envs/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\ndata:\n  greeting: "héllo wörld — ✓ 日本語 🚀"\n',
  'envs/dev/crlf.yaml': 'apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: crlf\r\n',
  'envs/dev/bom.yaml': '\uFEFFapiVersion: v1\nkind: Namespace\nmetadata:\n  name: bom\n',
  'envs/dev/empty.yaml': '',
  'envs/dev/ünïcødé-名前.yaml': 'kind: Namespace\nmetadata:\n  name: unicode-path\n',
  [`envs/dev/${LONG_DIR}/long.yaml`]: 'kind: Namespace\nmetadata:\n  name: long\n',
  [`envs/dev/${VERY_LONG}`]: 'kind: Namespace\nmetadata:\n  name: very-long\n',
  'envs/dev/a/b/c/d/nested.yml': 'kind: Namespace\nmetadata:\n  name: nested\n',
  'scripts/run.sh': '#!/bin/sh\necho run\n',
  'README.md': '# config\n',
};

/** A repository with every kind of entry a tarball holds: long and non-ASCII paths, an executable, a symlink. */
function richRepo() {
  const repo = makeRepo(FILES, ['main']);
  chmodSync(path.join(repo.dir, 'scripts/run.sh'), 0o755);
  symlinkSync('envs/dev/app.yaml', path.join(repo.dir, 'link.yaml'));
  writeFileSync(path.join(repo.dir, 'logo.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]));
  repo.git('-c', 'core.autocrlf=false', 'add', '-A');
  repo.git('commit', '-qm', 'modes');
  return repo;
}

test('a cold read through the tarball equals the tree and GraphQL read byte for byte', async () => {
  const repo = richRepo();
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, dir: repo.dir }], token: TOKEN });
  try {
    const source = (settings: Record<string, unknown> = {}) => createGitHubSource({ repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0, ...settings });
    const viaTarball = source();
    const viaBatches = source({ archiveMaxBytes: 0 });
    const head = await viaTarball.resolveBranch('main');
    fake.resetRequests();
    const listed = await viaTarball.listFiles(head);
    const texts = await viaTarball.readFiles(head, listed.map((f) => f.path).filter((p) => p !== 'logo.bin'));
    assert.deepEqual(fake.requestCounts(), { [TARBALL]: 1, [CODELOAD]: 1 }, 'the tree and every text from one tarball');
    // A binary file is not kept as text from the tarball: asked for, it is read as before (GraphQL, then its blob).
    texts.set('logo.bin', (await viaTarball.readFiles(head, ['logo.bin'])).get('logo.bin')!);

    const expected = await viaBatches.listFiles(head);
    assert.deepEqual(listed, expected, 'same paths and blob SHAs (symlinks left out, like the tree read)');
    const expectedTexts = await viaBatches.readFiles(head, expected.map((f) => f.path));
    assert.deepEqual(texts, expectedTexts);
    for (const [file, text] of Object.entries(FILES)) assert.equal(texts.get(file), text, file);
    assert.equal((await viaTarball.tree(head)).treeSha, (await viaBatches.tree(head)).treeSha);
    assert.equal((await viaTarball.tree(head)).files.get('scripts/run.sh')?.mode, '100755');
    assert.ok(VERY_LONG.length > 255 && LONG_DIR.length > 100);
  } finally {
    await fake.close();
    rmSync(repo.dir, { recursive: true, force: true });
  }
});

test('a tarball that is not exactly the commit (export-ignore) is not trusted: the tree lists the files', async () => {
  const f = await startFixture({ '.gitattributes': 'private/** export-ignore\n', 'private/secret.yaml': 'kind: Secret\n', 'app.yaml': 'kind: Namespace\n' });
  try {
    const head = await f.source.resolveBranch('main');
    f.reset();
    const files = (await f.source.listFiles(head)).map((x) => x.path);
    assert.deepEqual(files, ['.gitattributes', 'app.yaml', 'private/secret.yaml']);
    assert.equal((await f.source.readFiles(head, ['private/secret.yaml'])).get('private/secret.yaml'), 'kind: Secret\n');
    assert.deepEqual(f.calls(), { [TARBALL]: 1, [CODELOAD]: 1, [TREE]: 1, [GRAPHQL]: 1 });
    assert.ok(f.logged.some((l) => /tarball .* differs from its tree/.test(l)));
  } finally {
    await f.close();
  }
});

test('a tarball over archiveMaxBytes is given up once and reads go through the tree and GraphQL', async () => {
  const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f/${i}.yaml`, `n: ${i}\n${'#'.repeat(200)}\n`]));
  const f = await startFixture(files, { settings: { archiveMaxBytes: 20_000 } });
  try {
    const head = await f.source.resolveBranch('main');
    f.reset();
    const all = await f.source.readFiles(head, Object.keys(files));
    assert.equal(all.size, 300);
    assert.equal(all.get('f/7.yaml'), files['f/7.yaml']);
    assert.deepEqual(f.calls(), { [TARBALL]: 1, [CODELOAD]: 1, [TREE]: 1, [GRAPHQL]: 2 });
    assert.ok(f.logged.some((l) => /larger than 20000 bytes .*not fetched again for this commit/.test(l)));
  } finally {
    await f.close();
  }
});

test('one oversized commit does not switch tarballs off: a later commit whose tree fits is read as a tarball again', async () => {
  const big = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f/${i}.yaml`, `n: ${i}\n${'#'.repeat(5000)}\n`]));
  const f = await startFixture(big, { settings: { archiveMaxBytes: 1024 * 1024 } });
  try {
    const first = await f.source.resolveBranch('main');
    assert.equal((await f.source.readFiles(first, Object.keys(big))).size, 300);
    assert.ok(f.logged.some((l) => /larger than 1048576 bytes/.test(l)), 'the first commit was over the limit');
    const small = Object.fromEntries(Object.keys(big).map((p, i) => [p, `n: ${i}\n`]));
    await f.fake.commit('main', { files: small, message: 'shrink' });
    const second = await f.source.resolveBranch('main');
    f.reset();
    const read = await f.source.readFiles(second, Object.keys(small));
    assert.equal(read.get('f/7.yaml'), 'n: 7\n');
    assert.equal(f.calls()[TARBALL], 1, 'the second commit came as one tarball');
    f.reset();
    await f.source.readFiles(first, Object.keys(big).slice(0, 250).map((p) => p));
    assert.equal(f.calls()[TARBALL], undefined, 'the oversized commit is not fetched again');
  } finally {
    await f.close();
  }
});

test('the tar reader takes ustar prefixes and pax paths, and hashes the tree as git does', () => {
  const repo = richRepo();
  try {
    const tar = execFileSync('git', ['-C', repo.dir, 'archive', '--format=tar', '--prefix=acme-config-1234567/', 'HEAD'], { maxBuffer: 64 * 1024 * 1024 });
    const archive = readTar(tar, 1024 * 1024);
    assert.equal(archive.commit, repo.git('rev-parse', 'HEAD'));
    assert.equal(archive.treeSha, repo.git('rev-parse', 'HEAD^{tree}'));
    const byPath = new Map(archive.files.map((x) => [x.path, x]));
    assert.equal(byPath.get(`envs/dev/${VERY_LONG}`)?.text, FILES[`envs/dev/${VERY_LONG}`]);
    assert.equal(byPath.get(`envs/dev/${LONG_DIR}/long.yaml`)?.sha, repo.git('rev-parse', `HEAD:envs/dev/${LONG_DIR}/long.yaml`));
    assert.equal(byPath.get('link.yaml')?.mode, '120000');
    assert.equal(byPath.get('logo.bin')?.text, undefined, 'binary files are not text');
    assert.equal(treeSha([]), '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'the empty tree');
    const corrupt = Buffer.from(tar);
    corrupt[100] = corrupt[100]! ^ 0x01;
    assert.throws(() => readTar(corrupt, 1024), /bad header checksum|ends inside/);
    assert.ok(gzipSync(tar).length < tar.length);
  } finally {
    rmSync(repo.dir, { recursive: true, force: true });
  }
});

test('tarball reads log no secret', async () => {
  const lines: string[] = [];
  const fake = await startGitHubFake({ repos: [{ fullName: REPO, files: { 'a.yaml': 'a: 1\n' } }], token: TOKEN });
  try {
    const source = createGitHubSource({ repository: REPO, baseUrl: fake.url, auth: { token: TOKEN }, writeIntervalMs: 0 }, { log: memoryLog(lines) });
    const head = await source.resolveBranch('main');
    assert.equal((await source.readFiles(head, ['a.yaml'])).get('a.yaml'), 'a: 1\n');
    assert.ok(!lines.some((l) => l.includes(TOKEN)));
  } finally {
    await fake.close();
  }
});
