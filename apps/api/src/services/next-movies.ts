import { ratingLevel, SESSION_MAX_STEPS, type LstmPredictor, type NextMovies } from '@movielens/core';
import { compareEntryIds, ModelTable, type OverlayChange } from '@movielens/store';
import { lstmStatesMissing, notFound, type HttpError } from '../middleware/errors';
import type { ListedMovie, ModelSnapshot } from './model-snapshot';

/** One next-movie suggestion as served. */
export interface NextMovie extends ListedMovie {
  movieId: number;
  /** LSTM logit (higher is likelier next; only the order means something). */
  score: number;
}

/**
 * Why a version has no LSTM to answer with, as the error to throw: `LSTM_TRAINING` while a
 * build that trains one waits or runs, else `NOT_READY` with how to ask for one (see
 * `services/status.ts`).
 */
export type NoLstm = (version: string) => Promise<HttpError>;

/**
 * The step of the user's history that drove the first suggestion: the one whose removal lowers
 * that movie's score the most (core `LstmPredictor.driverStep`, leave-one-out over the last
 * DRIVER_CANDIDATES steps), with its rating as the LSTM read it.
 */
export interface DrivenBy {
  movieId: number;
  title: string | null;
  /** The stars the user gave it (what the LSTM read with the movie), or null when unknown. */
  rating: number | null;
  /** How many steps before the end of the history it is (0 = the last movie rated). */
  stepsAgo: number;
  /** The first suggestion's score minus its score without this step (logits; > 0: the step raised it). */
  scoreDrop: number;
}

/** A known user's next movies, as GET /users/:id/next answers them. */
export interface UserNext {
  lastWatched: { movieId: number; title: string | null } | null;
  /** What drove `next[0]` (null when there is no suggestion). */
  drivenBy: DrivenBy | null;
  next: NextMovie[];
}

/**
 * {@link DrivenBy} of `next[0]` after the dense history `dense` with `stars[i]` the rating of
 * dense[i] (null: unknown, read as such). About DRIVER_CANDIDATES^2 / 2 extra recurrent steps.
 */
function driverOf(snap: ModelSnapshot, predictor: LstmPredictor, dense: ArrayLike<number>, stars: readonly (number | null)[], next: NextMovies): DrivenBy | null {
  if (next.movieIds.length === 0) return null;
  const target = predictor.indexOf(next.movieIds[0]);
  if (target === undefined) return null;
  const levels = stars.map((r) => (r === null ? 0 : ratingLevel(r)));
  const step = predictor.driverStep(dense, 0, dense.length, target, levels);
  if (step === null) return null;
  const movieId = predictor.model.movieIds[dense[step.position]];
  return { movieId, title: snap.title(movieId), rating: stars[step.position], stepsAgo: dense.length - 1 - step.position, scoreDrop: step.drop };
}

/** The stars of each movie of `movieIds` in the user's ratings of the served dataset (null where absent). */
async function starsOf(snap: ModelSnapshot, userId: number, movieIds: readonly number[]): Promise<(number | null)[]> {
  const rated = await snap.userRatings(userId);
  const byMovie = new Map<number, number>();
  if (rated !== null) rated.movieIds.forEach((id, i) => byMovie.set(id, rated.ratings[i]));
  return movieIds.map((id) => byMovie.get(id) ?? null);
}

/** Next movies with their titles. */
function titled(snap: ModelSnapshot, next: NextMovies): NextMovie[] {
  return Array.from(next.movieIds, (movieId, i) => ({ movieId, ...snap.listed(movieId), score: next.scores[i] }));
}

/** The answer of POST /sessions/next. */
export interface SessionNext {
  /** Session movie ids the LSTM does not know (skipped). */
  ignored: number[];
  /** How many session movies the LSTM read: the most recent known ones, at most SESSION_MAX_STEPS. */
  moviesRead: number;
  next: NextMovie[];
}

/**
 * The next `k` movies after an anonymous session (movie ids, oldest first) by the version's
 * LSTM. The recurrence reads only the last SESSION_MAX_STEPS known movies, which bounds a
 * request's cost (a step per movie), while every session movie is still excluded from the
 * answer. 503 when the version has no LSTM (`noLstm` says which).
 */
