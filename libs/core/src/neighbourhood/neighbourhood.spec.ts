import { describe, expect, it } from 'vitest';
import { indexRatings } from '../factorization/mf-data';
import type { RatingTable } from '../movielens/types';
import { interactionGraph, type NeighbourBlock } from './interaction-graph';
import { rp3betaNeighbours, rp3betaRows, scoreByNeighbours } from './rp3beta';
import { similarUsersRows } from './user-cosine';

// A hand-made graph: 4 users (ids 10..13) x 5 movies (ids 1..5). R[u][m] = 1 when u rated m.
const R = [
  [1, 1, 0, 0, 1],
  [1, 0, 1, 0, 0],
  [1, 1, 1, 1, 0],
  [0, 1, 0, 1, 0],
];

function table(): RatingTable {
  const users: number[] = [];
  const movies: number[] = [];
  R.forEach((row, u) => row.forEach((x, m) => x && (users.push(10 + u), movies.push(1 + m))));
  const n = users.length;
  return { length: n, users: Int32Array.from(users), movies: Int32Array.from(movies), ratings: new Float32Array(n).fill(4), timestamps: new Uint32Array(n) };
}

/**
 * The dense reference: W = (Piu .^ alpha) (Pui .^ alpha) diag(pop .^ -beta), diagonal zeroed, with
 * Pui = R row-normalised (P(j|u)) and Piu = R^T row-normalised (P(u|i)): the paper's P^3_alpha
 * with beta, computed directly on the 5 x 5 matrix.
 */
function denseW(alpha: number, beta: number): number[][] {
  const users = R.length;
  const movies = R[0].length;
  const deg = R.map((row) => row.reduce((a, b) => a + b, 0));
  const pop = R[0].map((_, m) => R.reduce((a, row) => a + row[m], 0));
  const W: number[][] = [];
  for (let i = 0; i < movies; i++) {
    W.push([]);
    for (let j = 0; j < movies; j++) {
      let s = 0;
      for (let u = 0; u < users; u++) if (R[u][i] && R[u][j]) s += Math.pow(1 / pop[i], alpha) * Math.pow(1 / deg[u], alpha);
      W[i].push(i === j ? 0 : s * Math.pow(pop[j], -beta));
    }
  }
  return W;
}

/** Row i of a neighbour block as a dense row. */
function denseRow(b: NeighbourBlock, r: number, cols: number): number[] {
  const out = new Array<number>(cols).fill(0);
  for (let s = r * b.width; s < (r + 1) * b.width && b.ids[s] >= 0; s++) out[b.ids[s]] = b.scores[s];
  return out;
}

describe('rp3beta', () => {
  const graph = interactionGraph(indexRatings(table()));

  it('builds both directions of the rating graph', () => {
    expect([...graph.userPtr]).toEqual([0, 3, 5, 9, 11]);
    // Raters of movie index 1 (id 2): users 0, 2, 3, ascending.
    expect([...graph.movieUsers.subarray(graph.moviePtr[1], graph.moviePtr[2])]).toEqual([0, 2, 3]);
  });

  it('matches a hand-computed weight: alpha 1, beta 0 is the plain three-step walk', () => {
    // W[0][1]: movie 1 has raters {u0, u1, u2} (P(u|i) = 1/3); of them u0 (3 movies) and u2
    // (4 movies) rated movie 2: 1/3 * (1/3 + 1/4) = 7/36.
    const w = rp3betaNeighbours(graph, { alpha: 1, beta: 0, neighbours: 5 });
    expect(denseRow(w, 0, 5)[1]).toBeCloseTo(7 / 36, 6);
  });

  it('equals the dense computation for every weight when all neighbours are kept', () => {
    for (const [alpha, beta] of [[0.75, 0.6], [1, 0], [0.5, 1]]) {
      const ref = denseW(alpha, beta);
      const w = rp3betaNeighbours(graph, { alpha, beta, neighbours: 5 });
      for (let i = 0; i < 5; i++) {
        const row = denseRow(w, i, 5);
        for (let j = 0; j < 5; j++) expect(row[j]).toBeCloseTo(ref[i][j], 6);
      }
    }
  });

  it('keeps the largest weights of a row, best first, and blocks equal the whole', () => {
    const ref = denseW(0.75, 0.6);
    const w = rp3betaNeighbours(graph, { neighbours: 2 });
    for (let i = 0; i < 5; i++) {
      const want = ref[i].map((x, j) => [x, j]).filter(([x]) => x > 0).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 2).map(([, j]) => j);
      expect([...w.ids.subarray(i * 2, i * 2 + want.length)]).toEqual(want);
    }
    const block = rp3betaRows(graph, { neighbours: 2 }, 2, 4);
    expect([...block.ids]).toEqual([...w.ids.subarray(4, 8)]);
    expect([...block.scores]).toEqual([...w.scores.subarray(4, 8)]);
  });

  it('scores a user as the sum of the W rows of the movies they rated', () => {
    const ref = denseW(0.75, 0.6);
    const w = rp3betaNeighbours(graph, { neighbours: 5 });
    const out = new Float64Array(5);
    scoreByNeighbours(w, [0, 4], out);
    for (let j = 0; j < 5; j++) expect(out[j]).toBeCloseTo(ref[0][j] + ref[4][j], 6);
  });
});

describe('similar users', () => {
  const graph = interactionGraph(indexRatings(table()));

  it('ranks other users by the cosine of their binary rows, with the overlap', () => {
    // Reference: direct cosine of the rows of R.
    const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.sqrt(a.reduce((s, x) => s + x, 0) * b.reduce((s, x) => s + x, 0));
    const block = similarUsersRows(graph, 3, 0, 4);
    for (let u = 0; u < 4; u++) {
      const want = [0, 1, 2, 3].filter((v) => v !== u && cos(R[u], R[v]) > 0).map((v) => [cos(R[u], R[v]), v]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (let s = 0; s < want.length; s++) {
        expect(block.ids[u * 3 + s]).toBe(want[s][1]);
        expect(block.scores[u * 3 + s]).toBeCloseTo(want[s][0], 6);
      }
      for (let s = want.length; s < 3; s++) expect(block.ids[u * 3 + s]).toBe(-1);
    }
    // u0 = {1,2,5} and u2 = {1,2,3,4}: 2 movies in common, 2 / sqrt(12).
    expect(block.ids[0]).toBe(2);
    expect(block.common[0]).toBe(2);
    expect(block.scores[0]).toBeCloseTo(2 / Math.sqrt(12), 6);
    // u1 = {1,3} and u3 = {2,4} share nothing: not listed.
    expect([...block.ids.subarray(3, 6)]).not.toContain(3);
  });
});
