/**
 * SVD++-style implicit feedback for the Gibbs sampler (`mf-gibbs.ts`): which movies a user rated
 * says something about their taste beyond the stars (Koren, KDD 2008). Each movie j gets a
 * second vector y_j, and the user's vector seen by the movies becomes
 *
 *   p_u = u_u + c_u sum_{j in N(u)} y_j,      c_u = |N(u)|^-1/2,  N(u) = the movies u rated
 *
 * The y_j get their own Normal-Wishart prior and are drawn exactly from their Gaussian
 * conditional, as Bayesian SVD++ in libFM's MCMC (Rendle 2012). Naively each y_j touches every
 * rating of every user who rated j (sum over users of |N(u)|^2 terms); here the conditional is
 * written with two per-user summaries of the current movie vectors, which makes a sweep
 * O(ratings x D^2) like the rest of the sampler:
 *
 *   S_u = sum_{i in N(u)} v_i v_i^T       (D x D)
 *   g_u = sum_{i in N(u)} v_i e_ui        (D), e_ui = r_ui - mu - b_u - b_i - p_u . v_i
 *
 *   precision of y_j:  Lambda_y + alpha sum_{u rated j} c_u^2 S_u
 *   its linear term:   Lambda_y mu_y + alpha sum_{u rated j} (c_u g_u + c_u^2 S_u y_j)
 *
 * After y_j moves by delta, every user who rated j has p_u += c_u delta and g_u -= c_u S_u delta,
 * which keeps the summaries exact for the next movie's draw (a true Gibbs sweep, not a
 * stale-summary approximation).
 *
 * The class is written for users with one y per movie; constructed with the sides swapped it
 * gives each movie a term from the users who rated it ("flipped" SVD++, which on ML-100K pays
 * more than the user side: docs/EVALUATION.md).
 */
import type { Random } from '../random';
import { cholesky, solveLower, solveLowerTransposed } from './mf-gibbs-math';
import { identityPrior, initialVectors, sampleHyper, type Side, type VectorGroup, type Workspace } from './mf-gibbs-side';

/** The implicit-feedback vectors y_j (one per movie) and the per-user summaries of their conditional. */
export class ImplicitFactors {
  /** y_j by movie index (movies x D) with their hyperparameters. */
  readonly group: VectorGroup;
  private readonly d: number;
  /** c_u = |N(u)|^-1/2 by user index. */
  private readonly norm: Float64Array;
  /** S_u by user, users x D x D, row-major, full (both triangles); shared memory, written by `summariseRows` on any thread. */
  readonly gram: Float64Array;
  /** g_u by user, users x D; shared memory, as `gram`. */
  readonly grad: Float64Array;

  /**
   * Draws the starting y_j and gives `users` its implicit term: `users.offset` (c_u sum y_j) and
   * `users.effective` (vectors + offset) become arrays of their own.
   */
  constructor(users: Side, movies: number, d: number, random: Random) {
    this.d = d;
    this.group = { count: movies, vectors: initialVectors(movies, d, random), ...identityPrior(d) };
    this.norm = new Float64Array(users.count);
    this.gram = new Float64Array(new SharedArrayBuffer(users.count * d * d * 8));
    this.grad = new Float64Array(new SharedArrayBuffer(users.count * d * 8));
    // Shared memory: the sampler's helper threads read both while they draw the user vectors.
    const offset = new Float64Array(new SharedArrayBuffer(users.count * d * 8));
    const y = this.group.vectors;
    for (let u = 0; u < users.count; u++) {
      const c = 1 / Math.sqrt(users.start[u + 1] - users.start[u]);
      this.norm[u] = c;
      for (let p = users.start[u]; p < users.start[u + 1]; p++) {
        const o = users.other[p] * d;
        for (let k = 0; k < d; k++) offset[u * d + k] += c * y[o + k];
      }
    }
    users.offset = offset;
    users.effective = new Float64Array(new SharedArrayBuffer(offset.length * 8));
    for (let k = 0; k < offset.length; k++) users.effective[k] = users.vectors[k] + offset[k];
  }

  /**
   * One Gibbs pass over the implicit part: the hyperparameters of y, then every y_j given the
   * user vectors, the movie vectors and both sides' biases. Updates `users.offset` and
   * `users.effective` as it goes.
   */
  sample(users: Side, movies: Side, alpha: number, random: Random, w: Workspace): void {
    this.summarise(users, movies);
    this.sampleSummarised(users, movies, alpha, random, w);
  }

