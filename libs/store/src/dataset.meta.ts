/**
 * What a dataset version records about itself (the JSON at `P:{d:<ver>}:meta`), including
 * the report of the ingest that produced it, and the other JSON records of the dataset key
 * space (movies, users, staging records). Each is a zod schema, so a record read back from
 * Redis is validated (never cast): see `stored-json.ts`. The ingest job returns the same
 * report as its result (validated by `ingestReportSchema` in @movielens/jobs).
 */
import type { Movie, User } from '@movielens/core';
import { z } from 'zod';

const count = z.number().int().min(0);

/** One problem in an input file (core `LineIssue`). */
const lineIssueSchema = z.object({ file: z.string(), line: count, reason: z.string() });

/** One input file of an ingest, as detected and parsed. */
export const ingestFileReportSchema = z.object({
  /** File name as uploaded (no server path). */
  name: z.string(),
  /** What the file holds (core `FileKind`). */
  kind: z.enum(['ratings', 'movies', 'users']),
  /** Its release (core `Release`). */
  release: z.enum(['ml-1m', 'ml-100k', 'ml-csv']),
  /** Size in bytes. */
  size: count,
  /** Hex sha256 of the file's bytes. */
  sha256: z.string(),
  /** Lines read (including skipped ones; 0 when the ingest stopped as unchanged). */
  lines: count,
  /** Exact number of lines skipped as bad (the report's `skipped` lists the first 100 of each file). */
  skipped: count,
  /**
   * How the file's text was decoded: `ascii` (no byte above 0x7F), `utf-8` or `latin-1`
   * (core `TextEncoding`). Ratings files are always `ascii` (a ratings line with another byte is a bad line).
   */
  encoding: z.enum(['ascii', 'utf-8', 'latin-1']),
});

/** One input file of an ingest, as detected and parsed. */
export type IngestFileReport = z.infer<typeof ingestFileReportSchema>;

/** The outcome of one ingest: counts, skipped lines with reasons, duplicates, timing. */
export const ingestReportSchema = z.object({
  /** `replace` (a full dump) or `append` (merged into the current dataset). */
  mode: z.enum(['replace', 'append']),
  /** True when the upload equals the current dataset's input: nothing was written. */
  unchanged: z.boolean(),
  /** Dataset version current after the ingest (the new one, or the unchanged current one). */
  datasetVersion: z.string(),
  /** Dataset version the ingest started from; null when there was none. */
  parentVersion: z.string().nullable(),
  files: z.array(ingestFileReportSchema),
  /** Ratings, movies and users read from the files (after skipping bad lines). */
  read: z.object({ ratings: count, movies: count, users: count }),
  /** Bad lines skipped because of `maxErrors` (at most 100 per file listed); `skippedTotal` counts all. */
  skipped: z.array(lineIssueSchema),
  skippedTotal: count,
  /** Repeated (user, movie) pairs inside the upload: the last one wins. */
  duplicates: z.object({ count, examples: z.array(lineIssueSchema) }),
  /** Append mode: ratings that replaced an earlier rating of the same user and movie. */
  overwritten: count,
  /** Wall time of the ingest, ms. */
  durationMs: z.number().min(0),
});

/** The outcome of one ingest. */
export type IngestReport = z.infer<typeof ingestReportSchema>;

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
