/**
 * GraphQL batch reads of files, and GitHub's GraphQL error shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, FILES, FULL } from './test-kit.ts';

const QUERY = `query ($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    web: object(expression: "main:apps/web/deployment.yaml") { ...file }
    api: object(expression: "main:apps/api/deployment.yaml") { ...file }
    missing: object(expression: "main:apps/none.yaml") { ...file }
    dir: object(expression: "main:apps") { __typename ... on Tree { entries { name path type mode oid } } }
    head: object(expression: "main") { ... on Commit { oid message tree { oid } } }
  }
  rateLimit { cost remaining }
}
fragment file on Blob { oid text byteSize isBinary isTruncated }`;

test('one GraphQL query reads several files by expression, in GitHub\'s shapes', async () => {
  const { fake, octokit } = await setup();
  try {
    const data = await octokit.graphql<{ repository: Record<string, Record<string, unknown> | null>; rateLimit: { cost: number; remaining: number } }>(QUERY, { owner: 'acme', name: 'config' });
    const repo = data.repository;
    assert.equal(repo['web']!['text'], FILES['apps/web/deployment.yaml']);
    assert.equal(repo['api']!['byteSize'], Buffer.byteLength(FILES['apps/api/deployment.yaml']!));
    assert.deepEqual([repo['web']!['isBinary'], repo['web']!['isTruncated']], [false, false]);
    assert.equal(repo['missing'], null);
    assert.equal(repo['dir']!['__typename'], 'Tree');
    assert.deepEqual((repo['dir']!['entries'] as Array<{ name: string; path: string; type: string; mode: number }>).map((e) => [e.name, e.path, e.type, e.mode]),
      [['api', 'apps/api', 'tree', 0o40000], ['web', 'apps/web', 'tree', 0o40000]]);
    assert.equal(repo['head']!['oid'], await fake.head(FULL, 'main'));
    assert.equal(repo['head']!['message'], 'Initial commit');
    assert.equal(data.rateLimit.cost, 1);
    assert.ok(data.rateLimit.remaining < 5000);

    const byOid = await octokit.graphql<{ repository: { a: { text: string } } }>(
      `{ repository(owner: "acme", name: "config") { a: object(oid: "${String(repo['web']!['oid'])}") { ... on Blob { text } } } }`);
    assert.equal(byOid.repository.a.text, FILES['apps/web/deployment.yaml']);
    assert.deepEqual(fake.requestCounts(), { 'POST /graphql': 2 });
  } finally {
    await fake.close();
  }
});

test('a large or binary blob is flagged as GitHub does', async () => {
  const { fake, octokit } = await setup({ limits: { graphqlText: 10 } });
  try {
    await fake.commit(FULL, 'main', { files: { 'bin.dat': 'a\u0000b' } });
    const data = await octokit.graphql<{ repository: Record<string, { text: string | null; isBinary: boolean; isTruncated: boolean }> }>(
      '{ repository(owner: "acme", name: "config") { big: object(expression: "main:apps/web/deployment.yaml") { ... on Blob { text isBinary isTruncated } } bin: object(expression: "main:bin.dat") { ... on Blob { text isBinary isTruncated } } } }');
    assert.deepEqual(data.repository['big'], { text: 'image: reg', isBinary: false, isTruncated: true });
    assert.deepEqual(data.repository['bin'], { text: null, isBinary: true, isTruncated: false });
  } finally {
    await fake.close();
  }
});

test('GraphQL errors come in GitHub\'s shape with paths and locations', async () => {
  const { fake } = await setup({ token: undefined });
  try {
    const post = async (query: string): Promise<{ status: number; body: { data?: unknown; errors?: Array<Record<string, unknown>> } }> => {
      const res = await fetch(`${fake.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      return { status: res.status, body: await res.json() as { data?: unknown; errors?: Array<Record<string, unknown>> } };
    };
    const unknownField = '{ repository(owner: "acme", name: "config") { a: object(expression: "main:README.md") { ... on Blob { nope } } } }';
    let r = await post(unknownField);
    assert.equal(r.status, 200);
    assert.equal(r.body.data, undefined);
    assert.deepEqual({ ...r.body.errors![0] }, {
      path: ['query', 'repository', 'a', 'nope'], extensions: { code: 'undefinedField', typeName: 'Blob', fieldName: 'nope' },
      locations: [{ line: 1, column: unknownField.indexOf('nope') + 1 }], message: "Field 'nope' doesn't exist on type 'Blob'",
    });
    r = await post('{ repository(owner: "acme", name: "config") { a: object(expression: "main:README.md") { text } } }');
    assert.match(String(r.body.errors![0]!['message']), /Field 'text' doesn't exist on type 'GitObject'/);
    r = await post('{ repository(owner: "acme", name: "gone") { name } }');
    assert.deepEqual(r.body.data, { repository: null });
    assert.equal(r.body.errors![0]!['type'], 'NOT_FOUND');
    assert.deepEqual(r.body.errors![0]!['path'], ['repository']);
    r = await post('{ repository(owner: "acme" ');
    assert.ok(r.body.errors![0]!['locations']);
    assert.match(String(r.body.errors![0]!['message']), /Syntax Error/);
  } finally {
    await fake.close();
  }
});

test('Commit.file answers the tree entry at a path of that commit, or null', async () => {
  const { fake, octokit } = await setup();
  try {
    const data = await octokit.graphql<{ repository: { defaultBranchRef: { target: { oid: string; file: { name: string; path: string; mode: number; type: string; object: { text: string } }; root: { type: string } | null; none: null } } } }>(
      `{ repository(owner: "acme", name: "config") { defaultBranchRef { target { oid ... on Commit {
        file(path: "apps/web/deployment.yaml") { name path mode type object { ... on Blob { text } } }
        root: file(path: "apps") { type } none: file(path: "apps/none.yaml") { oid } } } } } }`);
    const target = data.repository.defaultBranchRef.target;
    assert.deepEqual(target.file, { name: 'deployment.yaml', path: 'apps/web/deployment.yaml', mode: 0o100644, type: 'blob', object: { text: FILES['apps/web/deployment.yaml'] } });
    assert.deepEqual(target.root, { type: 'tree' });
    assert.equal(target.none, null);
  } finally {
    await fake.close();
  }
});
