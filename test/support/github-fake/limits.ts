/**
 * Behaviour switches: latency, injected faults (5xx answers, connection resets), GitHub's primary rate limit
 * (per resource: `core`, `graphql`) and secondary rate limit (403/429 with `retry-after`).
 */
import { HttpError } from './errors.ts';

/** Injected faults. Rates are probabilities per request (0..1); `failNext` fails the next N requests for sure. */
export interface FaultOptions {
  latencyMs?: number;
  errorRate?: number;
  resetRate?: number;
  /** Status for injected errors (default 502). */
  errorStatus?: number;
  failNext?: number;
  failNextKind?: 'error' | 'reset';
  /** Random source (default Math.random), for reproducible runs. */
  random?: () => number;
}

/** The primary limit of one resource. After `remaining` more requests, answers `status` until `resetInSeconds` pass. */
export interface RateLimitOptions {
  resource?: 'core' | 'graphql';
  limit?: number;
  remaining?: number;
  resetInSeconds?: number;
  status?: 403 | 429;
}

/** A secondary limit: after `afterRequests` more requests, answers `status` with `retry-after` for `retryAfterSeconds`. */
export interface SecondaryLimitOptions {
  afterRequests?: number;
  retryAfterSeconds?: number;
  status?: 403 | 429;
}

interface Bucket { limit: number; remaining: number; reset: number; used: number; status: 403 | 429 }

/** What to do with a request before its handler: go on, fail with an answer, or reset the connection. */
export type Gate = { kind: 'pass' } | { kind: 'reset' } | { kind: 'answer'; error: HttpError };

/** Holds the switches and applies them to each request. */
export class Limits {
  latencyMs = 0;
  /** The clock of resets and retry-after windows, in ms. */
  now: () => number = Date.now;
  private faults: FaultOptions = {};
  private failNext = 0;
  private readonly buckets = new Map<string, Bucket>();
  private secondary: (SecondaryLimitOptions & { until?: number; countdown: number }) | undefined;

  private nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Replaces the fault settings (latency is kept unless given). */
  setFaults(options: FaultOptions): void {
    this.faults = { ...options };
    this.failNext = options.failNext ?? 0;
    if (options.latencyMs !== undefined) this.latencyMs = options.latencyMs;
  }

  /** Sets a resource's primary limit; unspecified fields keep their value (defaults: 5000, an hour). */
  setRateLimit(options: RateLimitOptions): void {
    const b = this.bucket(options.resource ?? 'core');
    if (options.limit !== undefined) { b.limit = options.limit; b.remaining = Math.min(b.remaining, b.limit); }
    if (options.remaining !== undefined) b.remaining = options.remaining;
    b.used = b.limit - b.remaining;
    if (options.resetInSeconds !== undefined) b.reset = this.nowSec() + options.resetInSeconds;
    if (options.status) b.status = options.status;
  }

  /** Arms (or, with null, disarms) the secondary limit. */
  setSecondaryRateLimit(options: SecondaryLimitOptions | null): void {
    this.secondary = options ? { ...options, countdown: options.afterRequests ?? 0 } : undefined;
  }

  /** The bucket for a resource, refilled when its reset time has passed. */
  bucket(resource: string): Bucket {
    let b = this.buckets.get(resource);
    if (!b) {
      b = { limit: 5000, remaining: 5000, reset: this.nowSec() + 3600, used: 0, status: 403 };
      this.buckets.set(resource, b);
    }
    if (this.nowSec() >= b.reset) Object.assign(b, { remaining: b.limit, used: 0, reset: this.nowSec() + 3600 });
    return b;
  }

  /** The `x-ratelimit-*` headers for a resource. */
  headers(resource: string): Record<string, string> {
    const b = this.bucket(resource);
    return {
      'x-ratelimit-limit': String(b.limit), 'x-ratelimit-remaining': String(b.remaining),
      'x-ratelimit-reset': String(b.reset), 'x-ratelimit-used': String(b.used), 'x-ratelimit-resource': resource,
    };
  }

  /** Injected faults, checked first. */
  fault(): Gate {
    const random = this.faults.random ?? Math.random;
    if (this.failNext > 0) {
      this.failNext--;
      return this.faults.failNextKind === 'reset' ? { kind: 'reset' } : this.serverError();
    }
    if (this.faults.resetRate && random() < this.faults.resetRate) return { kind: 'reset' };
    if (this.faults.errorRate && random() < this.faults.errorRate) return this.serverError();
    return { kind: 'pass' };
  }

  private serverError(): Gate {
    const status = this.faults.errorStatus ?? 502;
    return { kind: 'answer', error: new HttpError(status, { message: status === 502 ? 'Server Error' : 'Service Unavailable' }) };
  }

  /** Secondary then primary limit; `counted` false (e.g. GET /rate_limit) skips the primary budget. */
  rate(resource: string, counted: boolean, graphqlShape: boolean): Gate {
    const s = this.secondary;
    if (s) {
      if (s.until === undefined && s.countdown-- <= 0) s.until = this.now() + (s.retryAfterSeconds ?? 60) * 1000;
      if (s.until !== undefined) {
        const left = Math.ceil((s.until - this.now()) / 1000);
        if (left > 0) {
          const message = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. '
            + 'If you reach out to GitHub Support for help, please include the request ID FAKE.';
          const body = graphqlShape ? { errors: [{ type: 'SECONDARY_RATE_LIMITED', message }], message } : { message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: String(s.status ?? 403) };
          return { kind: 'answer', error: new HttpError(s.status ?? 403, body, { 'retry-after': String(left) }) };
        }
        this.secondary = undefined;
      }
    }
    if (!counted) return { kind: 'pass' };
    const b = this.bucket(resource);
    if (b.remaining <= 0) {
      const message = 'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE.';
      const body = graphqlShape ? { errors: [{ type: 'RATE_LIMITED', message }], message } : { message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: String(b.status) };
      return { kind: 'answer', error: new HttpError(b.status, body) };
    }
    b.remaining--;
    b.used++;
    return { kind: 'pass' };
  }
}
