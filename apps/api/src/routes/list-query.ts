/**
 * Resolving the list filters of a request (`listQuery` of the contracts: `?genre=`, `?exclude=`,
 * `?offset=`) against the served catalogue.
 */
import type { z } from 'zod';
import { listQuery } from '@movielens/contracts';
import { HttpError } from '../middleware/errors';
import type { ModelSnapshot } from '../services/model-snapshot';

export { explainQuery, listQuery } from '@movielens/contracts';

/** A parsed `listQuery`. */
export type ListQuery = z.infer<typeof listQuery>;

/** What a list keeps: movies outside `exclude` and, when `genres` is set, of one of them. */
export interface ListFilter {
  exclude: ReadonlySet<number>;
  /** Lower-cased genre names; null = any genre. */
  genres: ReadonlySet<string> | null;
}

/**
 * The filter of `q` in the served catalogue.
 * @throws HttpError 400 naming a genre no movie of the catalogue has
 */
export function listFilter(snap: ModelSnapshot, q: ListQuery, extraExcluded: Iterable<number> = []): ListFilter {
  let genres: Set<string> | null = null;
  if (q.genre.length > 0) {
    const known = new Set<string>();
    for (const movie of snap.movies.values()) for (const g of movie.genres) known.add(g.toLowerCase());
    genres = new Set(q.genre.map((g) => g.toLowerCase()));
    const unknown = q.genre.filter((g) => !known.has(g.toLowerCase()));
    if (unknown.length > 0) throw new HttpError(400, 'BAD_REQUEST', `query.genre: unknown genre ${unknown.map((g) => JSON.stringify(g)).join(', ')}; the catalogue has ${[...known].sort().join(', ')}`);
  }
  return { exclude: new Set([...q.exclude, ...extraExcluded]), genres };
}

/** True when `q` asks for anything beyond the first k of the plain list. */
export function isFiltered(q: ListQuery): boolean {
  return q.genre.length > 0 || q.exclude.length > 0 || q.offset > 0;
}

/** The predicate of `filter` over the served catalogue. */
export function keeps(snap: ModelSnapshot, filter: ListFilter): (movieId: number) => boolean {
  return (movieId) => {
    if (filter.exclude.has(movieId)) return false;
    if (filter.genres === null) return true;
    const movie = snap.movies.get(movieId);
    return movie !== undefined && movie.genres.some((g) => filter.genres!.has(g.toLowerCase()));
  };
}

/** Cache key part of a list query (sorted, so `a,b` and `b,a` share an answer). */
export function listResource(q: ListQuery): string {
  return `${q.k}:${q.offset}:${[...q.genre].map((g) => g.toLowerCase()).sort().join('|')}:${[...q.exclude].sort((a, b) => a - b).join(',')}`;
}
