/**
 * Binary layout of a ratings chunk as stored in Redis (one string value per chunk).
 *
 * Columnar and little-endian, so a chunk unpacks with bulk typed-array copies instead of
 * per-rating parsing, and the 4-byte columns come first so they stay 4-byte aligned:
 *
 *   offset        size  field
 *   0             4     magic `MLR1` (ASCII)
 *   4             2     layout version (uint16, currently 1)
 *   6             2     reserved, 0
 *   8             4     count n (uint32)
 *   12            4     reserved, 0 (keeps the columns 16-byte aligned)
 *   16            4n    user ids      (int32)
 *   16 + 4n       4n    movie ids     (int32)
 *   16 + 8n       4n    timestamps    (uint32, seconds since the epoch)
 *   16 + 12n      n     ratings       (uint8, stars * 2: half stars, so 0.5..127.5 fit exactly)
 *
 * Total 16 + 13n bytes: 131,072 ratings take 1.6 MiB, ML-1M (1,000,209 ratings) 12.4 MiB.
 */
import type { RatingTable } from './types';

/** Bytes of the chunk header. */
export const PACKED_HEADER_BYTES = 16;
/** Bytes per rating in a packed chunk (4 + 4 + 4 + 1). */
export const PACKED_BYTES_PER_RATING = 13;
/** Current layout version written by {@link packRatings}. */
export const PACKED_LAYOUT_VERSION = 1;
const MAGIC = 0x3152_4c4d; // 'MLR1' read as a little-endian uint32

// Typed-array views use the platform's byte order; the layout is little-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * An empty rating table with room for `capacity` ratings (`length` 0). `shared`: the columns
 * live in SharedArrayBuffers, so worker threads read the table without a copy each.
 */
export function allocateRatingTable(capacity: number, shared = false): RatingTable {
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    length: 0,
    users: new Int32Array(buffer(4 * capacity)),
    movies: new Int32Array(buffer(4 * capacity)),
    ratings: new Float32Array(buffer(4 * capacity)),
    timestamps: new Uint32Array(buffer(4 * capacity)),
  };
}

/**
 * Packs ratings `start` (inclusive) to `end` (exclusive) of `table` into one chunk.
 * Throws RangeError when a rating is not a multiple of 0.5 in 0..127.5 (the uint8 column).
 * @param start - first index; default 0
 * @param end - end index; default `table.length`
 */
export function packRatings(table: RatingTable, start = 0, end = table.length): Uint8Array {
  if (start < 0 || end > table.length || start > end) throw new RangeError(`bad range ${start}..${end} of ${table.length} ratings`);
  const n = end - start;
  const buf = new Uint8Array(PACKED_HEADER_BYTES + PACKED_BYTES_PER_RATING * n);
  const view = new DataView(buf.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, PACKED_LAYOUT_VERSION, true);
  view.setUint32(8, n, true);
  const usersAt = PACKED_HEADER_BYTES;
  const moviesAt = usersAt + 4 * n;
  const timesAt = moviesAt + 4 * n;
  const ratingsAt = timesAt + 4 * n;
  if (LITTLE_ENDIAN) {
    // Fresh buffer: every offset is a multiple of 4, so aligned views are allowed.
    new Int32Array(buf.buffer, usersAt, n).set(table.users.subarray(start, end));
    new Int32Array(buf.buffer, moviesAt, n).set(table.movies.subarray(start, end));
    new Uint32Array(buf.buffer, timesAt, n).set(table.timestamps.subarray(start, end));
  } else {
    for (let i = 0; i < n; i++) {
      view.setInt32(usersAt + 4 * i, table.users[start + i], true);
      view.setInt32(moviesAt + 4 * i, table.movies[start + i], true);
      view.setUint32(timesAt + 4 * i, table.timestamps[start + i], true);
    }
  }
  const ratings = table.ratings;
  for (let i = 0; i < n; i++) {
    const half = ratings[start + i] * 2;
    if (!(half >= 0 && half <= 255 && half === Math.round(half))) throw new RangeError(`rating ${ratings[start + i]} at index ${start + i} is not a multiple of 0.5 in 0..127.5`);
    buf[ratingsAt + i] = half;
  }
  return buf;
}

