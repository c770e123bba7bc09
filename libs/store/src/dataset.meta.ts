/**
 * What a dataset version records about itself (the JSON at `P:{d:<ver>}:meta`), including
 * the report of the ingest that produced it, and the other JSON records of the dataset key
 * space (movies, users, staging records). Each is a zod schema, so a record read back from
 * Redis is validated (never cast): see `stored-json.ts`. The ingest report is the ingest job's
 * result too, so its schema is in @movielens/contracts, which both this library and
 * @movielens/jobs import.
 */
import { ingestReportSchema } from '@movielens/contracts';
import type { Movie, User } from '@movielens/core';
import { z } from 'zod';

export type { IngestFileReport, IngestReport } from '@movielens/contracts';

const count = z.number().int().min(0);

/** Metadata of one dataset version. */
export const datasetMetaSchema = z.object({
  version: z.string(),
  /** Version this one was built from (the current one when the ingest ran); null for the first. */
  parent: z.string().nullable(),
  /** Creation time, ms since the epoch. */
  createdAt: z.number(),
  /** Release of the ratings file (ratings scale and id spaces follow it). */
  release: z.enum(['ml-1m', 'ml-100k', 'ml-csv']),
  /** Allowed star values: min..max in steps of `step`. */
  ratingScale: z.object({ min: z.number(), max: z.number(), step: z.number().positive() }),
  counts: z.object({
    ratings: count,
    /** Users known: described in a users file or having ratings. */
    users: count,
    /** Movies known: described in a movies file or having ratings. */
    movies: count,
    /** Distinct users with at least one rating. */
    ratedUsers: count,
    /** Distinct movies with at least one rating. */
    ratedMovies: count,
  }),
  /** Number of packed ratings chunks (`P:{d:<ver>/<c>}:ratings`, c = 0..chunks-1). */
  chunks: count,
  /** Ratings per chunk; every chunk but the last is full. */
  chunkSize: z.number().int().positive(),
  /** Whether the movies / users hashes carry metadata (a movies / users file was ever ingested). */
  hasMovieInfo: z.boolean(),
  hasUserInfo: z.boolean(),
  /** sha256 over the sorted (file name, file sha256) pairs and the mode: equal hash = same input. */
  contentHash: z.string(),
  /** The report of the ingest that produced this version. */
  report: ingestReportSchema,
  /**
   * How far into the live ratings log this version is (absent: none applied, `LIVE_START`):
   * `upTo`, the last log entry applied (`0-0` before any), and `applied`, the changes accepted
   * up to there (see `LiveMark`). Written with the meta, before the pointer switch, so the
   * mark moves exactly with the version.
   */
  live: z.object({ upTo: z.string().regex(/^\d+-\d+$/), applied: count }).optional(),
});

/** Metadata of one dataset version. */
export type DatasetMeta = z.infer<typeof datasetMetaSchema>;

/** The part of a dataset meta that deleting a version needs: its chunk count. */
export const datasetChunksSchema = z.object({ chunks: count });

/** A movie as stored in `P:{d:<ver>}:movies` (core `Movie`). */
export const movieSchema: z.ZodType<Movie> = z.object({
  id: z.number().int(),
  title: z.string(),
  year: z.number().int().nullable(),
  genres: z.array(z.string()),
});

/** A user as stored in `P:{d:<ver>}:users` (core `User`). */
export const userSchema: z.ZodType<User> = z.object({
  id: z.number().int(),
  gender: z.enum(['F', 'M']).nullable(),
  age: z.number().nullable(),
  ageGroup: z.string().nullable(),
  occupation: z.string().nullable(),
  zip: z.string().nullable(),
});

/** What the staging hash (`P:dataset:staging`) records about a version being written. */
export const stagingRecordSchema = z.object({
  /** Who writes it (e.g. `ingest:<jobId>`), so a retry of the same job can find its leftovers. */
  owner: z.string(),
  /** Upper bound of chunk indexes that may have been written (cleanup deletes 0..bound-1). */
  chunkBound: count,
  /** Start time, ms since the epoch. */
  startedAt: z.number(),
});

/** What the staging hash records about a version being written. */
export type StagingRecord = z.infer<typeof stagingRecordSchema>;

/** A listed dataset version. */
export interface DatasetVersionInfo {
  version: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
}
