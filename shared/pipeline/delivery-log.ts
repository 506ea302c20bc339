/** Remembers which webhook deliveries were handled, so a redelivery enqueues nothing twice. */
export interface DeliveryLog {
  /** Records a delivery id; false when it was already recorded. Atomic across workers. */
  claim(id: string): Promise<boolean>;
  /** Forgets a claim whose work failed, so GitHub's redelivery can do it. */
  release(id: string): Promise<void>;
}

/** An in-process DeliveryLog for the local host, bounded to the most recent ids. */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly seen = new Set<string>();
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  async claim(id: string): Promise<boolean> {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.limit) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  async release(id: string): Promise<void> {
    this.seen.delete(id);
  }
}
