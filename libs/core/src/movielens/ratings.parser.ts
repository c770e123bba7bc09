/**
 * Streaming ratings parser for the three formats (ML-1M `::`, ML-100K tab, CSV with header).
 * Fields are parsed from the bytes in place: no line strings, no split arrays, so it runs at
 * hundreds of MB/s. Deduplication (last rating of a (user, movie) pair wins) runs once at end().
 */
import { InputError, type LineIssue } from '../errors';
import { bytesEqual, fieldText, MAX_ID, parseDecimal, parseUint } from './bytes';
import { isOnScale, RATING_SCALES, releaseName } from './codes';
import { CSV_RATINGS_HEADER } from './detect';
import { IssueCollector } from './issues';
import { controlCharReason, findControlByte } from './control-chars';
import { LineSplitter } from './line-splitter';
import type { ParserOptions, ParseSummary, StreamParser } from './parser-options';
import { deduplicate, RatingTableBuilder } from './rating-table';
import type { RatingTable } from './types';

/** What createRatingsParser().end() returns. */
export interface RatingsResult extends ParseSummary {
  /** Valid ratings, deduplicated (last wins), in file order otherwise. */
  table: RatingTable;
  /** Ratings that replaced an earlier rating of the same (user, movie): count and first examples. */
  duplicates: { count: number; examples: LineIssue[] };
}

const COLON = 58;
const TAB = 9;
const COMMA = 44;
const MAX_TIMESTAMP = 4294967295;

