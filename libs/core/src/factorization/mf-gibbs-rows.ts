/**
 * The row draws of one half-sweep of the Gibbs sampler (`mf-gibbs.ts`): every vector of one side
 * given the other side. Rows are independent given the other side and the hyperparameters, so
 * any range of rows can be drawn by any thread (`mf-gibbs-pool.ts`). Each row draws its noise
 * from its own stream, named by (seed, sweep, side, row), so the model is the same bit for bit
 * whichever thread drew which row, and with one thread or many.
 */
import type { Random } from '../random';
import { cholesky, solveLower, solveLowerTransposed } from './mf-gibbs-math';
import type { Side, Workspace } from './mf-gibbs-side';

/** Which side a half-sweep draws, the third word of a row's random stream. */
export const USER_SIDE = 0;
/** See `USER_SIDE`. */
export const MOVIE_SIDE = 1;

/** What names the random streams of one half-sweep: the trainer's seed, the sweep (1-based) and the side. */
export interface HalfSweep {
  seed: number;
  sweep: number;
  side: typeof USER_SIDE | typeof MOVIE_SIDE;
}

/**
 * Draws vectors `from .. to-1` of `side` from their Gaussian conditionals given the other side's
 * effective vectors v: precision A = Lambda + alpha sum v v^T, mean = A^-1 (Lambda mu + alpha sum
 * r v), where r is the rating less both biases and less this side's implicit term . v (if any).
 * With A = L L^T the draw is L^-T (L^-1 b + z), z ~ N(0, I), z from the row's own stream
 * (`random` is reseeded per row; its previous state is irrelevant).
 */
export function drawRows(side: Side, other: Side, d: number, alpha: number, from: number, to: number, names: HalfSweep, random: Random, w: Workspace): void {
  const { a, l, b } = w;
  const otherVectors = other.effective;
  const offset = side.offset;
  for (let i = from; i < to; i++) {
    const o = i * d;
    for (let k = 0; k < d * d; k++) a[k] = side.precision[k];
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += side.precision[r * d + c] * side.mean[c];
      b[r] = s;
    }
    for (let p = side.start[i]; p < side.start[i + 1]; p++) {
      const q = side.other[p] * d;
      let r0 = side.values[p] - side.bias[i] - other.bias[side.other[p]];
      if (offset !== null) for (let k = 0; k < d; k++) r0 -= offset[o + k] * otherVectors[q + k];
      const rv = alpha * r0;
      for (let r = 0; r < d; r++) {
        const vr = otherVectors[q + r];
        b[r] += rv * vr;
        const avr = alpha * vr;
        for (let c = 0; c <= r; c++) a[r * d + c] += avr * otherVectors[q + c];
      }
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) a[c * d + r] = a[r * d + c];
    cholesky(a, d, l);
    solveLower(l, d, b);
    random.reseed(names.seed, names.sweep, names.side, i);
    for (let k = 0; k < d; k++) b[k] += random.gaussian();
    solveLowerTransposed(l, d, b);
    for (let k = 0; k < d; k++) side.vectors[o + k] = b[k];
    if (offset !== null) for (let k = 0; k < d; k++) side.effective[o + k] = b[k] + offset[o + k];
  }
}
