/**
 * Fault injection: latency, 5xx answers, connection resets and 429 with Retry-After, by rate
 * (seeded, so runs repeat) or for the next N requests. The "down" switch lives in the server
 * (it stops listening, so connections are refused).
 */

/** Faults to inject; every field is optional and settable at run time. */
export interface FaultOptions {
  /** Delay before every request is answered (ms). */
  latencyMs?: number;
  /** Extra random delay, 0..latencyJitterMs (ms). */
  latencyJitterMs?: number;
  /** Fraction (0..1) of requests answered with a 5xx Status. */
  errorRate?: number;
  /** The next N requests are answered with a 5xx Status. */
  errorTimes?: number;
  /** The 5xx code: 500 InternalError (default), 503 ServiceUnavailable, 502/504. */
  errorStatus?: number;
  /** Fraction (0..1) of requests whose connection is reset without an answer. */
  resetRate?: number;
  /** The next N requests have their connection reset. */
  resetTimes?: number;
  /** Fraction (0..1) of requests answered 429 TooManyRequests with Retry-After. */
  throttleRate?: number;
  /** The next N requests are answered 429. */
  throttleTimes?: number;
  /** Retry-After seconds on 429 answers (default 1). */
  retryAfterSeconds?: number;
  /** Only requests with these HTTP methods get faults (default: all). */
  methods?: string[];
  /** Seed of the random generator behind the rates (default 1). */
  seed?: number;
}

/** What to do with one request. */
export type FaultDecision = 'reset' | 'throttle' | 'error' | undefined;

/** The mutable fault state of one server. */
export class Faults {
  private options: FaultOptions = {};
  private state = 1;

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  /** Replaces the fault options (counters included) and reseeds the generator. */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.state = (options.seed ?? 1) >>> 0 || 1;
  }

  /** The current options. */
  get(): FaultOptions {
    return { ...this.options };
  }

  private random(): number {
    // mulberry32
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Milliseconds to wait before answering. */
  latency(): number {
    const { latencyMs = 0, latencyJitterMs = 0 } = this.options;
    return latencyMs + (latencyJitterMs ? this.random() * latencyJitterMs : 0);
  }

  private take(counter: 'resetTimes' | 'throttleTimes' | 'errorTimes', rate: number | undefined): boolean {
    const n = this.options[counter] ?? 0;
    if (n > 0) { this.options[counter] = n - 1; return true; }
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  /** Decides the fault for one request (consuming counters). */
  decide(method: string): FaultDecision {
    const o = this.options;
    if (o.methods && !o.methods.includes(method)) return undefined;
    if (this.take('resetTimes', o.resetRate)) return 'reset';
    if (this.take('throttleTimes', o.throttleRate)) return 'throttle';
    if (this.take('errorTimes', o.errorRate)) return 'error';
    return undefined;
  }

  /** Retry-After seconds for 429 answers. */
  retryAfter(): number {
    return this.options.retryAfterSeconds ?? 1;
  }

  /** The injected 5xx code. */
  errorStatus(): number {
    return this.options.errorStatus ?? 500;
  }
}
