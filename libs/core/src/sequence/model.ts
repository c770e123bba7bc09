import { InputError } from '../errors';
import type { Random } from '../random';
import type { Floats } from './floats';
import { lstmLayout, type LstmShape } from './layout';

/**
 * A trained next-movie LSTM: the shape, the flat weights (layout.ts) and the movie id of
 * each dense index. Everything is a typed array, so a model is stored in Redis as two
 * binary values plus a small JSON header (see serializeLstm).
 */
export interface LstmModel {
  shape: LstmShape;
  /** Original movie id per dense index, ascending (length = shape.numMovies). */
  movieIds: Int32Array;
  /** Flat weights, length lstmLayout(shape).size. */
  weights: Float32Array;
}

/**
 * Seeded initialisation: embeddings ~ N(0, 0.1^2), LSTM weights ~ N(0, 1/(D+H)) (Glorot-like
 * fan-in scaling), forget-gate bias 1 (Jozefowicz et al. 2015: lets early gradients flow),
 * output biases 0 (the logQ-corrected loss learns log-popularity into them), rating
 * embeddings ~ N(0, 0.1^2) like the movie embeddings they are added to (drawn last, so a model
 * without them starts from the same weights as before they existed).
 */
export function initLstmWeights(shape: LstmShape, random: Random, out: Floats = new Float32Array(lstmLayout(shape).size)): Floats {
  const L = lstmLayout(shape);
  const d = shape.embeddingDim;
  const h = shape.hidden;
  for (let k = L.inEmb; k < L.w; k++) out[k] = 0.1 * random.gaussian();
  const ws = 1 / Math.sqrt(d + h);
  for (let k = L.w; k < L.b; k++) out[k] = ws * random.gaussian();
  for (let k = L.b; k < L.outEmb; k++) out[k] = 0;
  for (let j = 0; j < h; j++) out[L.b + h + j] = 1;
  for (let k = L.outEmb; k < L.outBias; k++) out[k] = 0.1 * random.gaussian();
  for (let k = L.outBias; k < L.ratingEmb; k++) out[k] = 0;
  for (let k = L.ratingEmb; k < L.size; k++) out[k] = 0.1 * random.gaussian();
  return out;
}

/** JSON-able part of a serialized model; the two typed arrays travel as raw bytes. */
export interface LstmHeader {
  /**
   * Format version of the weight layout; bumped when layout.ts changes. `lstm-v1`: movies only;
   * `lstm-v2`: plus `ratingLevels` rating embeddings at the end of the buffer. Both decode.
   */
  format: 'lstm-v1' | 'lstm-v2';
  numMovies: number;
  embeddingDim: number;
  hidden: number;
  /** Rows of the rating embedding (lstm-v2 only; 0 or absent in lstm-v1). */
  ratingLevels?: number;
}

/** The stored formats this code decodes, newest last. */
export const LSTM_FORMATS = ['lstm-v1', 'lstm-v2'] as const;

/** A model as a JSON header plus two typed arrays whose bytes can be stored as-is (little-endian). */
export interface SerializedLstm {
  header: LstmHeader;
  movieIds: Int32Array;
  weights: Float32Array;
}

/** Splits a model into a header and its typed arrays (no copy). */
export function serializeLstm(model: LstmModel): SerializedLstm {
  const { numMovies, embeddingDim, hidden, ratingLevels = 0 } = model.shape;
  const header: LstmHeader = ratingLevels > 0 ? { format: 'lstm-v2', numMovies, embeddingDim, hidden, ratingLevels } : { format: 'lstm-v1', numMovies, embeddingDim, hidden };
  return {
    header,
    movieIds: model.movieIds,
    weights: model.weights,
  };
}

/**
 * Rebuilds a model from a header and the raw bytes of its two arrays (e.g. Redis
 * `getBuffer` results). Copies the bytes into aligned arrays. Throws InputError when the
 * format is not one of `LSTM_FORMATS` (a model stored by newer code: rebuild it, or serve it
 * with that code), when an lstm-v2 header has no valid `ratingLevels`, or when the byte lengths
 * do not match the shape.
 */
export function deserializeLstm(header: LstmHeader, movieIdBytes: Uint8Array, weightBytes: Uint8Array): LstmModel {
  if (!(LSTM_FORMATS as readonly string[]).includes(header.format)) {
    throw new InputError(`unknown LSTM model format ${String(header.format)} (this code reads ${LSTM_FORMATS.join(', ')}): retrain the LSTM or serve it with the code that stored it`);
  }
  const shape: LstmShape = { numMovies: header.numMovies, embeddingDim: header.embeddingDim, hidden: header.hidden };
  if (header.format === 'lstm-v2') {
    const levels = header.ratingLevels;
    if (levels === undefined || !Number.isInteger(levels) || levels < 1) throw new InputError(`LSTM lstm-v2 header: ratingLevels must be a whole number >= 1, got ${String(levels)}`);
    shape.ratingLevels = levels;
  }
  const size = lstmLayout(shape).size;
  if (movieIdBytes.byteLength !== shape.numMovies * 4) {
    throw new InputError(`LSTM movie ids: expected ${shape.numMovies * 4} bytes, got ${movieIdBytes.byteLength}`);
  }
  if (weightBytes.byteLength !== size * 4) {
    throw new InputError(`LSTM weights: expected ${size * 4} bytes, got ${weightBytes.byteLength}`);
  }
  const movieIds = new Int32Array(shape.numMovies);
  new Uint8Array(movieIds.buffer).set(movieIdBytes);
  const weights = new Float32Array(size);
  new Uint8Array(weights.buffer).set(weightBytes);
  return { shape, movieIds, weights };
}
