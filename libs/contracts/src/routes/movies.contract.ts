/** `/api/v1/movies`: search, one movie with its rating statistics, similar movies. */
import { z } from 'zod';
import { idParams, limitField, listedFields, modelAnswer, movie, readErrors, source } from '../common.schema';
import { listQuery, pageFields } from '../list-query.schema';
import { defineRoute } from '../route';

/** `GET /movies` query: title part (case- and accent-insensitive), genre, 1-based page. */
export const movieSearchQuery = z.object({
  query: z.string().trim().max(200).optional().describe('Part of the title (case- and accent-insensitive)'),
  genre: z.string().trim().max(50).optional().describe('Genre name (case-insensitive)'),
  page: z.coerce.number().int().min(1).max(100_000).default(1).describe('1-based page (default 1)'),
  limit: limitField,
});

/** `GET /movies`: one page of the matching movies and how many match in all. */
export const movieSearchAnswer = z.object({
  model: z.string(),
  page: z.int(),
  limit: z.int(),
  total: z.int().describe('Matching movies in all pages'),
  movies: z.array(movie),
});

/** Rating statistics of one movie: stars 1..5, `std` in stars, a histogram per half star (0.5..5). */
export const ratingStats = z.object({
  count: z.number(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  histogram: z.array(z.object({ stars: z.number(), count: z.number() })).nullable().describe('Ratings per half star; null when the model stored no histogram'),
});

/** `GET /movies/:id`: the movie and its statistics (null when the model has no ratings of it). */
export const movieAnswer = z.object({ model: z.string(), movie, stats: ratingStats.nullable() });

/** One similar movie: cosine similarity of the two movies' SVD factors (-1..1), and how many ratings it has. */
export const similarMovie = z.object({ ...listedFields, score: z.number().describe("Cosine similarity of the two movies' SVD factors, -1..1"), count: z.number().describe('Ratings of the similar movie') });

/** `GET /movies/:id/similar`. */
export const similarAnswer = z.object({ movieId: z.int(), model: z.string(), source, ...pageFields, similar: z.array(similarMovie) }).meta({ id: 'Similar' });

/** `GET /api/v1/movies` */
export const searchMoviesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/movies',
  tag: 'movies',
  summary: 'Search movies by title (case- and accent-insensitive) and genre',
  query: movieSearchQuery,
  responses: { ...modelAnswer(movieSearchAnswer), ...readErrors },
});

/** `GET /api/v1/movies/:id` */
export const getMovieRoute = defineRoute({
  method: 'get',
  path: '/api/v1/movies/:id',
  tag: 'movies',
  summary: 'A movie with its rating statistics (mean, count, histogram)',
  params: idParams,
  responses: { ...modelAnswer(movieAnswer), ...readErrors },
});

/** `GET /api/v1/movies/:id/similar` */
export const similarMoviesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/movies/:id/similar',
  tag: 'movies',
  summary: 'Most similar movies (cosine of SVD factors), from the stored list of each movie (topK): filters that leave fewer than asked say so (exhausted)',
  params: idParams,
  query: listQuery,
  responses: { ...modelAnswer(similarAnswer), ...readErrors },
});

/** Every route of this resource. */
export const movieRoutes = [searchMoviesRoute, getMovieRoute, similarMoviesRoute];
