/**
 * INTERIM: stand-ins for the similarity / recommendation / statistics functions that
 * @movielens/core is getting (similarity/, recommend/, analytics/). Same method (cosine top-k
 * of V*Sigma, per-user top-n of predicted ratings), simple code. Replaced by the core
 * functions as soon as they land; nothing outside tasks.ts may import this file.
 */

/** Scaled movie vectors V * diag(S), movies x k, row-major. */
export function movieVectors(V: Float64Array, S: Float64Array, k: number): Float64Array {
  const out = new Float64Array(V.length);
  for (let i = 0; i < V.length; i++) out[i] = V[i] * S[i % k];
  return out;
}

/** Keeps the best `n` (score desc, index asc) of a stream of candidates. */
class TopN {
  readonly idx: Int32Array;
  readonly score: Float64Array;
  size = 0;
  constructor(readonly n: number) {
    this.idx = new Int32Array(n);
    this.score = new Float64Array(n);
  }
  /** Candidates arrive in ascending index, so an equal score never displaces. */
  push(i: number, s: number): void {
    if (this.size === this.n && !(s > this.score[this.size - 1])) return;
    let p = this.size < this.n ? this.size++ : this.size - 1;
    while (p > 0 && this.score[p - 1] < s) {
      this.score[p] = this.score[p - 1];
      this.idx[p] = this.idx[p - 1];
      p--;
    }
    this.score[p] = s;
    this.idx[p] = i;
  }
}

/** Cosine top-n neighbours of rows [rowStart, rowEnd): dense indices (-1 padded) and scores. */
export function topKSimilar(vectors: Float64Array, k: number, o: { n: number; rowStart: number; rowEnd: number; counts: Int32Array; minCount: number }) {
  const rows = vectors.length / k;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += vectors[r * k + c] ** 2;
    norms[r] = Math.sqrt(s);
  }
  const count = o.rowEnd - o.rowStart;
  const neighbours = new Int32Array(count * o.n).fill(-1);
  const scores = new Float32Array(count * o.n);
  for (let r = o.rowStart; r < o.rowEnd; r++) {
    const top = new TopN(o.n);
    for (let j = 0; j < rows; j++) {
      if (j === r || o.counts[j] < o.minCount || norms[j] === 0 || norms[r] === 0) continue;
      let d = 0;
      for (let c = 0; c < k; c++) d += vectors[r * k + c] * vectors[j * k + c];
      top.push(j, d / (norms[r] * norms[j]));
    }
    const base = (r - o.rowStart) * o.n;
    for (let t = 0; t < top.size; t++) {
      neighbours[base + t] = top.idx[t];
      scores[base + t] = top.score[t];
    }
  }
  return { neighbours, scores };
}

/** Top-n unrated movies of each user of a block by predicted rating mean + U_u . (V Sigma)_m. */
export function recommendUsers(o: { U: Float64Array; means: Float64Array; indptr: Int32Array; indices: Int32Array; vectors: Float64Array; k: number; n: number }) {
  const users = o.means.length;
  const movies = o.vectors.length / o.k;
  const items = new Int32Array(users * o.n).fill(-1);
  const scores = new Float32Array(users * o.n);
  const rated = new Uint8Array(movies);
  for (let u = 0; u < users; u++) {
    for (let p = o.indptr[u]; p < o.indptr[u + 1]; p++) rated[o.indices[p]] = 1;
    const top = new TopN(o.n);
    for (let m = 0; m < movies; m++) {
      if (rated[m]) continue;
      let d = o.means[u];
      for (let c = 0; c < o.k; c++) d += o.U[u * o.k + c] * o.vectors[m * o.k + c];
      top.push(m, d);
    }
    for (let p = o.indptr[u]; p < o.indptr[u + 1]; p++) rated[o.indices[p]] = 0;
    for (let t = 0; t < top.size; t++) {
      items[u * o.n + t] = top.idx[t];
      scores[u * o.n + t] = top.score[t];
    }
  }
  return { items, scores };
}