/** Creates a streaming parser of a ratings file (ratings.dat, u.data / u1.base..., ratings.csv). */
export function createRatingsParser(options: ParserOptions): StreamParser<RatingsResult> {
  const { file, knownMovies, knownUsers } = options;
  if (file.kind !== 'ratings') throw new InputError(`${file.fileName}: not a ratings file (it holds ${file.kind})`);
  const issues = new IssueCollector(file.fileName, options.maxErrors ?? 0);
  const scale = RATING_SCALES[file.release];
  const sep = file.release === 'ml-1m' ? COLON : file.release === 'ml-100k' ? TAB : COMMA;
  const sepLen = file.release === 'ml-1m' ? 2 : 1;
  const sepName = file.release === 'ml-1m' ? "'::'" : file.release === 'ml-100k' ? 'tabs' : 'commas';
  const scaleText = `the ${releaseName(file.release)} scale ${scale.min}..${scale.max} in steps of ${scale.step}`;
  const builder = new RatingTableBuilder();
  const bounds = new Int32Array(8);
  const values = new Float64Array(4);
  let needHeader = file.release === 'ml-csv';

  const onLine = (buf: Uint8Array, start: number, end: number, line: number): void => {
    if (start === end) return;
    if (needHeader) {
      needHeader = false;
      if (!bytesEqual(buf, start, end, CSV_RATINGS_HEADER)) issues.add(line, `expected the header '${CSV_RATINGS_HEADER}'`);
      return;
    }
    // Fast path: one pass over well-formed lines; anything unusual is re-read by the careful
    // path below, which finds the reason.
    if (scanLine(buf, start, end, sep, sepLen, values)) {
      const rating = values[2];
      const steps = (rating - scale.min) / scale.step;
      if (rating >= scale.min && rating <= scale.max && steps === Math.floor(steps)) {
        const user = values[0];
        const movie = values[1];
        if (knownMovies !== undefined && !knownMovies.has(movie)) return issues.add(line, `unknown movie ${movie} (not in the movies file)`);
        if (knownUsers !== undefined && !knownUsers.has(user)) return issues.add(line, `unknown user ${user} (not in the users file)`);
        builder.add(user, movie, rating, values[3], line);
        return;
      }
    }
    const control = findControlByte(buf, start, end);
    if (control >= 0) return issues.add(line, controlCharReason(buf[control], control - start + 1));
    // Field boundaries: bounds[2k], bounds[2k+1] = start, end of field k (first 4 only).
    let fields = 0;
    let fieldStart = start;
    for (let i = start; i < end; i++) {
      if (buf[i] === sep && (sepLen === 1 || (i + 1 < end && buf[i + 1] === sep))) {
        if (fields < 4) {
          bounds[2 * fields] = fieldStart;
          bounds[2 * fields + 1] = i;
        }
        fields++;
        i += sepLen - 1;
        fieldStart = i + 1;
      }
    }
    if (fields < 4) {
      bounds[2 * fields] = fieldStart;
      bounds[2 * fields + 1] = end;
    }
    fields++;
    if (fields !== 4) return issues.add(line, `expected 4 fields separated by ${sepName}, found ${fields}`);
    const user = parseUint(buf, bounds[0], bounds[1], MAX_ID);
    if (user <= 0) return issues.add(line, `user id '${fieldText(buf, bounds[0], bounds[1])}' is not a positive integer`);
    const movie = parseUint(buf, bounds[2], bounds[3], MAX_ID);
    if (movie <= 0) return issues.add(line, `movie id '${fieldText(buf, bounds[2], bounds[3])}' is not a positive integer`);
    const rating = parseDecimal(buf, bounds[4], bounds[5]);
    if (Number.isNaN(rating)) return issues.add(line, `rating '${fieldText(buf, bounds[4], bounds[5])}' is not a number`);
    if (!isOnScale(rating, scale)) return issues.add(line, `rating ${rating} is outside ${scaleText}`);
    const timestamp = parseUint(buf, bounds[6], bounds[7], MAX_TIMESTAMP);
    if (timestamp < 0) return issues.add(line, `bad timestamp '${fieldText(buf, bounds[6], bounds[7])}' (expected seconds since 1970)`);
    if (knownMovies !== undefined && !knownMovies.has(movie)) return issues.add(line, `unknown movie ${movie} (not in the movies file)`);
    if (knownUsers !== undefined && !knownUsers.has(user)) return issues.add(line, `unknown user ${user} (not in the users file)`);
    builder.add(user, movie, rating, timestamp, line);
  };

  const splitter = new LineSplitter(onLine, issues);
  return {
    push: (chunk) => splitter.push(chunk),
    end: () => {
      splitter.end();
      if (builder.length === 0 && issues.count === 0) {
        issues.fatal(splitter.bytes === 0 ? 'empty file' : 'no ratings in the file');
      }
      const lines = builder.lines;
      const dedup = deduplicate(builder.table());
      const examples = dedup.examples.map(({ dropped, kept }) => ({
        file: file.fileName,
        line: lines[kept],
        reason: `user ${builder.users[kept]} rated movie ${builder.movies[kept]} again; replaces line ${lines[dropped]}`,
      }));
      return { table: dedup.table, lines: splitter.line, skipped: issues.kept, skippedTotal: issues.count, encoding: 'ascii', duplicates: { count: dedup.count, examples } };
    },
  };
}

/**
 * Reads `user SEP movie SEP rating SEP timestamp` in one pass into `out` (rating may be
 * `d.d`). False for anything else (missing digits, other bytes, out-of-range numbers).
 */
function scanLine(buf: Uint8Array, start: number, end: number, sep: number, sepLen: number, out: Float64Array): boolean {
  let i = start;
  for (let f = 0; f < 4; f++) {
    const from = i;
    let v = 0;
    let c = 0;
    while (i < end && (c = buf[i] - 48) >= 0 && c <= 9) {
      v = v * 10 + c;
      i++;
    }
    const digits = i - from;
    if (digits === 0 || digits > 10) return false;
    if (f === 2 && i < end && buf[i] === 46) {
      // One fractional digit (3.5, 4.0): the only decimals MovieLens writes.
      const d = buf[i + 1] - 48;
      if (i + 1 >= end || d < 0 || d > 9) return false;
      v += d / 10;
      i += 2;
    }
    out[f] = v;
    if (f < 3) {
      if (i + sepLen > end || buf[i] !== sep || (sepLen === 2 && buf[i + 1] !== sep)) return false;
      i += sepLen;
    }
  }
  return i === end && out[0] >= 1 && out[0] <= MAX_ID && out[1] >= 1 && out[1] <= MAX_ID && out[3] <= MAX_TIMESTAMP;
}
