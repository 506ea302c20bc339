/**
 * Every JSON answer the fake gives is validated against the response schema of the matching operation in GitHub's
 * published OpenAPI description (@octokit/openapi, api.github.com), $refs resolved by ajv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { setup, REPO, FULL, statusOf } from './test-kit.ts';
import type { RequestLogEntry } from './index.ts';

const require = createRequire(import.meta.url);
const specFile = path.join(path.dirname(require.resolve('@octokit/openapi')), 'generated', 'api.github.com.json');
type Json = Record<string, unknown>;
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json & { responses: Record<string, Json> } };
const ROOT = 'https://openapi.test/api.github.com';

/** OpenAPI 3.0 `nullable` without `type` (on $ref/anyOf/allOf schemas) becomes `anyOf: [schema, null]` for ajv. */
function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fixNullable(v)])) as Json;
  if (out['nullable'] === true && out['type'] === undefined) {
    delete out['nullable'];
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}
spec.components = fixNullable(spec.components) as typeof spec.components;
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema({ $id: ROOT, components: spec.components });

function absolute(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolute);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? ROOT + v : absolute(v)]));
}

const cache = new Map<string, ValidateFunction | null>();
/** The validator for an operation's JSON answer with a status, or null when the description has none. */
function validatorFor(route: string, status: number): ValidateFunction | null {
  const key = `${route} ${status}`;
  if (cache.has(key)) return cache.get(key)!;
  const [method, template] = route.split(' ') as [string, string];
  let response = spec.paths[template]?.[method.toLowerCase()]?.['responses'] as Record<string, Json> | undefined;
  let r = response?.[String(status)];
  if (r && typeof r['$ref'] === 'string') r = spec.components.responses[(r['$ref'] as string).split('/').pop()!];
  const schema = (r?.['content'] as Record<string, { schema?: unknown }> | undefined)?.['application/json']?.schema;
  const v = schema ? ajv.compile(absolute(schema) as object) : null;
  cache.set(key, v);
  response = undefined;
  return v;
}

/** Validation failures of logged answers: `route status: errors`. */
function check(entries: RequestLogEntry[]): { failures: string[]; validated: Set<string> } {
  const failures: string[] = [];
  const validated = new Set<string>();
  for (const e of entries) {
    if (e.response === undefined) continue;
    const v = validatorFor(e.route, e.status);
    if (!v) continue;
    validated.add(`${e.route} ${e.status}`);
    if (!v(e.response)) failures.push(`${e.route} ${e.status}: ${ajv.errorsText(v.errors, { separator: '; ' })}`);
  }
  return { failures, validated };
}

