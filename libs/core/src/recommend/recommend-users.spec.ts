import { describe, expect, it } from 'vitest';
import { truncatedSvd } from '../factorization/truncated-svd';
import { buildRatingMatrix } from '../sparse/rating-matrix';
import { lowRankTable } from '../sparse/rating-table.fixtures';
import { foldIn } from './fold-in';
import { recommendUsers } from './recommend-users';

const table = lowRankTable(80, 120, 0.25, 5, 0.4, 21);
const ratings = buildRatingMatrix(table);
const svd = truncatedSvd(ratings.matrix, { k: 12 });

/** Every unseen movie scored with the same arithmetic, then fully sorted (score desc, index asc). */
function bruteForce(user: number, n: number) {
  const { matrix, userMeans } = ratings;
  const seen = new Set(Array.from(matrix.indices.subarray(matrix.indptr[user], matrix.indptr[user + 1])));
  const all: { j: number; s: number }[] = [];
  for (let j = 0; j < matrix.cols; j++) {
    if (seen.has(j)) continue;
    let s = 0;
    for (let c = 0; c < svd.k; c++) s += svd.U[user * svd.k + c] * svd.S[c] * svd.V[j * svd.k + c];
    all.push({ j, s: userMeans[user] + s });
  }
  all.sort((a, b) => b.s - a.s || a.j - b.j);
  return all.slice(0, n);
}

describe('recommendUsers', () => {
  it('returns the brute-force top-n unseen movies per user, in shards that concatenate to the whole', () => {
    // Blocks of 9 users and tiles of 13 movies: neither divides the 80 x 120 matrix, so remainders are covered.
    const whole = recommendUsers(svd, ratings, { n: 15, blockSize: 9, tileSize: 13 });
    for (let u = 0; u < ratings.matrix.rows; u++) {
      const expected = bruteForce(u, 15);
      expect(Array.from(whole.movies.subarray(u * 15, u * 15 + 15))).toEqual(expected.map((e) => e.j));
      // float32 storage: 7 significant digits.
      expected.forEach((e, c) => expect(whole.scores[u * 15 + c]).toBeCloseTo(e.s, 5));
    }
    const a = recommendUsers(svd, ratings, { n: 15, rowStart: 0, rowEnd: 33 });
    const b = recommendUsers(svd, ratings, { n: 15, rowStart: 33, rowEnd: 80 });
    expect(Int32Array.from([...a.movies, ...b.movies])).toEqual(whole.movies);
  });

  it('never recommends a rated movie and pads with -1 when too few movies are unseen', () => {
    const r = recommendUsers(svd, ratings, { n: 120 });
    for (let u = 0; u < ratings.matrix.rows; u++) {
      const rated = ratings.matrix.indptr[u + 1] - ratings.matrix.indptr[u];
      const row = Array.from(r.movies.subarray(u * 120, u * 120 + 120));
      const seen = new Set(Array.from(ratings.matrix.indices.subarray(ratings.matrix.indptr[u], ratings.matrix.indptr[u + 1])));
      expect(row.filter((j) => j >= 0 && seen.has(j))).toEqual([]);
      expect(row.filter((j) => j === -1).length).toBe(rated);
    }
  });
});

describe('foldIn', () => {
  const factors = { movieIds: ratings.movieIds, k: svd.k, V: svd.V, S: svd.S, globalMean: ratings.globalMean };

  it("reproduces an existing user's U row and recommendations from that user's own ratings", () => {
    for (const user of [0, 17, 55]) {
      const input = [];
      for (let p = ratings.matrix.indptr[user]; p < ratings.matrix.indptr[user + 1]; p++) {
        input.push({ movieId: ratings.movieIds[ratings.matrix.indices[p]], rating: ratings.matrix.values[p] + ratings.userMeans[user] });
      }
      const result = foldIn(factors, input, { n: 10 });
      expect(result.mean).toBeCloseTo(ratings.userMeans[user], 10);
      // A V = U Sigma holds to the SVD's subspace accuracy (~1e-5 at tolerance 1e-10).
      for (let c = 0; c < svd.k; c++) expect(result.userVector[c]).toBeCloseTo(svd.U[user * svd.k + c], 4);
      const expected = bruteForce(user, 10);
      expect(result.recommendations.map((r) => r.movieId)).toEqual(expected.map((e) => ratings.movieIds[e.j]));
      result.recommendations.forEach((r, c) => expect(r.score).toBeCloseTo(expected[c].s, 4));
    }
  });

  it('treats liked movies as high ratings against the global mean and reports unknown ids', () => {
    const liked = [ratings.movieIds[3], ratings.movieIds[8]];
    const result = foldIn(factors, [{ movieId: 999_999 }, ...liked.map((movieId) => ({ movieId }))], { n: 5 });
    expect(result.unknownMovieIds).toEqual([999_999]);
    expect(result.mean).toBe(ratings.globalMean);
    expect(result.recommendations).toHaveLength(5);
    expect(result.recommendations.map((r) => r.movieId)).not.toContain(liked[0]);
    // Liking movie 3 alone makes movie 3's own predicted direction positive: u Sigma . V_3 > 0.
    const single = foldIn(factors, [{ movieId: liked[0] }], { n: ratings.movieIds.length });
    const weightedSelf = single.userVector.reduce((s, u, c) => s + u * svd.S[c] * svd.V[3 * svd.k + c], 0);
    expect(weightedSelf).toBeGreaterThan(0);
    expect(single.recommendations).toHaveLength(ratings.movieIds.length - 1);
  });
});
