/**
 * The `pull_request` webhook: every real payload from @octokit/webhooks-examples is processed or answered 202
 * with a reason, never 5xx; a preview job is queued only for open pull requests touching an environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../shared/config/index.ts';
import { MemoryDeliveryLog } from '../../shared/pipeline/delivery-log.ts';
import { gitHubDeliveryResponse } from '../../shared/app/http-outcomes.ts';
import { handleGitHubDelivery, type WebhookRequest } from '../../shared/pipeline/github-delivery.ts';
import { memoryLogger } from '../../shared/pipeline/logger.ts';
import { onPullRequest } from '../../shared/pipeline/on-pull-request.ts';
import { parsePreviewJob, type PreviewJob } from '../../shared/pipeline/preview-job.ts';
import { memorySource, type MemorySource } from '../support/memory-source.ts';
import { realExamples, signedDelivery } from '../support/push-payloads.ts';

const SECRET = 'pull request secret';
const REPO = 'Codertocat/Hello-World';
const config = parseConfig(`repository: ${REPO}\nenvironments:\n  dev: { branch: master, path: dev }\n  qa: { branch: master, path: qa }\n  prod: { branch: release, path: prod }\n`, 'GITOPS_CONFIG');

function setup(source: MemorySource = memorySource({ master: { 'dev/a.yaml': 'a: 1\n' } })) {
  const jobs: PreviewJob[] = [];
  const log = memoryLogger();
  const deps = {
    secrets: [SECRET],
    repository: REPO,
    onPush: async (): Promise<never> => {
      throw new Error('a pull_request delivery reached onPush');
    },
    onPullRequest: (e: Parameters<typeof onPullRequest>[0], id: string) =>
      onPullRequest(e, id, { config: async () => config, repository: REPO, source, queue: { send: async (j: PreviewJob) => void jobs.push(parsePreviewJob(JSON.parse(JSON.stringify(j)))) }, deliveries: new MemoryDeliveryLog(), log }),
  };
  const deliver = async (payload: unknown) => {
    const { headers, body } = await signedDelivery(payload as Record<string, unknown>, { secret: SECRET, event: 'pull_request' });
    const req: WebhookRequest = { header: (n) => headers[n.toLowerCase()], body };
    return gitHubDeliveryResponse(await handleGitHubDelivery(req, deps));
  };
  return { jobs, log, deliver };
}

test('every real pull_request example is processed or answered 202 with a reason, never 5xx', async () => {
  const { jobs, deliver } = setup();
  const examples = realExamples('pull_request');
  assert.ok(examples.length >= 20, `${examples.length} examples`);
  const answers: string[] = [];
  for (const example of examples) {
    const res = await deliver(example);
    assert.ok(res.status < 500, `${example['action']}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.ok(res.status === 202 || res.status === 200, `${example['action']}: ${res.status} ${JSON.stringify(res.body)}`);
    answers.push(`${example['action']}:${res.body['ignored'] ? 'ignored' : 'queued'}`);
    if (res.body['ignored']) assert.match(String(res.body['ignored']), /pull request #\d+ /);
  }
  // The examples' commits are not in this repository: the changed files cannot be listed, so the job decides.
  const queued = new Set(answers.filter((a) => a.endsWith(':queued')).map((a) => a.split(':')[0]));
  assert.deepEqual([...queued].sort(), ['opened', 'ready_for_review', 'reopened', 'synchronize']);
  assert.ok(answers.includes('closed:ignored') && answers.includes('labeled:ignored') && answers.includes('assigned:ignored'));
  assert.deepEqual([...new Set(jobs.map((j) => j.environments.join(',')))], ['dev,qa']);
  assert.ok(jobs.every((j) => j.sameRepository && j.baseRef === 'master'));
});

test('a pull request touching no environment answers 202 naming the untouched ones; a fork is marked for no dry run', async () => {
  const source = memorySource({ master: { 'dev/a.yaml': 'a: 1\n', 'README.md': 'x\n' } });
  const base = source.head('master');
  const docs = source.commit('docs', { 'dev/a.yaml': 'a: 1\n', 'README.md': 'y\n' });
  const change = source.commit('change', { 'dev/a.yaml': 'a: 2\n', 'README.md': 'x\n' });
  const { jobs, deliver } = setup(source);
  const opened = realExamples('pull_request').find((e) => e['action'] === 'opened')!;
  const pr = (head: string, fork?: string) => {
    const p = structuredClone(opened);
    p['pull_request'].base.sha = base;
    p['pull_request'].head.sha = head;
    if (fork) p['pull_request'].head.repo.full_name = fork;
    return p;
  };
  const res = await deliver(pr(docs));
  assert.deepEqual([res.status, res.body['ignored']], [202, 'pull request #2 touches no environment on master (dev, qa: none of their files changed)']);
  assert.equal(jobs.length, 0);
  const fork = await deliver(pr(change, 'mallory/Hello-World'));
  assert.equal(fork.status, 202);
  assert.deepEqual(fork.body['environments'], [{ name: 'dev', reason: '1 file changed under dev' }]);
  assert.deepEqual(jobs.map((j) => [j.environments, j.sameRepository, j.headSha]), [[['dev'], false, change]]);
});
