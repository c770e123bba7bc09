/**
 * Which MovieLens file is this? Decided from the file name AND the first bytes, never from a
 * user flag: the name proposes (ratings.dat, u.item, movies.csv...), the content confirms or,
 * for an unfamiliar name, decides. A disagreement is an error naming the file.
 */
import { InputError } from '../errors';
import { releaseName } from './codes';
import { BINARY_REASON, compressedReason } from './line-splitter';
import type { FileKind, Release } from './types';

/** A recognized input file. */
export interface DetectedFile {
  kind: FileKind;
  release: Release;
  /** Base name as given by the user (no directories), used in every message about the file. */
  fileName: string;
}

/** Header line of CSV ratings files. */
export const CSV_RATINGS_HEADER = 'userId,movieId,rating,timestamp';
/** Header line of CSV movies files. */
export const CSV_MOVIES_HEADER = 'movieId,title,genres';

type Guess = Omit<DetectedFile, 'fileName'>;

/** Known file names (lower case); ML-100K splits u1..u5, ua, ub `.base`/`.test` are ratings too. */
function guessFromName(name: string): Guess | null {
  const n = name.toLowerCase();
  if (n === 'ratings.dat') return { kind: 'ratings', release: 'ml-1m' };
  if (n === 'movies.dat') return { kind: 'movies', release: 'ml-1m' };
  if (n === 'users.dat') return { kind: 'users', release: 'ml-1m' };
  if (n === 'u.data' || /^u[1-5ab]\.(base|test)$/.test(n)) return { kind: 'ratings', release: 'ml-100k' };
  if (n === 'u.item') return { kind: 'movies', release: 'ml-100k' };
  if (n === 'u.user') return { kind: 'users', release: 'ml-100k' };
  if (n === 'ratings.csv') return { kind: 'ratings', release: 'ml-csv' };
  if (n === 'movies.csv') return { kind: 'movies', release: 'ml-csv' };
  return null;
}

/**
 * Decodes the first complete line of `head` (BOM and CR removed) as Latin-1. Without any LF, a
 * CR ends it (CR-only line endings, which the parser then reports as such).
 */
function firstLine(head: Uint8Array): string {
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (start < head.length && (head[start] === 10 || head[start] === 13)) start++;
  let end = head.indexOf(10, start);
  if (end < 0) end = head.indexOf(13, start);
  if (end < 0) end = head.length;
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(head[i]);
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/** Recognizes a file from its first line; null when nothing matches (or no line yet). */
function guessFromContent(line: string): Guess | null {
  if (line === CSV_RATINGS_HEADER) return { kind: 'ratings', release: 'ml-csv' };
  if (line === CSV_MOVIES_HEADER) return { kind: 'movies', release: 'ml-csv' };
  const dat = line.split('::');
  if (dat.length === 4 && dat.every((f) => /^\d+$/.test(f))) return { kind: 'ratings', release: 'ml-1m' };
  if (dat.length === 3 && /^\d+$/.test(dat[0])) return { kind: 'movies', release: 'ml-1m' };
  if (dat.length === 5 && /^\d+$/.test(dat[0]) && /^[MF]$/.test(dat[1])) return { kind: 'users', release: 'ml-1m' };
  const tab = line.split('\t');
  if (tab.length === 4 && tab.every((f) => /^\d+$/.test(f))) return { kind: 'ratings', release: 'ml-100k' };
  const bar = line.split('|');
  if (bar.length === 24 && /^\d+$/.test(bar[0])) return { kind: 'movies', release: 'ml-100k' };
  if (bar.length === 5 && /^\d+$/.test(bar[0]) && /^[MF]$/.test(bar[2])) return { kind: 'users', release: 'ml-100k' };
  return null;
}

function describe(g: Guess): string {
  return `${releaseName(g.release)} ${g.kind}`;
}

/** The base name of a path with `/` or `\` separators. */
export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] || fileName;
}

/**
 * Recognizes one file from its name and its first bytes (`head`: a few KiB are enough; an
 * empty head is allowed for a known name, the parser then reports the empty file).
 * @throws InputError naming the file when neither tells, or when they disagree.
 */
export function detectFile(fileName: string, head: Uint8Array): DetectedFile {
  const name = baseName(fileName);
  const byName = guessFromName(name);
  const textual = !head.subarray(0, 4096).includes(0) && !(head[0] === 0xff && head[1] === 0xfe) && !(head[0] === 0xfe && head[1] === 0xff);
  const line = textual ? firstLine(head) : '';
  const byContent = line === '' ? null : guessFromContent(line);
  if (byName && byContent && (byName.kind !== byContent.kind || byName.release !== byContent.release)) {
    throw new InputError(`${name}: the name says ${describe(byName)} but the content looks like ${describe(byContent)}`, [
      { file: name, line: 1, reason: `content looks like ${describe(byContent)}` },
    ]);
  }
  if (byName && !byContent && line !== '') {
    // A known name whose first line is malformed: the parser reports that line precisely.
    return { ...byName, fileName: name };
  }
  const guess = byName ?? byContent;
  if (guess === null) {
    const reason = compressedReason(head) ?? (textual ? 'not a MovieLens ratings, movies or users file' : BINARY_REASON);
    throw new InputError(`${name}: ${reason}`, [{ file: name, line: 0, reason }]);
  }
  return { ...guess, fileName: name };
}

/**
 * Recognizes a set of files uploaded together and checks that they make one dataset: at most
 * one file of each kind, all from the same release.
 * @throws InputError listing every problem.
 */
export function detectFiles(files: readonly { fileName: string; head: Uint8Array }[]): DetectedFile[] {
  const detected = files.map((f) => detectFile(f.fileName, f.head));
  const issues = [];
  const seen = new Map<FileKind, string>();
  for (const d of detected) {
    const other = seen.get(d.kind);
    if (other !== undefined) issues.push({ file: d.fileName, line: 0, reason: `a second ${d.kind} file (${other} is one already)` });
    else seen.set(d.kind, d.fileName);
  }
  const releases = new Set(detected.map((d) => d.release));
  if (releases.size > 1) {
    const list = detected.map((d) => `${d.fileName} is ${releaseName(d.release)}`).join(', ');
    issues.push({ file: detected[0].fileName, line: 0, reason: `files from different releases: ${list}` });
  }
  if (issues.length > 0) throw new InputError(`${issues.map((i) => `${i.file}: ${i.reason}`).join('; ')}`, issues);
  return detected;
}
