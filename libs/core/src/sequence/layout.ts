/**
 * Where each parameter block of the LSTM recommender lives inside ONE flat float buffer.
 * One buffer means one SharedArrayBuffer for the worker threads, one Redis value for
 * serving, and one loop for Adam on the dense part.
 *
 * Blocks, in order (all row-major):
 *   inEmb   numMovies x embeddingDim      input movie embeddings
 *   w       4*hidden x (embeddingDim+hidden)  LSTM gate weights, gate rows in the order i, f, g, o;
 *                                          each row holds the input weights then the recurrent weights
 *   b       4*hidden                       LSTM gate biases
 *   outEmb  numMovies x hidden             output movie embeddings (scores = h . outEmb[m] + outBias[m])
 *   outBias numMovies                      output movie biases
 *   ratingEmb ratingLevels x embeddingDim  rating embeddings, added to the movie's input embedding
 *                                          (format lstm-v2; absent, 0 rows, in lstm-v1 models)
 *
 * The rating block comes last so that an lstm-v1 buffer is an lstm-v2 buffer with 0 rating
 * levels: old stored models decode unchanged.
 */
export interface LstmShape {
  /** Number of movies in the vocabulary (dense indices 0..numMovies-1). */
  numMovies: number;
  /** Size of an input movie embedding. */
  embeddingDim: number;
  /** LSTM hidden/cell size; also the size of an output movie embedding. */
  hidden: number;
  /**
   * Rows of the rating embedding (`RATING_LEVELS` = 11: unknown, then 0.5..5 stars in half
   * stars). 0 or absent: the model reads movies only (lstm-v1).
   */
  ratingLevels?: number;
}

/** Rating levels of a model that reads ratings: 0 = rating unknown, 1..10 = 0.5..5 stars. */
export const RATING_LEVELS = 11;

/** The input level of a rating in stars: round(2 x stars) clamped to 1..10 (0.5..5 stars); 0 for NaN. */
export function ratingLevel(stars: number): number {
  if (!(stars === stars)) return 0;
  const level = Math.round(2 * stars);
  return level < 1 ? 1 : level > RATING_LEVELS - 1 ? RATING_LEVELS - 1 : level;
}

/** Offsets (in floats) of each block inside the flat buffer, plus its total size. */
export interface LstmLayout extends LstmShape {
  inEmb: number;
  w: number;
  b: number;
  outEmb: number;
  outBias: number;
  /** Offset of the rating embeddings (= the end of `outBias`). */
  ratingEmb: number;
  /** Rows of the rating embedding (0 when the model reads movies only). */
  ratingLevels: number;
  /** Floats from `w` to the end of `b`: the dense part that every step updates. */
  denseSize: number;
  /** Total floats. */
  size: number;
}

/** Computes the block offsets for a model shape. */
export function lstmLayout(shape: LstmShape): LstmLayout {
  const { numMovies, embeddingDim: d, hidden: h } = shape;
  const inEmb = 0;
  const w = inEmb + numMovies * d;
  const b = w + 4 * h * (d + h);
  const outEmb = b + 4 * h;
  const outBias = outEmb + numMovies * h;
  const ratingEmb = outBias + numMovies;
  const ratingLevels = shape.ratingLevels ?? 0;
  return { ...shape, inEmb, w, b, outEmb, outBias, ratingEmb, ratingLevels, denseSize: outEmb - w, size: ratingEmb + ratingLevels * d };
}
