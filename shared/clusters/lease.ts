/**
 * One worker per environment and cluster: a `coordination.k8s.io/v1` Lease with a holder and an expiry.
 * Every change is a compare-and-swap on resourceVersion (create, or update naming the version read), so two
 * workers can never both hold it. A held lease is waited for (bounded) or given up cleanly; an expired one
 * is taken over.
 */
import type { Clock } from './clock.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';
import { stateObjectName } from './sync-state.ts';

export interface LeaseOptions {
  namespace: string;
  environment: string;
  /** Who we are (unique per worker invocation). */
  holder: string;
  /** How long a holder may go without renewing (default 300 s). */
  durationSeconds?: number;
  /** How long to wait for another holder before giving up (default 0: give up at once). */
  waitMs?: number;
  /** Poll interval while waiting (default 1 s). */
  pollMs?: number;
  clock: Clock;
}

const DEFAULT_DURATION_SECONDS = 300;

export type LeaseResult = { status: 'acquired'; lease: HeldLease } | { status: 'held'; holder: string; expiresAt: string };

interface LeaseObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; [k: string]: unknown };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string; leaseTransitions?: number };
  [k: string]: unknown;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Thrown when a renewal finds the lease taken (we overran it). */
export class LeaseLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseLostError';
  }
}

/** A lease we hold: renew it during long work, release it at the end. */
export class HeldLease {
  private current: LeaseObject;
  private readonly client: KubeClient;
  private readonly options: LeaseOptions;
  /** When the lease was last written by us (our clock). */
  private renewedAt: number;

  constructor(client: KubeClient, options: LeaseOptions, current: LeaseObject) {
    this.client = client;
    this.options = options;
    this.current = current;
    const written = Date.parse(current.spec?.renewTime ?? '');
    this.renewedAt = Number.isFinite(written) ? written : options.clock.now();
  }

  /** Extends the lease; throws {@link LeaseLostError} when someone else changed it. */
  async renew(): Promise<void> {
    const now = this.options.clock.now();
    const next = { ...this.current, spec: { ...this.current.spec, renewTime: microTime(now) } };
    try {
      this.current = (await this.client.request({ method: 'PUT', path: leasePath(this.options), body: next })).body as LeaseObject;
      this.renewedAt = now;
    } catch (err) {
      if (err instanceof KubeApiError && (err.status === 409 || err.status === 404)) throw new LeaseLostError(`lost the lease ${stateObjectName(this.options.environment)}: ${err.serverMessage}`);
      throw err;
    }
  }

  /**
   * Renews only when a third of the lease's duration has passed since we last wrote it (as client-go's leader
   * election renews well before the deadline): until then no other worker can take it (it is not expired),
   * so a renewal per apply rank would only add a round trip to every rank.
   */
  async renewIfDue(): Promise<void> {
    const durationMs = (this.options.durationSeconds ?? DEFAULT_DURATION_SECONDS) * 1000;
    if (this.options.clock.now() - this.renewedAt < durationMs / 3) return;
    await this.renew();
  }

  /** Gives the lease up (best effort: an unreleased lease expires by itself). */
  async release(): Promise<void> {
    const { holderIdentity: _h, ...spec } = this.current.spec ?? {};
    await this.client.request({ method: 'PUT', path: leasePath(this.options), body: { ...this.current, spec: { ...spec, leaseDurationSeconds: 1 } } });
  }
}

function leasePath(o: Pick<LeaseOptions, 'namespace' | 'environment'>): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases/${stateObjectName(o.environment)}`;
}

/** How far ahead of our clock another worker's clock may be. */
const MAX_CLOCK_SKEW_MS = 60_000;

/**
 * When a lease lapses, honouring it only as far as our own configuration would write it: a duration beyond the
 * configured one is cut back, and a renewal in the future voids it (whoever wrote a 2-billion-second lease does
 * not lock the environment for 63 years).
 */

function expiresAt(spec: LeaseObject['spec'], maxDurationSeconds: number, now: number): number {
  const renewed = Date.parse(spec?.renewTime ?? spec?.acquireTime ?? '');
  // A renewal further in the future than clocks drift was not written by a worker: the lease is void.
  if (!Number.isFinite(renewed) || renewed > now + MAX_CLOCK_SKEW_MS) return 0;
  const seconds = Math.min(Math.max(0, Number(spec?.leaseDurationSeconds) || 0), maxDurationSeconds);
  return Math.min(renewed, now) + seconds * 1000;
}

const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409;

/** Takes the environment's lease on a cluster, waiting up to `waitMs` for another holder. */
export async function acquireLease(client: KubeClient, options: LeaseOptions): Promise<LeaseResult> {
  const { clock, holder } = options;
  const duration = options.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  const deadline = clock.now() + (options.waitMs ?? 0);
  const name = stateObjectName(options.environment);
  const path = leasePath(options);
  for (;;) {
    const now = clock.now();
    let existing: LeaseObject | undefined;
    try {
      existing = (await client.request({ method: 'GET', path })).body as LeaseObject;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
    const spec = { holderIdentity: holder, leaseDurationSeconds: duration, acquireTime: microTime(now), renewTime: microTime(now) };
    if (!existing) {
      try {
        const created = await client.request({
          method: 'POST',
          path: `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases`,
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: options.namespace, labels: { 'app.kubernetes.io/managed-by': 'serverless-gitops' } }, spec: { ...spec, leaseTransitions: 0 } },
        });
        return { status: 'acquired', lease: new HeldLease(client, options, created.body as LeaseObject) };
      } catch (err) {
        if (!isConflict(err)) throw err;
        continue; // someone created it first: read it again
      }
    }
    const current = existing.spec ?? {};
    const free = !current.holderIdentity || current.holderIdentity === holder || expiresAt(current, duration, now) <= now;
    if (free) {
      const transitions = (current.leaseTransitions ?? 0) + (current.holderIdentity && current.holderIdentity !== holder ? 1 : 0);
      try {
        // resourceVersion is in existing.metadata: the server refuses the update when the lease changed since.
        const updated = await client.request({ method: 'PUT', path, body: { ...existing, spec: { ...current, ...spec, leaseTransitions: transitions } } });
        return { status: 'acquired', lease: new HeldLease(client, options, updated.body as LeaseObject) };
      } catch (err) {
        if (!isConflict(err)) throw err;
        continue;
      }
    }
    const until = expiresAt(current, duration, now);
    if (clock.now() >= deadline) return { status: 'held', holder: current.holderIdentity ?? '', expiresAt: new Date(until).toISOString() };
    await clock.sleep(Math.max(1, Math.min(options.pollMs ?? 1000, deadline - clock.now())));
  }
}

export interface LeaseHolder {
  holder: string;
  /** ISO time the lease expires unless renewed. */
  expiresAt: string;
}

/** Who holds an environment's lease on a cluster now (undefined: nobody, or it expired). */
export async function readLeaseHolder(client: KubeClient, namespace: string, environment: string, now: number): Promise<LeaseHolder | undefined> {
  let lease: LeaseObject;
  try {
    lease = (await client.request({ method: 'GET', path: leasePath({ namespace, environment }) })).body as LeaseObject;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
  const holder = lease.spec?.holderIdentity;
  const until = expiresAt(lease.spec, DEFAULT_DURATION_SECONDS, now);
  return holder && until > now ? { holder, expiresAt: new Date(until).toISOString() } : undefined;
}
