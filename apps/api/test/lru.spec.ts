import { describe, expect, it } from 'vitest';
import { Lru } from '../src/services/lru';

describe('Lru', () => {
  it('drops the least recently used entry once the entry count is reached', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3]);
  });

  it('with a byte bound, drops least recently used entries until the new one fits', () => {
    const lru = new Lru<string, Buffer>(1000, { maxBytes: 100, sizeOf: (k, v) => k.length + v.length });
    lru.set('a', Buffer.alloc(39)); // 40 bytes
    lru.set('b', Buffer.alloc(39)); // 80
    lru.get('a');
    lru.set('c', Buffer.alloc(39)); // 120 > 100: drops b, the least recently used
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.sizeBytes).toBe(80);
    lru.set('a', Buffer.alloc(9)); // replacing an entry releases its old bytes
    expect(lru.sizeBytes).toBe(50);
  });

  it('does not store an entry larger than the whole byte bound (and keeps the others)', () => {
    const lru = new Lru<string, Buffer>(1000, { maxBytes: 100, sizeOf: (k, v) => k.length + v.length });
    lru.set('a', Buffer.alloc(10));
    lru.set('huge', Buffer.alloc(200));
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.size).toBe(1);
  });
});
