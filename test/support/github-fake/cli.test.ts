/**
 * The standalone CLI (`npm run -s fake:github -- --port PORT --repo DIR --name OWNER/NAME`) serves a work-tree
 * repository in place: API writes land in it, and commits made in it are sent as push events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { startReceiver } from './webhook-receiver.ts';
import { QUIET } from './test-kit.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The first chunk of `stream` output (accumulated) that `pattern` matches: waits on data events, not a poll. */
async function waitForOutput(streams: NodeJS.ReadableStream[], pattern: RegExp, ms = 10_000): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${out}`)), ms);
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = pattern.exec(out);
      if (!m) return;
      clearTimeout(timer);
      for (const s of streams) s.off('data', onData);
      resolve(m);
    };
    for (const s of streams) s.on('data', onData);
  });
}

const afterIs = (sha: string) => (r: { body: string }) => (JSON.parse(r.body) as { after: string }).after === sha;

test('the CLI serves a repository in place, takes API writes into it and reports pushes made in it', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'github-fake-cli-'));
  const receiver = await startReceiver();
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, '-c', 'user.name=Dev', '-c', 'user.email=dev@example.test', ...args], { encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(dir, 'app.yaml'), 'image: app:1\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--repo', dir, '--name', 'acme/local', '--token', 't0k',
    '--webhook-url', receiver.url, '--webhook-secret', 's3cret', '--poll', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = (await waitForOutput([child.stdout, child.stderr], /listening on (http:\/\/\S+)/))[1]!;
    const octokit = new Octokit({ baseUrl: url, auth: 't0k', log: QUIET });
    const head = git('rev-parse', 'main').trim();
    assert.equal((await octokit.rest.git.getRef({ owner: 'acme', repo: 'local', ref: 'heads/main' })).data.object.sha, head);

    const tree = await octokit.rest.git.createTree({ owner: 'acme', repo: 'local', base_tree: head, tree: [{ path: 'app.yaml', mode: '100644', type: 'blob', content: 'image: app:2\n' }] });
    const commit = await octokit.rest.git.createCommit({ owner: 'acme', repo: 'local', message: 'bump', tree: tree.data.sha, parents: [head] });
    await octokit.rest.git.createRef({ owner: 'acme', repo: 'local', ref: 'refs/heads/gitops', sha: commit.data.sha });
    assert.equal(git('show', 'gitops:app.yaml'), 'image: app:2\n', 'the API write landed in the served repository');

    await writeFile(path.join(dir, 'app.yaml'), 'image: app:3\n');
    git('commit', '-q', '-am', 'developer change');
    const after = git('rev-parse', 'main').trim();
    // The API move's event is queued before the developer commit exists, and events go out in order.
    await receiver.next(afterIs(commit.data.sha));
    const delivery = await receiver.next(afterIs(after));
    assert.ok(await verify('s3cret', delivery.body, String(delivery.headers['x-hub-signature-256'])));
    const payload = JSON.parse(delivery.body) as { ref: string; before: string; commits: Array<{ modified: string[] }> };
    assert.deepEqual([payload.ref, payload.before, payload.commits[0]!.modified], ['refs/heads/main', head, ['app.yaml']]);
    assert.equal(receiver.received.filter((r) => (JSON.parse(r.body) as { ref: string }).ref === 'refs/heads/gitops').length, 1, 'the API move was sent once');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
});
