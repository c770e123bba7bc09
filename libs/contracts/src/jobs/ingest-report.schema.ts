/**
 * The report of one ingest: the `ingest` job's result (libs/jobs) and the `report` field of the
 * dataset version it produced (libs/store, the meta at `P:{d:<ver>}:meta`). One schema for both,
 * here because the two data-access libraries may not import each other.
 */
import { z } from 'zod';

const count = z.number().int().min(0);

/** One problem in an input file (core `LineIssue`): the file, its 1-based line (0: the file as a whole) and why. */
export const lineIssueSchema = z.object({ file: z.string(), line: count, reason: z.string() });

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
