/**
 * A user's stored list of most similar users: three columns of equal length n,
 *
 *   Int32 userIds[n] | Float32 scores[n] | Int32 common[n]      (12n bytes, most similar first)
 *
 * so one HGET and one copy give the answer of `GET /users/:id/similar`.
 */

/** One similar user as stored. */
export interface SimilarUser {
  /** MovieLens user id. */
  userId: number;
  /** Cosine similarity of the two users' binary rating rows, 0..1. */
  score: number;
  /** Movies both rated. */
  common: number;
}

/** Packs one user's list (parallel arrays, most similar first). */
export function packSimilarUsers(userIds: Int32Array, scores: Float32Array, common: Int32Array): Buffer {
  const n = userIds.length;
  const out = Buffer.allocUnsafe(12 * n);
  Buffer.from(userIds.buffer, userIds.byteOffset, 4 * n).copy(out, 0);
  Buffer.from(scores.buffer, scores.byteOffset, 4 * n).copy(out, 4 * n);
  Buffer.from(common.buffer, common.byteOffset, 4 * n).copy(out, 8 * n);
  return out;
}

/** Decodes a list packed by {@link packSimilarUsers}. @throws RangeError when the length is not a multiple of 12 bytes */
export function unpackSimilarUsers(buf: Buffer): SimilarUser[] {
  if (buf.length % 12 !== 0) throw new RangeError(`a similar-users list of ${buf.length} bytes (not a multiple of 12)`);
  const n = buf.length / 12;
  const out: SimilarUser[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { userId: buf.readInt32LE(4 * i), score: buf.readFloatLE(4 * (n + i)), common: buf.readInt32LE(4 * (2 * n + i)) };
  return out;
}
