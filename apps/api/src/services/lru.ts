/**
 * A small least-recently-used map: Map keeps insertion order, so re-inserting on read moves
 * an entry to the back and the oldest entry is always first. O(1) get and set.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  /** @param capacity - entries kept before the least recently used is dropped (>= 1) */
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`LRU capacity must be >= 1, got ${capacity}`);
  }

  /** The value for `key` (marking it recently used), or undefined when absent. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, value);
  }

  /** Number of entries held. */
  get size(): number {
    return this.map.size;
  }
}
