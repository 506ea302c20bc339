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
import { setup, REPO, FULL, QUIET, statusOf } from './test-kit.ts';
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
  // `nullable` with an `enum` (check-run conclusion): null must be one of the allowed values for ajv.
  if (out['nullable'] === true && Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  if (out['nullable'] === true && out['type'] === undefined) {
    delete out['nullable'];
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}
spec.components = fixNullable(spec.components) as typeof spec.components;
spec.paths = fixNullable(spec.paths) as typeof spec.paths;
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

test('check runs, issue comments and the app token exchange answer as GitHub\'s OpenAPI description says', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const { Octokit } = await import('@octokit/rest');
  const { createAppAuth } = await import('@octokit/auth-app');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const { fake, octokit } = await setup({ captureBodies: true, app: { id: 77, installationId: 9, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  try {
    const o = REPO;
    const head = (await octokit.rest.git.getRef({ ...o, ref: 'heads/main' })).data.object.sha;
    assert.equal((await statusOf(octokit.rest.checks.create({ ...o, name: 'gitops/dev', head_sha: head }))).status, 403, 'a personal token may not write check runs');
    const app = new Octokit({ baseUrl: fake.url, authStrategy: createAppAuth, auth: { appId: 77, privateKey: pem, installationId: 9 }, log: QUIET });
    const run = await app.rest.checks.create({ ...o, name: 'gitops/dev', head_sha: head, status: 'in_progress' });
    await app.rest.checks.update({ ...o, check_run_id: run.data.id, conclusion: 'failure', output: { title: 't', summary: 's', annotations: [{ path: 'a.yaml', start_line: 2, end_line: 2, annotation_level: 'failure', message: 'bad' }] } });
    await app.rest.checks.get({ ...o, check_run_id: run.data.id });
    await app.rest.checks.listAnnotations({ ...o, check_run_id: run.data.id });
    const listed = await app.rest.checks.listForRef({ ...o, ref: head, check_name: 'gitops/dev' });
    assert.equal(listed.data.total_count, 1);
    assert.equal(listed.data.check_runs[0]!.conclusion, 'failure');
    await statusOf(app.rest.checks.update({ ...o, check_run_id: run.data.id, output: { title: 't', summary: 'x'.repeat(65_536) } }));
    await fake.commit('feature', { files: { 'README.md': '# changed\n' } });
    const pr = await octokit.rest.pulls.create({ ...o, title: 'Change', head: 'feature', base: 'main' });
    const comment = await octokit.rest.issues.createComment({ ...o, issue_number: pr.data.number, body: 'hello' });
    await octokit.rest.issues.updateComment({ ...o, comment_id: comment.data.id, body: 'hello again' });
    await octokit.rest.issues.getComment({ ...o, comment_id: comment.data.id });
    await octokit.rest.issues.listComments({ ...o, issue_number: pr.data.number });
    assert.deepEqual(fake.comments(FULL, pr.data.number).map((c) => c.body), ['hello again']);

    const { failures, validated } = check(fake.requests());
    assert.deepEqual(failures, []);
    for (const route of ['POST /repos/{owner}/{repo}/check-runs 201', 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id} 200', 'GET /repos/{owner}/{repo}/check-runs/{check_run_id} 200',
      'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations 200', 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs 200',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201', 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id} 200',
      'GET /repos/{owner}/{repo}/issues/comments/{comment_id} 200', 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments 200',
      'POST /app/installations/{installation_id}/access_tokens 201']) {
      assert.ok(validated.has(route), `validated ${route}`);
    }
  } finally {
    await fake.close();
  }
});