  /** `sample` after the summaries are up to date (the sampler computes them on several threads: `mf-gibbs-pool.ts`). */
  sampleSummarised(users: Side, movies: Side, alpha: number, random: Random, w: Workspace): void {
    const { d, norm, gram, grad } = this;
    const offset = users.offset;
    if (offset === null) throw new Error('ImplicitFactors.sample: the user side has no implicit term');
    sampleHyper(this.group, d, random, w);
    const { a, l, b } = w;
    const y = this.group.vectors;
    const delta = w.z;
    for (let j = 0; j < movies.count; j++) {
      const yo = j * d;
      this.conditional(j, movies, alpha, a, b);
      cholesky(a, d, l);
      solveLower(l, d, b);
      for (let k = 0; k < d; k++) b[k] += random.gaussian();
      solveLowerTransposed(l, d, b);
      for (let k = 0; k < d; k++) {
        delta[k] = b[k] - y[yo + k];
        y[yo + k] = b[k];
      }
      for (let p = movies.start[j]; p < movies.start[j + 1]; p++) {
        const u = movies.other[p];
        const c = norm[u];
        const go = u * d;
        const so = u * d * d;
        for (let r = 0; r < d; r++) {
          let sd = 0;
          for (let k = 0; k < d; k++) sd += gram[so + r * d + k] * delta[k];
          grad[go + r] -= c * sd;
          offset[go + r] += c * delta[r];
          users.effective[go + r] += c * delta[r];
        }
      }
    }
  }

  /**
   * The Gaussian conditional of y_j in canonical form, from the current summaries: writes its
   * precision into `a` (D x D) and its linear term into `b` (D), so that the mean is a^-1 b.
   * Public so that a test can compare it with the same conditional built from every rating.
   */
  conditional(j: number, movies: Side, alpha: number, a: Float64Array, b: Float64Array): void {
    const { d, norm, gram, grad } = this;
    const { precision, mean, vectors: y } = this.group;
    const yo = j * d;
    // Data part first, lower triangle only: D^2 / 2 per rating instead of D^2, the inner loop of a sweep.
    a.fill(0);
    b.fill(0);
    for (let p = movies.start[j]; p < movies.start[j + 1]; p++) {
      const u = movies.other[p];
      const c = norm[u];
      const ac2 = alpha * c * c;
      const go = u * d;
      const so = u * d * d;
      for (let r = 0; r < d; r++) {
        b[r] += alpha * c * grad[go + r];
        for (let k = 0; k <= r; k++) a[r * d + k] += ac2 * gram[so + r * d + k];
      }
    }
    for (let r = 0; r < d; r++) for (let k = 0; k < r; k++) a[k * d + r] = a[r * d + k];
    // sum c_u^2 S_u y_j is (the data part of a) y_j: one product per movie, not one per rating.
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[r * d + k] * y[yo + k] + precision[r * d + k] * mean[k];
      b[r] += s;
    }
    for (let k = 0; k < d * d; k++) a[k] += precision[k];
  }

  /** Computes S_u and g_u for every user from the current vectors and biases (`sample` starts with it). O(ratings x D^2). */
  summarise(users: Side, movies: Side): void {
    summariseRows(users, movies, this.d, this.gram, this.grad, 0, users.count);
  }
}

/**
 * S_u and g_u (see `ImplicitFactors`) of users `from .. to-1` into `gram` and `grad`. Each user's
 * summaries depend on that user's ratings only, so ranges can be computed on any thread with the
 * same result bit for bit.
 */
export function summariseRows(users: Side, movies: Side, d: number, gram: Float64Array, grad: Float64Array, from: number, to: number): void {
  const p = users.effective;
  const v = movies.effective;
  gram.fill(0, from * d * d, to * d * d);
  grad.fill(0, from * d, to * d);
  for (let u = from; u < to; u++) {
    const uo = u * d;
    const so = u * d * d;
    for (let q = users.start[u]; q < users.start[u + 1]; q++) {
      const i = users.other[q];
      const io = i * d;
      let e = users.values[q] - users.bias[u] - movies.bias[i];
      for (let k = 0; k < d; k++) e -= p[uo + k] * v[io + k];
      for (let r = 0; r < d; r++) {
        const vr = v[io + r];
        grad[uo + r] += e * vr;
        for (let c = 0; c <= r; c++) gram[so + r * d + c] += vr * v[io + c];
      }
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) gram[so + c * d + r] = gram[so + r * d + c];
  }
}
