import type { NextMovies } from '@movielens/core';
import { ModelTable } from '@movielens/store';
import { lstmNotReady, lstmStatesMissing, notFound } from '../middleware/errors';
import type { ModelSnapshot } from './model-snapshot';

/** One next-movie suggestion as served. */
export interface NextMovie {
  movieId: number;
  title: string | null;
  /** LSTM logit (higher is likelier next). */
  score: number;
}

/** Next movies with their titles. */
function titled(snap: ModelSnapshot, next: NextMovies): NextMovie[] {
  return Array.from(next.movieIds, (movieId, i) => ({ movieId, title: snap.title(movieId), score: next.scores[i] }));
}

/**
 * The next `k` movies after `history` (movie ids, oldest first) by the version's LSTM,
 * excluding the history: the recurrence runs over the whole history (anonymous sessions).
 * 503 when the version has no LSTM.
 */
export async function nextMovies(snap: ModelSnapshot, history: ArrayLike<number>, k: number): Promise<NextMovie[]> {
  const predictor = await snap.lstm();
  if (predictor === null) throw lstmNotReady(snap.version);
  return titled(snap, predictor.recommend(history, k));
}

/**
 * The next `k` movies of a known user and their last watched movie, from the state the
 * rebuild stored for them (one HGET: final hidden state + dense history), so a request costs
 * the output layer and a top-k, not a pass over hundreds of ratings. Equal to `nextMovies`
 * on the user's time-ordered history. 503 when the version has no LSTM (or predates the
 * stored states), 404 when the user is not in it.
 */
export async function nextMoviesOfUser(snap: ModelSnapshot, userId: number, k: number): Promise<{ lastWatched: { movieId: number; title: string | null } | null; next: NextMovie[] }> {
  const predictor = await snap.lstm();
  if (predictor === null) throw lstmNotReady(snap.version);
  if (snap.meta.tables[ModelTable.lstmState] === undefined) throw lstmStatesMissing(snap.version);
  const state = await snap.lstmState(userId);
  if (state === null) throw notFound(`User ${userId} has no ratings in model ${snap.version}.`);
  const n = state.history.length;
  const last = n > 0 ? predictor.model.movieIds[state.history[n - 1]] : undefined;
  return {
    lastWatched: last === undefined ? null : { movieId: last, title: snap.title(last) },
    next: titled(snap, predictor.recommendFromHidden(state.hidden, state.history, k)),
  };
}
