/**
 * `pipeline.onPullRequest`: a verified `pull_request` event becomes one `preview` job, or an outcome with
 * the reason nothing is previewed (closed or merged, an action that changes nothing, another base branch, no
 * environment touched). Fast: the event is screened, the changed files listed, and the job queued.
 */
import { ConfigError, findEnvironment, type GitopsConfig } from '../config/index.ts';
import { isSameRepository, screenPullRequest, scopePreview, type PullRequestEvent } from '../preview/index.ts';
import type { SourceReader } from '../sources/port.ts';
import type { DeliveryLog } from './delivery-log.ts';
import type { Logger } from './logger.ts';
import type { PreviewJob } from './preview-job.ts';
import { pullRequestChanges } from './pull-request-changes.ts';
import type { DeliveryIdentity } from './on-push.ts';
import type { JobQueue } from './sync-job.ts';

export interface OnPullRequestDeps {
  /** The configuration in force (the operator's: a pull request never changes which environments exist). */
  config(): Promise<GitopsConfig>;
  /** `owner/name` of the config repository. */
  repository: string;
  source: SourceReader;
  /** Where preview jobs go; undefined when this deployment has no previews. */
  queue: JobQueue<PreviewJob> | undefined;
  deliveries: DeliveryLog;
  log: Logger;
}

/** What became of a pull-request event (the edge, `shared/app/http-outcomes.ts`, turns it into GitHub's answer). */
export type PullRequestOutcome =
  | { kind: 'ignored'; reason: string }
  | { kind: 'config-invalid'; reason: string }
  /** Already handled: the same delivery id or the same signed body. */
  | { kind: 'duplicate'; delivery: string; head: string }
  | { kind: 'queued'; pullRequest: number; head: string; environments: { name: string; reason: string | undefined }[]; untouched: string[] };

const ignored = (reason: string): PullRequestOutcome => ({ kind: 'ignored', reason });

/** Plans a pull request's preview and queues it. */
export async function onPullRequest(event: PullRequestEvent, delivery: string | DeliveryIdentity, deps: OnPullRequestDeps): Promise<PullRequestOutcome> {
  const { log } = deps;
  const { id: deliveryId, bodyDigest } = typeof delivery === 'string' ? { id: delivery, bodyDigest: undefined } : delivery;
  // The delivery id and the signed body's digest: a redelivery, or a captured body replayed under new ids, queues nothing.
  const keys = [deliveryId, ...(bodyDigest ? [`body-sha256:${bodyDigest}`] : [])];
  const fields = { delivery: deliveryId, pullRequest: event.number, commit: event.headSha };
  if (!deps.queue) {
    log.info('preview.ignored', { ...fields, result: 'previews are not configured' });
    return ignored('pull-request previews are not configured in this deployment');
  }
  let config: GitopsConfig;
  try {
    config = await deps.config();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error('preview.config-invalid', { ...fields, result: err.message });
    return { kind: 'config-invalid', reason: err.message };
  }
  const screen = screenPullRequest(event, config, deps.repository);
  if (screen.kind === 'ignored') {
    log.info('preview.ignored', { ...fields, result: screen.reason });
    return ignored(screen.reason);
  }
  // The worker scopes again from the same commits; when they cannot be read now, it decides (and retries).
  const changes = await pullRequestChanges(deps.source, event.baseSha, event.headSha).catch((err: unknown) => {
    log.warn('preview.changes-unknown', { ...fields, result: `the changed files cannot be listed yet (${(err as Error).message}): the preview job decides` });
    return undefined;
  });
  const scope = changes ? scopePreview(config, screen.environments, changes.paths) : { environments: screen.environments, reasons: {} as Record<string, string>, untouched: [] };
  if (scope.environments.length === 0) {
    const reason = `pull request #${event.number} touches no environment on ${event.baseRef} (${scope.untouched.join(', ')}: none of their files changed)`;
    log.info('preview.ignored', { ...fields, result: reason });
    return ignored(reason);
  }
  if (!(await deps.deliveries.claim(keys))) {
    log.info('preview.duplicate', { ...fields, result: 'already handled (same delivery id or same signed body)' });
    return { kind: 'duplicate', delivery: deliveryId, head: event.headSha };
  }
  const job: PreviewJob = {
    v: 1,
    repository: deps.repository,
    number: event.number,
    baseRef: event.baseRef,
    baseSha: event.baseSha,
    headSha: event.headSha,
    sameRepository: isSameRepository(event),
    environments: scope.environments.filter((e) => findEnvironment(config, e)),
    trigger: deliveryId,
  };
  try {
    await deps.queue.send(job);
  } catch (err) {
    await deps.deliveries.release(keys).catch(() => undefined);
    throw new Error(`failed to enqueue the preview of pull request #${event.number} at ${event.headSha}`, { cause: err });
  }
  log.info('preview.job', { ...fields, environment: job.environments.join(','), result: `${changes ? changes.paths.length : 'unknown'} files changed; ${job.sameRepository ? 'same repository' : 'fork: no dry run'}` });
  return { kind: 'queued', pullRequest: event.number, head: event.headSha, environments: job.environments.map((e) => ({ name: e, reason: scope.reasons[e] })), untouched: scope.untouched };
}
