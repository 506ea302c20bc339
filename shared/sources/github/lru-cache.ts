/**
 * A bounded least-recently-used map for values lru-cache cannot hold (it refuses null): the image-creation caches.
 * Everything else uses lru-cache. At most `maxEntries` entries and `maxWeight` total weight (e.g. bytes).
 * Owned by the object that builds it (a warm Functions instance reuses the adapter, and with it the cache).
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;
  readonly maxEntries: number;
  readonly maxWeight: number;
  private readonly weigh: (value: V) => number;

  constructor(options: { maxEntries?: number; maxWeight?: number; weigh?: (value: V) => number }) {
    this.maxEntries = options.maxEntries ?? Infinity;
    this.maxWeight = options.maxWeight ?? Infinity;
    this.weigh = options.weigh ?? (() => 1);
  }

  get size(): number {
    return this.map.size;
  }

  get weight(): number {
    return this.total;
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Stores a value, evicting the least recently used entries over the bounds. Too-heavy values are not kept. */
  set(key: K, value: V): void {
    const weight = this.weigh(value);
    this.delete(key);
    if (weight > this.maxWeight) return;
    this.map.set(key, { value, weight });
    this.total += weight;
    for (const [oldest, entry] of this.map) {
      if (this.map.size <= this.maxEntries && this.total <= this.maxWeight) break;
      this.map.delete(oldest);
      this.total -= entry.weight;
    }
  }

  delete(key: K): void {
    const hit = this.map.get(key);
    if (!hit) return;
    this.map.delete(key);
    this.total -= hit.weight;
  }
}
