import { describe, expect, it } from 'vitest';
import { allocateRatingTable, concatPackedRatings, packedCount, packRatings, unpackRatings, unpackRatingsInto, PACKED_HEADER_BYTES } from './packing';
import type { RatingTable } from './types';

/** A table of `n` ratings with distinct, recognisable values per column. */
function sample(n: number): RatingTable {
  const t = allocateRatingTable(n);
  for (let i = 0; i < n; i++) {
    t.users[i] = i + 1;
    t.movies[i] = -(i * 7) - 3; // negative ids survive: the column is signed
    t.ratings[i] = ((i % 10) + 1) / 2; // 0.5 .. 5 in half steps
    t.timestamps[i] = 4_000_000_000 - i; // above 2^31: the column is unsigned
  }
  t.length = n;
  return t;
}

describe('packRatings / unpackRatings', () => {
  it('round-trips every column exactly, including half stars and timestamps above 2^31', () => {
    const t = sample(1000);
    const back = unpackRatings(packRatings(t));
    expect(back.length).toBe(1000);
    expect(Array.from(back.users)).toEqual(Array.from(t.users));
    expect(Array.from(back.movies)).toEqual(Array.from(t.movies));
    expect(Array.from(back.ratings)).toEqual(Array.from(t.ratings));
    expect(Array.from(back.timestamps)).toEqual(Array.from(t.timestamps));
  });

  it('writes the documented layout: 16-byte header, then 13 bytes per rating, little-endian', () => {
    const buf = packRatings(sample(3), 1, 3);
    expect(buf.byteLength).toBe(PACKED_HEADER_BYTES + 13 * 2);
    expect(Buffer.from(buf.subarray(0, 4)).toString('latin1')).toBe('MLR1');
    const view = new DataView(buf.buffer, buf.byteOffset);
    expect(view.getUint32(8, true)).toBe(2);
    expect(view.getInt32(16, true)).toBe(2); // users[1]
    expect(view.getInt32(24, true)).toBe(-10); // movies[1]
    expect(view.getUint32(32, true)).toBe(3_999_999_999); // timestamps[1]
    expect(buf[40]).toBe(2); // ratings[1] = 1 star = 2 half stars
  });

  it('unpacks from an unaligned Buffer slice (as a pooled network buffer may be)', () => {
    const packed = packRatings(sample(50));
    const backing = new Uint8Array(packed.byteLength + 3);
    backing.set(packed, 3);
    const back = unpackRatings(backing.subarray(3));
    expect(Array.from(back.users)).toEqual(Array.from(sample(50).users));
    expect(Array.from(back.timestamps)).toEqual(Array.from(sample(50).timestamps));
  });

  it('concatenates chunks in order into one table sized from the headers', () => {
    const t = sample(10);
    const chunks = [packRatings(t, 0, 4), packRatings(t, 4, 4), packRatings(t, 4, 10)];
    const all = concatPackedRatings(chunks);
    expect(all.length).toBe(10);
    expect(all.users.length).toBe(10);
    expect(Array.from(all.movies)).toEqual(Array.from(t.movies));
  });

  it('rejects ratings that are not half stars, bad magic and truncated chunks', () => {
    const t = sample(2);
    t.ratings[1] = 3.3;
    expect(() => packRatings(t)).toThrow(/index 1 is not a multiple of 0.5/);
    const good = packRatings(sample(2));
    const bad = good.slice();
    bad[0] = 0;
    expect(() => packedCount(bad)).toThrow(/bad magic/);
    expect(() => unpackRatings(good.subarray(0, good.byteLength - 1))).toThrow(/expected 42/);
    expect(() => unpackRatingsInto(good, allocateRatingTable(1), 0)).toThrow(/target holds 1/);
  });
});
