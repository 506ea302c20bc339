/**
 * A small Kubernetes API client: one cluster, raw JSON in and out (so nothing is dropped by a typed
 * serializer), errors as {@link KubeApiError} carrying the API server's Status message, and bounded retries
 * of transient failures (connection errors, 5xx, 429 honouring Retry-After) with exponential backoff.
 */
import { isTransientStatus } from '../retry/transient.ts';
import type { Clock } from './clock.ts';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path from the server root, e.g. `/apis/apps/v1/namespaces/default/deployments/web`. */
  path: string;
  query?: Readonly<Record<string, string | undefined>>;
  /** Sent as JSON text (JSON is valid YAML, so it also serves `application/apply-patch+yaml`). */
  body?: unknown;
  /**
   * `body` already as JSON text, sent as is by the HTTP transport (an apply body is serialized once, however many
   * clusters it goes to). Always the serialization of `body`, which in-memory transports read instead.
   */
  bodyText?: string;
  contentType?: string;
  /** The Accept header (default `application/json`): e.g. a metadata-only answer when the caller needs no more. */
  accept?: string;
}

export interface KubeResponse {
  status: number;
  body: any;
  headers: Readonly<Record<string, string>>;
}

/** Sends one request to one cluster; answers with any status (no retries, no throwing on 4xx/5xx). */
export type KubeTransport = (request: KubeRequest) => Promise<KubeResponse>;

/** A cluster's API: throws {@link KubeApiError} on anything but 2xx, after retrying transient failures. */
export interface KubeClient {
  /** The cluster's name (for messages). */
  readonly cluster: string;
  request(request: KubeRequest): Promise<KubeResponse>;
}

/** An API error: `status` 0 means no HTTP answer (connection refused, reset, timeout). */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  /** The API server's own message (Status.message), or the connection error's. */
  readonly serverMessage: string;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(status: number, serverMessage: string, init: { reason?: string; retryAfterMs?: number; details?: unknown; cause?: unknown } = {}) {
    super(status === 0 ? `cannot reach the API server: ${serverMessage}` : `${status}${init.reason ? ` ${init.reason}` : ''}: ${serverMessage}`, { cause: init.cause });
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = init.reason;
    this.serverMessage = serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
  }

  /** Worth retrying: see {@link isTransientStatus}. */
  get transient(): boolean {
    return isTransientStatus(this.status, this.serverMessage);
  }
}


/** Turns a non-2xx answer into a {@link KubeApiError}. */
export function errorFromResponse(res: KubeResponse): KubeApiError {
  const b = res.body;
  const isStatus = typeof b === 'object' && b !== null && b.kind === 'Status';
  const message = isStatus && typeof b.message === 'string' ? b.message : typeof b === 'string' && b ? b.slice(0, 500) : `HTTP ${res.status}`;
  const retryAfter = Number(res.headers['retry-after']);
  return new KubeApiError(res.status, message, {
    ...(isStatus && typeof b.reason === 'string' ? { reason: b.reason } : {}),
    ...(Number.isFinite(retryAfter) && res.headers['retry-after'] !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}),
    ...(isStatus ? { details: b.details } : {}),
  });
}

export interface RetryPolicy {
  /** Attempts in all, the first included (default 4). */
  attempts?: number;
  /** First backoff (default 250 ms); doubles each time. */
  baseDelayMs?: number;
  /** Longest backoff and longest honoured Retry-After (default 10 s). */
  maxDelayMs?: number;
}

/** A {@link KubeClient} over a transport, with retries. */
export function kubeClient(cluster: string, transport: KubeTransport, clock: Pick<Clock, 'sleep'>, retry: RetryPolicy = {}): KubeClient {
  const attempts = Math.max(1, retry.attempts ?? 4);
  const base = retry.baseDelayMs ?? 250;
  const max = retry.maxDelayMs ?? 10_000;
  return {
    cluster,
    async request(request) {
      for (let attempt = 1; ; attempt++) {
        let error: KubeApiError;
        try {
          const res = await transport(request);
          if (res.status >= 200 && res.status < 300) return res;
          error = errorFromResponse(res);
        } catch (err) {
          if (err instanceof KubeApiError) error = err;
          else throw new Error(`failed to call ${request.method} ${request.path} on ${cluster}`, { cause: err });
        }
        if (!error.transient || attempt >= attempts) throw error;
        const backoff = Math.min(max, base * 2 ** (attempt - 1));
        await clock.sleep(error.retryAfterMs !== undefined ? Math.min(max, error.retryAfterMs) : backoff);
      }
    },
  };
}

/** `?a=1&b=2` from a query map (undefined values left out). */
export function queryString(query: KubeRequest['query']): string {
  const entries = Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}
