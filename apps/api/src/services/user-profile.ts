import type { FavouriteGenre, UserRatedMovie } from '@movielens/contracts';
import type { Movie } from '@movielens/core';
import type { ListedMovie } from './model-snapshot';

/** One user's ratings: MovieLens movie ids and stars, index-aligned. */
export interface UserRatingRow {
  movieIds: Int32Array;
  ratings: Float32Array;
}

/** One of a user's own ratings, with its movie (title null when the catalogue lacks it): the contracts' `ratedMovie`. */
export type RatedMovie = UserRatedMovie;

/** Placeholder genres of the releases: not a taste. */
const NOT_A_GENRE = new Set(['unknown', '(no genres listed)']);

/**
 * The `n` genres (default 5) with the most of the user's ratings; ties by higher mean, then
 * by name. A movie counts once in each of its genres. O(the user's ratings).
 */
export function favouriteGenres(row: UserRatingRow, movies: ReadonlyMap<number, Movie>, n = 5): FavouriteGenre[] {
  const byGenre = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < row.movieIds.length; i++) {
    for (const genre of movies.get(row.movieIds[i])?.genres ?? []) {
      if (NOT_A_GENRE.has(genre)) continue;
      const g = byGenre.get(genre) ?? { count: 0, sum: 0 };
      g.count++;
      g.sum += row.ratings[i];
      byGenre.set(genre, g);
    }
  }
  return [...byGenre]
    .map(([genre, g]) => ({ genre, count: g.count, mean: g.sum / g.count }))
    .sort((a, b) => b.count - a.count || b.mean - a.mean || (a.genre < b.genre ? -1 : a.genre > b.genre ? 1 : 0))
    .slice(0, n);
}

/** The user's `n` highest ratings (default 10), ties by ascending movie id. O(r log r) in the user's ratings. */
export function topRated(row: UserRatingRow, describe: (movieId: number) => ListedMovie, n = 10): RatedMovie[] {
  const order = Array.from(row.movieIds.keys()).sort((a, b) => row.ratings[b] - row.ratings[a] || row.movieIds[a] - row.movieIds[b]);
  return order.slice(0, n).map((i) => ({ movieId: row.movieIds[i], ...describe(row.movieIds[i]), rating: row.ratings[i] }));
}
