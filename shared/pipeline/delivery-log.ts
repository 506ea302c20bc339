/**
 * Remembers which webhook deliveries were handled, so a redelivery enqueues nothing twice. A delivery is
 * recorded under several keys (its id, and the digest of its signed body): it is a duplicate when any key was
 * seen, so a signed body replayed under new delivery ids is caught too. Records expire after
 * DELIVERY_RETENTION_MS (an expired record counts as unseen and is removed by `expire`, which the reconcile
 * timer calls): long enough to cover GitHub's redeliveries (3 days), short enough that the store stays small.
 */

/** How long a delivery key is remembered. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface DeliveryLog {
  /** Records every key; false (recording nothing) when any of them is already recorded and unexpired. Atomic per key across workers. */
  claim(keys: readonly string[]): Promise<boolean>;
  /** Forgets keys whose work failed, so a redelivery can do it. */
  release(keys: readonly string[]): Promise<void>;
  /** Removes expired records; returns how many. */
  expire(): Promise<number>;
}

/** An in-process DeliveryLog for the local host, bounded to the most recent keys. */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly seen = new Map<string, number>();
  private readonly limit: number;
  private readonly now: () => number;
  private readonly retentionMs: number;

  constructor(options: { limit?: number; now?: () => number; retentionMs?: number } = {}) {
    this.limit = options.limit ?? 10_000;
    this.now = options.now ?? Date.now;
    this.retentionMs = options.retentionMs ?? DELIVERY_RETENTION_MS;
  }

  async claim(keys: readonly string[]): Promise<boolean> {
    const now = this.now();
    if (keys.some((k) => { const at = this.seen.get(k); return at !== undefined && now - at < this.retentionMs; })) return false;
    for (const k of keys) {
      this.seen.delete(k);
      this.seen.set(k, now);
    }
    while (this.seen.size > this.limit) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.seen.delete(k);
  }

  async expire(): Promise<number> {
    const cutoff = this.now() - this.retentionMs;
    let n = 0;
    for (const [k, at] of this.seen) if (at <= cutoff && this.seen.delete(k)) n++;
    return n;
  }
}
