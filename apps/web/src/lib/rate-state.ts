/**
 * State of "Rate a few movies": the movies an anonymous visitor rated or liked, as an
 * immutable list updated by a reducer, and the request body it turns into.
 */
import type { FoldInRequest } from '@movielens/contracts';

/** One rated movie: stars 1..5, or `'like'` (a thumbs-up without stars). */
export interface RatedMovie {
  movieId: number;
  title: string;
  rating: number | 'like';
}

/** Changes to the rated list. */
export type RateAction =
  | { type: 'rate'; movieId: number; title: string; rating: number }
  | { type: 'like'; movieId: number; title: string }
  | { type: 'remove'; movieId: number }
  | { type: 'clear' };

/** Most movies kept; more adds nothing to a fold-in and makes the request large. */
export const maxRated = 50;

/** The star a like counts as when mixed with star ratings (a like is an enthusiastic vote). */
export const likeAsStars = 5;

function upsert(state: readonly RatedMovie[], item: RatedMovie): RatedMovie[] {
  const index = state.findIndex((m) => m.movieId === item.movieId);
  if (index >= 0) return state.map((m, i) => (i === index ? item : m));
  if (state.length >= maxRated) return [...state];
  return [...state, item];
}

/** Applies `action`; ratings are clamped to whole stars 1..5. Returns a new list. */
export function rateReducer(state: readonly RatedMovie[], action: RateAction): RatedMovie[] {
  switch (action.type) {
    case 'rate': {
      const stars = Math.min(5, Math.max(1, Math.round(action.rating)));
      return upsert(state, { movieId: action.movieId, title: action.title, rating: stars });
    }
    case 'like':
      return upsert(state, { movieId: action.movieId, title: action.title, rating: 'like' });
    case 'remove':
      return state.filter((m) => m.movieId !== action.movieId);
    case 'clear':
      return [];
  }
}

/** The body of `POST /api/v1/recommendations` (its contract; `k` is added by the caller). */
export type FoldInBody = FoldInRequest;

/**
 * The request for `state`: `{ liked }` when every movie is a like, else `{ ratings }` with
 * likes counted as {@link likeAsStars}. Null when nothing is rated (no request to make).
 */
export function toFoldInBody(state: readonly RatedMovie[]): FoldInBody | null {
  if (state.length === 0) return null;
  if (state.every((m) => m.rating === 'like')) return { liked: state.map((m) => m.movieId) };
  return { ratings: state.map((m) => ({ movieId: m.movieId, rating: m.rating === 'like' ? likeAsStars : m.rating })) };
}

/** Reads a saved list (from storage), dropping anything malformed. */
export function restoreRated(json: string | null): RatedMovie[] {
  if (json === null) return [];
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  let state: RatedMovie[] = [];
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const { movieId, title, rating } = item as Record<string, unknown>;
    if (typeof movieId !== 'number' || !Number.isInteger(movieId) || typeof title !== 'string') continue;
    if (rating === 'like') state = rateReducer(state, { type: 'like', movieId, title });
    else if (typeof rating === 'number') state = rateReducer(state, { type: 'rate', movieId, title, rating });
  }
  return state;
}

/** The lowest star rating that still counts as "liked it" for what to watch next (1 and 2 stars are dislikes). */
export const nextMovieMinStars = 3;

/**
 * The picks that drive "Because you just watched ...": likes and ratings of at least
 * {@link nextMovieMinStars}, in the order they were made. A disliked movie (1 or 2 stars)
 * is left out: it must not ask for more like it.
 */
export function sessionPicks(state: readonly RatedMovie[]): RatedMovie[] {
  return state.filter((m) => m.rating === 'like' || m.rating >= nextMovieMinStars);
}
