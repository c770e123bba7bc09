/** Byte bound of an {@link Lru}: what the cache may hold in all, and what one entry costs. */
export interface LruBytes<K, V> {
  /** Largest total of `sizeOf` over the entries, bytes. */
  maxBytes: number;
  /** Estimated bytes one entry holds (key and value). */
  sizeOf: (key: K, value: V) => number;
}

/**
 * A small least-recently-used map: Map keeps insertion order, so re-inserting on read moves
 * an entry to the back and the oldest entry is always first. O(1) get and set (amortized:
 * one big entry may evict several small ones). Bounded by entry count, and optionally by
 * bytes, since a count alone lets large keys or values (e.g. URLs carrying kilobytes of
 * ignored query string) grow memory without bound.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private totalBytes = 0;

  /**
   * @param capacity - entries kept before the least recently used is dropped (>= 1)
   * @param bytes - optional byte bound; an entry larger than the whole bound is not stored
   */
  constructor(
    readonly capacity: number,
    private readonly bytes?: LruBytes<K, V>,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`LRU capacity must be >= 1, got ${capacity}`);
  }

  /** The value for `key` (marking it recently used), or undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /** Stores `value`, evicting least recently used entries until both bounds hold. */
  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.bytes?.sizeOf(key, value) ?? 0;
    if (this.bytes !== undefined && bytes > this.bytes.maxBytes) return;
    const maxBytes = this.bytes?.maxBytes ?? Infinity;
    while (this.map.size > 0 && (this.map.size >= this.capacity || this.totalBytes + bytes > maxBytes)) this.delete(this.map.keys().next().value as K);
    this.map.set(key, { value, bytes });
    this.totalBytes += bytes;
  }

  /** Number of entries held. */
  get size(): number {
    return this.map.size;
  }

  /** Estimated bytes held (0 without a byte bound). */
  get sizeBytes(): number {
    return this.totalBytes;
  }

  /** Keys held, least recently used first (a copy: safe to remove while iterating). */
  keys(): K[] {
    return [...this.map.keys()];
  }

  /** Drops `key` if held. */
  remove(key: K): void {
    this.delete(key);
  }

  private delete(key: K): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.map.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
