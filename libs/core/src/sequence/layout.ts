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
 */
export interface LstmShape {
  /** Number of movies in the vocabulary (dense indices 0..numMovies-1). */
  numMovies: number;
  /** Size of an input movie embedding. */
  embeddingDim: number;
  /** LSTM hidden/cell size; also the size of an output movie embedding. */
  hidden: number;
}

/** Offsets (in floats) of each block inside the flat buffer, plus its total size. */
export interface LstmLayout extends LstmShape {
  inEmb: number;
  w: number;
  b: number;
  outEmb: number;
  outBias: number;
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
  return { ...shape, inEmb, w, b, outEmb, outBias, denseSize: outEmb - w, size: outBias + numMovies };
}
