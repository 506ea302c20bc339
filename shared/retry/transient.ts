/**
 * The one retry decision (pure): whether a failed call may succeed if made again. The Kubernetes client's
 * request retries, the GitHub client's retry plugin, an object failure that fails a sync as retryable, and
 * the sync queue's redelivery all ask this module, so "transient" means the same thing everywhere.
 */

/** No HTTP answer (connection refused, reset, timeout) is reported as status 0. */
export const NO_ANSWER = 0;

/** A 5xx that says the request itself is wrong: the API server's schema errors never heal by retrying. */
const PERMANENT_SERVER_ERROR = /field not declared in schema|failed to create typed patch object/;

/**
 * Worth retrying: no answer, 408 Request Timeout, 429 Too Many Requests, or a 5xx other than a permanent
 * schema error. Every other 4xx is final: the request is wrong or not allowed, and stays so.
 */
export function isTransientStatus(status: number, serverMessage = ''): boolean {
  if (status === NO_ANSWER || status === 408 || status === 429) return true;
  if (status >= 500) return !PERMANENT_SERVER_ERROR.test(serverMessage);
  return false;
}

/**
 * The 4xx statuses Octokit's retry plugin must not retry: every final one by {@link isTransientStatus}, and
 * 429, whose waits belong to the throttling plugin (it reads GitHub's rate-limit headers).
 */
export function finalClientStatuses(): number[] {
  const out: number[] = [];
  for (let status = 400; status < 500; status++) if (status === 429 || !isTransientStatus(status)) out.push(status);
  return out;
}

/** What a caller does with a finished unit of work: done, or hand it back to be tried again later. */
export type RetryDecision = { retry: false } | { retry: true; reason: string };
