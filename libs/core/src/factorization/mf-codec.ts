import { InputError } from '../errors';
import type { MfModel } from './mf';

/**
 * One-buffer binary form of an `MfModel`, for Redis or a file:
 *
 *   bytes 0..3   magic "MFM1"
 *   bytes 4..7   Uint32 length L of the JSON header
 *   bytes 8..    JSON header { factors, mu, minRating, maxRating, users, movies }, space-padded
 *                so that the arrays start on an 8-byte boundary
 *   then         Int32 userIds[users] | Int32 movieIds[movies] | Float32 userBias[users] |
 *                Float32 movieBias[movies] | Float32 P[users x factors] | Float32 Q[movies x factors]
 *
 * Numbers are little-endian (the byte order of every platform Node runs on): the arrays are
 * copied as raw typed-array bytes, so decoding is a few memcpy, no parsing.
 */
const MAGIC = 'MFM1';

interface Header {
  factors: number;
  mu: number;
  minRating: number;
  maxRating: number;
  users: number;
  movies: number;
}

/**
 * The JSON header, checked field by field (this pure library has no schema library): a header of
 * another shape (corrupt bytes, another codec version) is refused rather than trusted, so a
 * string `mu` or a fractional count cannot become a wrong model.
 */
function readHeader(json: string, fail: (reason: string) => InputError): Header {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new InputError('not an MF model buffer: unreadable header', [], { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('the header is not a JSON object');
  const field = (name: keyof Header, count: boolean): number => {
    const v: unknown = Reflect.get(value, name);
    if (typeof v !== 'number' || !Number.isFinite(v) || (count && (!Number.isInteger(v) || v < 0))) throw fail(`header field ${name} is ${JSON.stringify(v) ?? 'absent'}, not ${count ? 'a count' : 'a number'}`);
    return v;
  };
  return { factors: field('factors', true), mu: field('mu', false), minRating: field('minRating', false), maxRating: field('maxRating', false), users: field('users', true), movies: field('movies', true) };
}

/** Encodes a model into one byte buffer (layout above). */
export function encodeMf(model: MfModel): Uint8Array {
  const users = model.userIds.length;
  const movies = model.movieIds.length;
  const header: Header = { factors: model.factors, mu: model.mu, minRating: model.minRating, maxRating: model.maxRating, users, movies };
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const arrays = [model.userIds, model.movieIds, model.userBias, model.movieBias, model.P, model.Q];
  const total = 8 + json.length + arrays.reduce((s, a) => s + a.byteLength, 0);
  const out = new Uint8Array(total);
  for (let k = 0; k < 4; k++) out[k] = MAGIC.charCodeAt(k);
  new DataView(out.buffer).setUint32(4, json.length, true);
  for (let k = 0; k < json.length; k++) out[8 + k] = json.charCodeAt(k);
  let offset = 8 + json.length;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

/**
 * Decodes a buffer written by `encodeMf`. The arrays are copies (safe to keep after the input
 * buffer is reused). Throws InputError naming what is wrong for a foreign or truncated buffer.
 */
export function decodeMf(bytes: Uint8Array): MfModel {
  const fail = (reason: string) => new InputError(`not an MF model buffer: ${reason}`, [{ file: 'mf model', line: 0, reason }]);
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== MAGIC) throw fail(`missing magic ${MAGIC}`);
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + jsonLength > bytes.length) throw fail('header longer than the buffer');
  const header = readHeader(new TextDecoder('latin1').decode(bytes.subarray(8, 8 + jsonLength)), fail);
  const { factors, users, movies } = header;
  const counts = [users, movies, users, movies, users * factors, movies * factors];
  const expected = 8 + jsonLength + counts.reduce((s, c) => s + 4 * c, 0);
  if (bytes.length !== expected) throw fail(`expected ${expected} bytes, got ${bytes.length}`);
  let offset = 8 + jsonLength;
  const take = <T>(make: (buf: ArrayBuffer) => T, count: number): T => {
    // Uint8Array's slice, not the argument's own: a Node Buffer's slice is a view into a shared
    // pool, whose .buffer would start somewhere else (and need not be 4-byte aligned).
    const copy = Uint8Array.prototype.slice.call(bytes, offset, offset + 4 * count);
    offset += 4 * count;
    return make(copy.buffer);
  };
  return {
    factors,
    mu: header.mu,
    minRating: header.minRating,
    maxRating: header.maxRating,
    userIds: take((b) => new Int32Array(b), users),
    movieIds: take((b) => new Int32Array(b), movies),
    userBias: take((b) => new Float32Array(b), users),
    movieBias: take((b) => new Float32Array(b), movies),
    P: take((b) => new Float32Array(b), users * factors),
    Q: take((b) => new Float32Array(b), movies * factors),
  };
}
