/**
 * The binary user x movie graph that the neighbourhood models walk: who rated what, as two CSR
 * adjacency lists (users -> movies and movies -> users) on dense indices. O(ratings) memory; no
 * dense users x movies matrix is ever built.
 */
import type { IndexedRatings } from '../factorization/mf-data';

/** Both directions of the rating graph on dense indices (index order == MovieLens id order). */
export interface InteractionGraph {
  /** Number of users (rows of `userPtr`). */
  users: number;
  /** Number of movies (rows of `moviePtr`). */
  movies: number;
  /** Row pointers by user, length `users + 1`. */
  userPtr: Int32Array;
  /** Movie index of each rating, grouped by user: user u rated `userMovies[userPtr[u] .. userPtr[u+1]-1]`. */
  userMovies: Int32Array;
  /** Row pointers by movie, length `movies + 1`. */
  moviePtr: Int32Array;
  /** User index of each rating, grouped by movie, ascending within a movie. */
  movieUsers: Int32Array;
}

/**
 * The rating graph of `data` (each (user, movie) pair once, as `indexRatings` gives it; the stars
 * are not kept: both models here treat a rating as an edge). O(ratings).
 */
export function interactionGraph(data: Pick<IndexedRatings, 'userIds' | 'movieIds' | 'userStart' | 'movies'>): InteractionGraph {
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const nnz = data.userStart[users];
  const moviePtr = new Int32Array(movies + 1);
  for (let p = 0; p < nnz; p++) moviePtr[data.movies[p] + 1]++;
  for (let m = 0; m < movies; m++) moviePtr[m + 1] += moviePtr[m];
  const next = moviePtr.slice(0, movies);
  const movieUsers = new Int32Array(nnz);
  // Users are visited in order, so each movie's user list comes out ascending.
  for (let u = 0; u < users; u++) for (let p = data.userStart[u]; p < data.userStart[u + 1]; p++) movieUsers[next[data.movies[p]]++] = u;
  return { users, movies, userPtr: data.userStart.slice(0, users + 1), userMovies: data.movies.slice(0, nnz), moviePtr, movieUsers };
}

/**
 * A block of ranked neighbour lists on dense indices: row r's list is
 * `ids[r * width .. r * width + width - 1]`, best first, padded with -1 (score NaN).
 */
export interface NeighbourBlock {
  /** Slots per row (the list length asked for). */
  width: number;
  /** Neighbour dense indices, -1 padded. */
  ids: Int32Array;
  /** Neighbour weights, parallel to `ids`. */
  scores: Float32Array;
}
