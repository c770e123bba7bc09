import type { LineIssue } from '../errors';
import type { DetectedFile } from './detect';
import type { TextEncoding } from './text-encoding';

/** Options shared by the three streaming parsers. */
export interface ParserOptions {
  /** The file being parsed, from detectFile(): decides the format. */
  file: DetectedFile;
  /**
   * Bad lines tolerated: they are skipped and listed in the result. One more throws InputError
   * at once (fail fast). Default 0: any bad line rejects the file.
   */
  maxErrors?: number;
  /** Movie ids of the movies file, when known: a rating of another movie is a bad line. */
  knownMovies?: ReadonlySet<number>;
  /** User ids of the users file, when known: a rating by another user is a bad line. */
  knownUsers?: ReadonlySet<number>;
}

/** A push-style streaming parser: feed chunks as they arrive, then call end() once. */
export interface StreamParser<R> {
  /** Parses as many whole lines as the chunk completes. Throws InputError past maxErrors. */
  push(chunk: Uint8Array): void;
  /** Parses the last line and returns the result. Throws InputError for an empty file. */
  end(): R;
}

/** Fields every parse result has. */
export interface ParseSummary {
  /** Lines read, including a header and blank lines (= number of the last line). */
  lines: number;
  /** The bad lines that were skipped, in file order (the first MAX_KEPT_ISSUES of them). */
  skipped: LineIssue[];
  /** Exact number of bad lines skipped (`skipped` lists at most MAX_KEPT_ISSUES). */
  skippedTotal: number;
  /**
   * How the text was decoded: `ascii` (no byte above 0x7F), `utf-8` or `latin-1`. Ratings files
   * are always read as `ascii`: a ratings line holding another byte is a bad line.
   */
  encoding: TextEncoding;
}