test('every JSON answer of every served endpoint matches GitHub\'s OpenAPI response schema', async () => {
  const { fake, octokit } = await setup({ captureBodies: true });
  try {
    const o = REPO;
    await octokit.rest.repos.get(o);
    const ref = await octokit.rest.git.getRef({ ...o, ref: 'heads/main' });
    const head = ref.data.object.sha;
    await octokit.rest.git.listMatchingRefs({ ...o, ref: 'heads/' });
    await octokit.rest.repos.getBranch({ ...o, branch: 'main' });
    const base = await octokit.rest.git.getCommit({ ...o, commit_sha: head });
    const tree = await octokit.rest.git.getTree({ ...o, tree_sha: base.data.tree.sha, recursive: '1' });
    const blobSha = tree.data.tree.find((e) => e.type === 'blob')!.sha!;
    await octokit.rest.git.getBlob({ ...o, file_sha: blobSha });
    await octokit.rest.repos.getContent({ ...o, path: 'apps/web/deployment.yaml' });
    await octokit.rest.repos.getContent({ ...o, path: 'apps' });
    const blob = await octokit.rest.git.createBlob({ ...o, content: 'image: web:2\n' });
    const newTree = await octokit.rest.git.createTree({ ...o, base_tree: base.data.tree.sha, tree: [
      { path: 'apps/web/deployment.yaml', mode: '100644', type: 'blob', sha: blob.data.sha },
      { path: 'README.md', mode: '100644', type: 'blob', sha: null },
    ] });
    const commit = await octokit.rest.git.createCommit({ ...o, message: 'bump web', tree: newTree.data.sha, parents: [head] });
    await octokit.rest.git.createRef({ ...o, ref: 'refs/heads/update', sha: commit.data.sha });
    await statusOf(octokit.rest.git.createRef({ ...o, ref: 'refs/heads/update', sha: commit.data.sha }));
    await octokit.rest.repos.getCommit({ ...o, ref: commit.data.sha });
    await octokit.rest.repos.compareCommitsWithBasehead({ ...o, basehead: 'main...update' });
    const pr = await octokit.rest.pulls.create({ ...o, title: 'Bump', head: 'update', base: 'main' });
    await statusOf(octokit.rest.pulls.create({ ...o, title: 'Bump again', head: 'update', base: 'main' }));
    await octokit.rest.pulls.list({ ...o, head: 'acme:update', state: 'open' });
    await octokit.rest.pulls.get({ ...o, pull_number: pr.data.number });
    await octokit.rest.pulls.update({ ...o, pull_number: pr.data.number, title: 'Bump web' });
    await octokit.rest.repos.createCommitStatus({ ...o, sha: commit.data.sha, state: 'success', context: 'gitops/apply', target_url: 'https://example.test/run/1', description: 'applied' });
    await octokit.rest.repos.listCommitStatusesForRef({ ...o, ref: 'update' });
    await octokit.rest.repos.getCombinedStatusForRef({ ...o, ref: 'update' });
    await octokit.rest.git.updateRef({ ...o, ref: 'heads/main', sha: commit.data.sha });
    const side = await octokit.rest.git.createCommit({ ...o, message: 'side', tree: base.data.tree.sha, parents: [head] });
    await statusOf(octokit.rest.git.updateRef({ ...o, ref: 'heads/main', sha: side.data.sha }));
    await statusOf(octokit.rest.git.getRef({ ...o, ref: 'heads/nope' }));
    await statusOf(octokit.rest.repos.getContent({ ...o, path: 'nope.yaml' }));
    await octokit.rest.git.deleteRef({ ...o, ref: 'heads/update' });
    await octokit.rest.rateLimit.get();

    const { failures, validated } = check(fake.requests());
    assert.deepEqual(failures, []);
    const served = ['GET /repos/{owner}/{repo}', 'GET /repos/{owner}/{repo}/git/ref/{ref}', 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
      'POST /repos/{owner}/{repo}/git/refs', 'PATCH /repos/{owner}/{repo}/git/refs/{ref}', 'GET /repos/{owner}/{repo}/branches/{branch}',
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha}', 'GET /repos/{owner}/{repo}/commits/{ref}', 'GET /repos/{owner}/{repo}/compare/{basehead}',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', 'GET /repos/{owner}/{repo}/contents/{path}',
      'POST /repos/{owner}/{repo}/git/blobs', 'POST /repos/{owner}/{repo}/git/trees', 'POST /repos/{owner}/{repo}/git/commits',
      'GET /repos/{owner}/{repo}/pulls', 'POST /repos/{owner}/{repo}/pulls', 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}', 'POST /repos/{owner}/{repo}/statuses/{sha}', 'GET /repos/{owner}/{repo}/commits/{ref}/statuses',
      'GET /repos/{owner}/{repo}/commits/{ref}/status', 'GET /rate_limit'];
    const ok = new Set([...validated].filter((k) => /\s2\d\d$/.test(k)).map((k) => k.replace(/\s\d+$/, '')));
    assert.deepEqual(served.filter((r) => !ok.has(r)), [], 'every served JSON endpoint has a validated 2xx answer');
    for (const error of ['POST /repos/{owner}/{repo}/git/refs 422', 'PATCH /repos/{owner}/{repo}/git/refs/{ref} 422', 'GET /repos/{owner}/{repo}/git/ref/{ref} 404', 'POST /repos/{owner}/{repo}/pulls 422', 'GET /repos/{owner}/{repo}/contents/{path} 404']) {
      assert.ok(validated.has(error), `validated ${error}`);
    }
    void FULL;
  } finally {
    await fake.close();
  }
});

test('the schema check fails when an answer lacks a required field', async () => {
  const { fake, octokit } = await setup({ captureBodies: true });
  try {
    await octokit.rest.git.getRef({ ...REPO, ref: 'heads/main' });
    await octokit.rest.repos.get(REPO);
    const entries = fake.requests().map((e) => ({ ...e, response: structuredClone(e.response) as Json }));
    assert.deepEqual(check(entries).failures, []);
    delete entries[0]!.response['node_id'];
    delete entries[1]!.response['default_branch'];
    const { failures } = check(entries);
    assert.equal(failures.length, 2);
    assert.match(failures[0]!, /node_id/);
    assert.match(failures[1]!, /default_branch/);
  } finally {
    await fake.close();
  }
});
