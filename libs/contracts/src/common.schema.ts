/**
 * Schemas shared by several routes: the error body, ids and list lengths, the movie fields of
 * every list entry, where an answer comes from, and the usual error answers.
 */
import { z } from 'zod';
import type { ResponseContract } from './route';

/** Every error answer: `{ error: { code, message } }`; `issues` lists bad lines of an ingested file. */
export const errorBody = z
  .object({
    error: z.object({
      /** Stable machine-readable code, e.g. `BAD_REQUEST`, `NOT_FOUND`, `NOT_READY`. */
      code: z.string(),
      /** For people: names the bad field and why, or what to do. */
      message: z.string(),
      issues: z.array(z.string()).optional().describe('Bad lines of an ingested file, when that was the cause'),
    }),
  })
  .meta({ id: 'Error' });

/** `:id` of a movie or user: a positive 32-bit integer. */
export const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1).describe('MovieLens id (1..2^31-1)') });

/** `?k=`: list length, 1..100, default 10. */
export const kQuery = z.object({ k: z.coerce.number().int().min(1).max(100).default(10).describe('How many entries to return (1..100, default 10)') });

/** `?limit=` of the lists and rankings: 1..100, default 20. */
export const limitField = z.coerce.number().int().min(1).max(100).default(20).describe('Maximum entries returned (1..100, default 20)');

/** A movie of the catalogue (core's `Movie` on the wire). */
export const movie = z
  .object({
    id: z.int(),
    /** Without the trailing ` (YYYY)`. */
    title: z.string(),
    year: z.int().nullable().describe('Release year from the title; null when it has none'),
    genres: z.array(z.string()),
  })
  .meta({ id: 'Movie' });

/** The movie fields every list entry carries beside its `movieId` (spread into each entry's schema). */
export const listedFields = {
  movieId: z.int(),
  title: z.string().nullable().describe('Null when the catalogue lacks the movie'),
  year: z.int().nullable().describe('Release year from the title; null when it has none or the catalogue lacks the movie'),
  genres: z.array(z.string()),
};

/** A list entry's movie: id, title, year, genres. */
export const listedMovie = z.object(listedFields);

/** Where an answer comes from: the kind version and the dataset version it was trained on; null when the served set has no version of that kind. */
export const source = z
  .object({ kind: z.string(), version: z.string(), datasetVersion: z.string() })
  .nullable()
  .describe('The kind version that answered and the dataset version it was trained on (kinds publish on their own, so one may lag behind the newest data while it trains)')
  .meta({ id: 'Source' });

/** `202 Accepted` of a write that started a job: follow `jobId` at `GET /api/v1/jobs/{id}`. */
export const jobAccepted = z.object({ jobId: z.string().describe('Queue-qualified job id, e.g. rebuild:5') });

/** A JSON error answer with this description. */
export function errorAnswer(description: string): ResponseContract {
  return { description, schema: errorBody };
}

/** The errors of every API read: bad input, unknown id, not ready. */
export const readErrors = {
  400: errorAnswer('Invalid parameter or body; the message names the field and the reason'),
  404: errorAnswer('Unknown id'),
  503: errorAnswer('NOT_READY (no model yet, or none of the kind asked for), UNAVAILABLE (Redis unreachable)'),
} as const;

/** The errors of a write behind the API key. */
export const writeErrors = {
  ...readErrors,
  401: errorAnswer('No API key sent'),
  403: errorAnswer('Wrong API key, or the server has no API_KEY configured'),
  429: errorAnswer('Write rate limit exceeded'),
} as const;

/** The errors of a route that reads a JSON body. */
export const bodyErrors = {
  413: errorAnswer('Body larger than the route accepts'),
  415: errorAnswer('A charset or content encoding other than UTF-8 JSON'),
} as const;

/** The headers of a model-backed answer (conditional: 304 on a matching If-None-Match). */
export const modelHeaders = { 'X-Model-Version': 'The set version that answered', ETag: 'Changes with the set version' };

/** A model-backed read's 200 (with its headers) and 304. */
export function modelAnswer<S extends z.ZodType>(schema: S) {
  return {
    200: { description: 'OK', schema, headers: modelHeaders },
    304: { description: 'Not modified (If-None-Match matched the current model version)' },
  } as const;
}