/** Number of ratings in a packed chunk; throws RangeError on a bad header or size. */
export function packedCount(buf: Uint8Array): number {
  if (buf.byteLength < PACKED_HEADER_BYTES) throw new RangeError(`packed ratings chunk too short: ${buf.byteLength} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, PACKED_HEADER_BYTES);
  if (view.getUint32(0, true) !== MAGIC) throw new RangeError('not a packed ratings chunk (bad magic)');
  const version = view.getUint16(4, true);
  if (version !== PACKED_LAYOUT_VERSION) throw new RangeError(`unsupported packed ratings layout version ${version}`);
  const n = view.getUint32(8, true);
  if (buf.byteLength !== PACKED_HEADER_BYTES + PACKED_BYTES_PER_RATING * n) throw new RangeError(`packed ratings chunk of ${n} ratings has ${buf.byteLength} bytes, expected ${PACKED_HEADER_BYTES + PACKED_BYTES_PER_RATING * n}`);
  return n;
}

/** Copies `n` 4-byte little-endian values at `byteAt` of `buf` into `out` from `at`. */
function copyColumn(buf: Uint8Array, byteAt: number, n: number, out: Int32Array | Uint32Array, at: number): void {
  const absolute = buf.byteOffset + byteAt;
  if (LITTLE_ENDIAN && absolute % 4 === 0) {
    // Aligned (the common case for buffers Redis clients allocate): one memcpy.
    if (out instanceof Int32Array) out.set(new Int32Array(buf.buffer, absolute, n), at);
    else out.set(new Uint32Array(buf.buffer, absolute, n), at);
    return;
  }
  if (LITTLE_ENDIAN) {
    // Unaligned slice of a pooled buffer: copy the bytes into the target's own memory.
    new Uint8Array(out.buffer, out.byteOffset + 4 * at, 4 * n).set(buf.subarray(byteAt, byteAt + 4 * n));
    return;
  }
  const view = new DataView(buf.buffer, absolute, 4 * n);
  const signed = out instanceof Int32Array;
  for (let i = 0; i < n; i++) out[at + i] = signed ? view.getInt32(4 * i, true) : view.getUint32(4 * i, true);
}

/**
 * Unpacks one chunk into `target` starting at index `at` (the caller guarantees capacity);
 * returns the number of ratings written. `target.length` is not changed.
 */
export function unpackRatingsInto(buf: Uint8Array, target: RatingTable, at: number): number {
  const n = packedCount(buf);
  if (at + n > target.users.length) throw new RangeError(`target holds ${target.users.length} ratings, chunk needs ${at + n}`);
  const usersAt = PACKED_HEADER_BYTES;
  copyColumn(buf, usersAt, n, target.users, at);
  copyColumn(buf, usersAt + 4 * n, n, target.movies, at);
  copyColumn(buf, usersAt + 8 * n, n, target.timestamps, at);
  const ratingsAt = usersAt + 12 * n;
  const ratings = target.ratings;
  for (let i = 0; i < n; i++) ratings[at + i] = buf[ratingsAt + i] * 0.5;
  return n;
}

/** Unpacks one chunk into a new rating table of exactly its size. */
export function unpackRatings(buf: Uint8Array): RatingTable {
  const table = allocateRatingTable(packedCount(buf));
  table.length = unpackRatingsInto(buf, table, 0);
  return table;
}

/**
 * Unpacks chunks, in order, into one rating table. The columns are allocated once at the
 * total size (read from the headers) and each chunk is copied straight into place, so no
 * per-chunk tables or intermediate concatenations are created.
 */
export function concatPackedRatings(chunks: readonly Uint8Array[]): RatingTable {
  let total = 0;
  for (const chunk of chunks) total += packedCount(chunk);
  const table = allocateRatingTable(total);
  for (const chunk of chunks) table.length += unpackRatingsInto(chunk, table, table.length);
  return table;
}

/** How many chunks of `chunkSize` ratings hold `count` ratings (at least 0). */
export function chunkCount(count: number, chunkSize: number): number {
  return Math.ceil(count / chunkSize);
}
