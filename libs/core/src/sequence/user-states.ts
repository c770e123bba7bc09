import { InputError } from '../errors';
import type { LstmModel } from './model';
import { LstmPredictor } from './predictor';
import type { UserSequences } from './sequences';

/**
 * Every user's LSTM hidden state after their whole time-ordered history. A known user's
 * next-movie scores depend on the history only through this vector, so the rebuild computes
 * it once and serving runs the output layer alone (LstmPredictor.recommendFromHidden)
 * instead of hundreds of recurrent steps per request.
 */
export interface LstmUserStates {
  /** Hidden size H (floats per user). */
  hidden: number;
  /** Original user id per row, as in the sequences. */
  userIds: Int32Array;
  /** users x H, row-major: row u is h_T of user u's sequence (zeros for an empty one). */
  states: Float32Array;
}

/**
 * Runs every user's whole sequence through `model` once (O(ratings x 4H(D+H)) in total), with
 * each step's rating when the model reads ratings.
 * `sequences` must be built from the table the model was trained on (same dense movie
 * indices); throws InputError when their movie ids differ. Calls `onProgress(done, users)`
 * every 1,000 users when given.
 */
export function computeUserStates(model: LstmModel, sequences: UserSequences, onProgress?: (done: number, users: number) => void): LstmUserStates {
  const { movieIds, offsets, items, userIds } = sequences;
  if (movieIds.length !== model.movieIds.length || movieIds.some((id, i) => id !== model.movieIds[i])) {
    throw new InputError('the user sequences and the LSTM model index different movies: build both from the same ratings');
  }
  const hidden = model.shape.hidden;
  const predictor = new LstmPredictor(model);
  const states = new Float32Array(userIds.length * hidden);
  for (let u = 0; u < userIds.length; u++) {
    predictor.hiddenAfter(items, offsets[u], offsets[u + 1], states, u * hidden, sequences.levels);
    if (onProgress !== undefined && (u + 1) % 1000 === 0) onProgress(u + 1, userIds.length);
  }
  return { hidden, userIds, states };
}
