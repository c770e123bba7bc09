/**
 * What a dataset version records about itself (the JSON at `P:{d:<ver>}:meta`), including
 * the report of the ingest that produced it. The ingest job returns the same report as its
 * result (validated by `ingestReportSchema` in @movielens/jobs).
 */
import type { FileKind, LineIssue, Release, TextEncoding } from '@movielens/core';
import type { LiveMark } from './live/live-entry';

/** One input file of an ingest, as detected and parsed. */
export interface IngestFileReport {
  /** File name as uploaded (no server path). */
  name: string;
  kind: FileKind;
  release: Release;
  /** Size in bytes. */
  size: number;
  /** Hex sha256 of the file's bytes. */
  sha256: string;
  /** Lines read (including skipped ones; 0 when the ingest stopped as unchanged). */
  lines: number;
  /** Exact number of lines skipped as bad (the report's `skipped` lists the first 100 of each file). */
  skipped: number;
  /**
   * How the file's text was decoded: `ascii` (no byte above 0x7F), `utf-8` or `latin-1`.
   * Ratings files are always `ascii` (a ratings line with another byte is a bad line).
   */
  encoding: TextEncoding;
}

/** The outcome of one ingest: counts, skipped lines with reasons, duplicates, timing. */
export interface IngestReport {
  /** `replace` (a full dump) or `append` (merged into the current dataset). */
  mode: 'replace' | 'append';
  /** True when the upload equals the current dataset's input: nothing was written. */
  unchanged: boolean;
  /** Dataset version current after the ingest (the new one, or the unchanged current one). */
  datasetVersion: string;
  /** Dataset version the ingest started from; null when there was none. */
  parentVersion: string | null;
  files: IngestFileReport[];
  /** Ratings, movies and users read from the files (after skipping bad lines). */
  read: { ratings: number; movies: number; users: number };
  /** Bad lines skipped because of `maxErrors` (at most 100 per file listed); `skippedTotal` counts all. */
  skipped: LineIssue[];
  skippedTotal: number;
  /** Repeated (user, movie) pairs inside the upload: the last one wins. */
  duplicates: { count: number; examples: LineIssue[] };
  /** Append mode: ratings that replaced an earlier rating of the same user and movie. */
  overwritten: number;
  /** Wall time of the ingest, ms. */
  durationMs: number;
}

/** Metadata of one dataset version. */
export interface DatasetMeta {
  version: string;
  /** Version this one was built from (the current one when the ingest ran); null for the first. */
  parent: string | null;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** Release of the ratings file (ratings scale and id spaces follow it). */
  release: Release;
  /** Allowed star values: min..max in steps of `step`. */
  ratingScale: { min: number; max: number; step: number };
  counts: {
    ratings: number;
    /** Users known: described in a users file or having ratings. */
    users: number;
    /** Movies known: described in a movies file or having ratings. */
    movies: number;
    /** Distinct users with at least one rating. */
    ratedUsers: number;
    /** Distinct movies with at least one rating. */
    ratedMovies: number;
  };
  /** Number of packed ratings chunks (`P:{d:<ver>/<c>}:ratings`, c = 0..chunks-1). */
  chunks: number;
  /** Ratings per chunk; every chunk but the last is full. */
  chunkSize: number;
  /** Whether the movies / users hashes carry metadata (a movies / users file was ever ingested). */
  hasMovieInfo: boolean;
  hasUserInfo: boolean;
  /** sha256 over the sorted (file name, file sha256) pairs and the mode: equal hash = same input. */
  contentHash: string;
  /** The report of the ingest that produced this version. */
  report: IngestReport;
  /**
   * How far into the live ratings log this version is (absent: none applied, `LIVE_START`).
   * Written with the meta, before the pointer switch, so the mark moves exactly with the version.
   */
  live?: LiveMark;
}

/** A listed dataset version. */
export interface DatasetVersionInfo {
  version: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
}