export async function nextMoviesOfSession(snap: ModelSnapshot, movies: readonly number[], k: number, noLstm: NoLstm): Promise<SessionNext> {
  const predictor = await snap.lstm();
  if (predictor === null) throw await noLstm(snap.version);
  const ignored = movies.filter((id) => predictor.indexOf(id) === undefined);
  return {
    ignored,
    moviesRead: Math.min(movies.length - ignored.length, SESSION_MAX_STEPS),
    next: titled(snap, predictor.recommend(movies, k, SESSION_MAX_STEPS)),
  };
}

/**
 * The next `k` movies of a known user and their last watched movie, from the state the
 * rebuild stored for them (one HGET: final hidden state + dense history), so a request costs
 * the output layer and a top-k, not a pass over hundreds of ratings. Equal to `nextMovies`
 * on the user's whole time-ordered history (known users have no step cap). 503 when the version has no LSTM (or predates the
 * stored states), 404 when the user is not in it.
 */
export async function nextMoviesOfUser(snap: ModelSnapshot, userId: number, k: number, noLstm: NoLstm): Promise<UserNext> {
  const predictor = await snap.lstm();
  if (predictor === null) throw await noLstm(snap.version);
  if (snap.meta.tables[ModelTable.lstmState] === undefined) throw lstmStatesMissing(snap.version);
  const state = await snap.lstmState(userId);
  if (state === null) throw notFound(`User ${userId} has no ratings in model ${snap.version}.`);
  const n = state.history.length;
  const last = n > 0 ? predictor.model.movieIds[state.history[n - 1]] : undefined;
  const next = predictor.recommendFromHidden(state.hidden, state.history, k);
  // The rebuild read the dataset's stars with each movie; the explanation reads the served
  // dataset's (the same unless the LSTM was trained on older data and a rating changed since).
  const ids = Array.from(state.history, (d) => predictor.model.movieIds[d]);
  const stars = predictor.readsRatings ? await starsOf(snap, userId, ids) : ids.map(() => null);
  return {
    lastWatched: last === undefined ? null : { movieId: last, title: snap.title(last) },
    drivenBy: driverOf(snap, predictor, state.history, stars, next),
    next: titled(snap, next),
  };
}

/**
 * {@link nextMoviesOfUser} with the user's live changes (`overlay`, see `LiveRows`): without
 * any, the stored state answers; with some, the LSTM reads the whole history again: the stored
 * one without deleted movies, then the newly rated movies in time order, so the newest live
 * rating is the last step. A user the LSTM has no state for (new, or rated only live) is read
 * from the live ratings alone. 404 when the history is empty.
 */
export async function nextMoviesWithLive(snap: ModelSnapshot, userId: number, k: number, noLstm: NoLstm, overlay: ReadonlyMap<number, OverlayChange>): Promise<UserNext> {
  if (overlay.size === 0) return nextMoviesOfUser(snap, userId, k, noLstm);
  const predictor = await snap.lstm();
  if (predictor === null) throw await noLstm(snap.version);
  const state = snap.meta.tables[ModelTable.lstmState] === undefined ? null : await snap.lstmState(userId);
  const stored = state === null ? [] : Array.from(state.history, (d) => predictor.model.movieIds[d]);
  const history = stored.filter((movieId) => overlay.get(movieId)?.rating !== null);
  const had = new Set(stored);
  const added = [...overlay]
    .filter(([movieId, change]) => change.rating !== null && !had.has(movieId))
    .sort(([, a], [, b]) => a.timestamp - b.timestamp || compareEntryIds(a.entry, b.entry))
    .map(([movieId]) => movieId);
  history.push(...added);
  if (history.length === 0) throw notFound(`User ${userId} has no ratings in model ${snap.version}.`);
  const last = history[history.length - 1];
  // Stars as the LSTM reads them: a live change wins over the dataset's rating.
  const datasetStars = await starsOf(snap, userId, history);
  const stars = history.map((id, i) => overlay.get(id)?.rating ?? datasetStars[i]);
  const next = predictor.recommend(history, k, Number.POSITIVE_INFINITY, stars.map((r) => r ?? Number.NaN));
  const known = history.map((id, i) => ({ dense: predictor.indexOf(id), stars: stars[i] })).filter((s) => s.dense !== undefined);
  return {
    lastWatched: { movieId: last, title: snap.title(last) },
    drivenBy: driverOf(snap, predictor, known.map((s) => s.dense as number), known.map((s) => s.stars), next),
    next: titled(snap, next),
  };
}
