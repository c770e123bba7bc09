/**
 * A small reference model of what an ingest must make of an upload, written apart from the
 * streaming parsers of libs/core: whole files in memory, split() and regular expressions, no
 * chunking, no byte-level fast paths. It says whether the upload is accepted (with the counts the
 * report must give) or refused (which file, and which lines the error may name). The rules are
 * the documented ones (libs/core/src/movielens/README.md, libs/ingest/README.md).
 */
import { isUtf8 } from 'node:buffer';
import type { FileKind, Release } from '@movielens/core';

/** A file of the upload, in upload order. */
export interface RefFile {
  name: string;
  bytes: Uint8Array;
  sha256: string;
}

/** What the reference knows of the current dataset (null: none). */
export interface RefCurrent {
  version: string;
  release: Release;
  mode: 'replace' | 'append';
  /** Files of its ingest report (name, sha256, skipped, encoding present). */
  files: { name: string; sha256: string; skipped: number; hasEncoding: boolean }[];
  /** Movie / user ids it describes; null when it has no movie / user info. */
  movieIds: ReadonlySet<number> | null;
  userIds: ReadonlySet<number> | null;
}

/** What one parsed file gives. */
export interface RefFileResult {
  kind: FileKind;
  lines: number;
  bad: number[];
  encoding: 'ascii' | 'utf-8' | 'latin-1';
}

/** The expected outcome of an ingest. */
export type RefOutcome =
  | { outcome: 'accepted'; read: { ratings: number; movies: number; users: number }; files: Map<string, RefFileResult> }
  | { outcome: 'unchanged' }
  | { outcome: 'refused'; file: string; lines: Set<number>; why: string };

const NAMES: Record<string, [FileKind, Release]> = {
  'ratings.dat': ['ratings', 'ml-1m'],
  'movies.dat': ['movies', 'ml-1m'],
  'users.dat': ['users', 'ml-1m'],
  'u.data': ['ratings', 'ml-100k'],
  'u.item': ['movies', 'ml-100k'],
  'u.user': ['users', 'ml-100k'],
  'ratings.csv': ['ratings', 'ml-csv'],
  'movies.csv': ['movies', 'ml-csv'],
};
const RATINGS_HEADER = 'userId,movieId,rating,timestamp';
const MOVIES_HEADER = 'movieId,title,genres';
const ML1M = ['Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
const NAMED_GENRES = new Set([...ML1M, 'Children', 'IMAX']);
const OCC_100K = 'administrator artist doctor educator engineer entertainment executive healthcare homemaker lawyer librarian marketing none other programmer retired salesman scientist student technician writer'.split(' ');
const AGE_CODES = new Set(['1', '18', '25', '35', '45', '50', '56']);
const MAX_LINE = 65536;
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const id = (s: string) => /^\d{1,10}$/.test(s) && Number(s) >= 1 && Number(s) <= 2147483647;
const starts = (b: Uint8Array, magic: number[]) => b.length >= magic.length && magic.every((m, i) => b[i] === m);

/** A C0 control character other than tab (movies.csv: LF, and CR before LF, may sit in quotes). */
function hasControl(text: string, csv: boolean): boolean {
  return [...text].some((ch, i, all) => {
    const c = ch.charCodeAt(0);
    if (c >= 32 || c === 9) return false;
    return !(csv && (c === 10 || (c === 13 && all[i + 1] === '\n')));
  });
}

/** What the first line of a file looks like, as detection reads it (null: nothing known). */
function looksLike(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 4096);
  if (head.includes(0) || starts(head, [0xff, 0xfe]) || starts(head, [0xfe, 0xff])) return null;
  let text = latin1(starts(head, [0xef, 0xbb, 0xbf]) ? head.subarray(3) : head).replace(/^[\r\n]+/, '');
  text = text.split(text.includes('\n') ? '\n' : '\r')[0].replace(/\r$/, '');
  if (text === RATINGS_HEADER) return 'ratings ml-csv';
  if (text === MOVIES_HEADER) return 'movies ml-csv';
  const digits = (f: string) => /^\d+$/.test(f);
  const [dat, tab, bar] = [text.split('::'), text.split('\t'), text.split('|')];
  if (dat.length === 4 && dat.every(digits)) return 'ratings ml-1m';
  if (dat.length === 3 && digits(dat[0])) return 'movies ml-1m';
  if (dat.length === 5 && digits(dat[0]) && /^[MF]$/.test(dat[1])) return 'users ml-1m';
  if (tab.length === 4 && tab.every(digits)) return 'ratings ml-100k';
  if (bar.length === 24 && digits(bar[0])) return 'movies ml-100k';
  if (bar.length === 5 && digits(bar[0]) && /^[MF]$/.test(bar[2])) return 'users ml-100k';
  return null;
}

/** One record of a file: its first line number and its bytes (terminator removed). */
interface Rec {
  line: number;
  bytes: Uint8Array;
}

/**
 * Splits a file into records, or names the whole-file problem and its line. A NUL byte is a
 * whole-file problem at its line, but the lines before it may have been read (and refused) first:
 * `before` holds them.
 */
function records(bytes: Uint8Array, quoted: boolean): { recs: Rec[]; lines: number } | { fatal: number; before?: Uint8Array } {
  if (starts(bytes, [0xff, 0xfe]) || starts(bytes, [0xfe, 0xff])) return { fatal: 0 };
  for (const magic of [[0x1f, 0x8b], [0x50, 0x4b, 3, 4], [0x42, 0x5a, 0x68], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0], [0x28, 0xb5, 0x2f, 0xfd]]) if (starts(bytes, magic)) return { fatal: 1 };
  const body = starts(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) return { fatal: 1 + body.subarray(0, nul).filter((b) => b === 10).length, before: body.subarray(0, body.lastIndexOf(10, nul) + 1) };
  const cr = body.indexOf(13);
  if (!body.includes(10) && cr >= 0 && cr < body.length - 1) return { fatal: 1 };
  const recs: Rec[] = [];
  let line = 1;
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && quoted && body[i] === 34) inQuotes = !inQuotes;
    if (i < body.length && (body[i] !== 10 || inQuotes)) continue;
    if (i === body.length && start === i) break;
    let end = i;
    if (end > start && body[end - 1] === 13) end--;
    recs.push({ line, bytes: body.subarray(start, end) });
    line += 1 + body.subarray(start, i).filter((b) => b === 10).length;
    inQuotes = false;
    start = i + 1;
  }
  return { recs, lines: line - 1 };
}

/** RFC 4180 fields of one record, or null when malformed. */
function csvFields(text: string): string[] | null {
  const out: string[] = [];
  let field = '';
  let i = 0;
  let quotedField = false;
  while (i <= text.length) {
    const c = text[i];
    if (i === text.length || c === ',') {
      out.push(field);
      field = '';
      quotedField = false;
      i++;
      if (i > text.length) break;
      continue;
    }
    if (c === '"' && field === '' && !quotedField) {
      const close = /^((?:[^"]|"")*)"/.exec(text.slice(i + 1));
      if (close === null) return null;
      field = close[1].replace(/""/g, '"');
      quotedField = true;
      i += close[0].length + 1;
      if (i < text.length && text[i] !== ',') return null;
      continue;
    }
    if (quotedField) return null;
    field += c;
    i++;
  }
  return out;
}

function genresOk(field: string): boolean {
  if (field === '(no genres listed)') return true;
  const names = field.split('|');
  return names.every((g) => NAMED_GENRES.has(g)) && new Set(names).size === names.length;
}

/** The movie id of a valid movies line, or null. */
function movieLine(text: string, release: Release): string | null {
  if (release === 'ml-100k') {
    const f = text.split('|');
    const flags = f.slice(5);
    if (f.length !== 24 || !flags.every((x) => x === '0' || x === '1') || !flags.includes('1')) return null;
    return f[1].trim() === '' ? null : f[0];
  }
  const f = release === 'ml-1m' ? text.split('::') : csvFields(text);
  if (f === null || f.length !== 3 || !genresOk(f[2])) return null;
  return f[1].trim() === '' ? null : f[0];
}

/** The user id of a valid users line, or null. */
function userLine(text: string, release: Release): string | null {
  if (release === 'ml-1m') {
    const [uid, g, age, occ, ...rest] = text.split('::');
    const ok = rest.length === 1 && /^[MF]$/.test(g) && /^\d{1,2}$/.test(age) && AGE_CODES.has(String(Number(age))) && /^\d{1,2}$/.test(occ) && Number(occ) <= 20;
    return ok ? uid : null;
  }
  const [uid, age, g, occ, ...rest] = text.split('|');
  const ok = rest.length === 1 && /^\d{1,3}$/.test(age) && Number(age) >= 1 && Number(age) <= 120 && /^[MF]$/.test(g) && OCC_100K.includes(occ);
  return ok ? uid : null;
}

type Known = { movies: Set<number> | null; users: Set<number> | null };
type Parsed = { fatal: number[] } | { lines: number; bad: number[]; encoding: RefFileResult['encoding']; accepted: Set<number>; pairs: Set<string> };

/** Per-file parse: accepted ids (movies, users) or (user, movie) pairs (ratings), bad lines, encoding. */
function parse(bytes: Uint8Array, kind: FileKind, release: Release, known: Known): Parsed {
  const split = records(bytes, kind === 'movies' && release === 'ml-csv');
  if ('fatal' in split) {
    const before = split.before === undefined ? { fatal: [] } : parse(split.before, kind, release, known);
    return { fatal: [split.fatal, ...('bad' in before ? before.bad : [])] };
  }
  const bad: number[] = [];
  const accepted = new Set<number>();
  const pairs = new Set<string>();
  const live = split.recs.filter((r) => r.bytes.length > 0);
  for (const r of live) if (r.bytes.length > MAX_LINE) bad.push(r.line);
  const texts = live.filter((r) => r.bytes.length <= MAX_LINE);
  const nonAscii = texts.filter((r) => r.bytes.some((b) => b >= 0x80));
  let encoding: RefFileResult['encoding'] = nonAscii.length === 0 ? 'ascii' : 'utf-8';
  if (kind !== 'ratings' && release !== 'ml-csv' && nonAscii.some((r) => !isUtf8(r.bytes))) encoding = 'latin-1';
  if (kind === 'ratings') encoding = 'ascii';
  let header = release === 'ml-csv';
  for (const r of texts) {
    const text = encoding === 'latin-1' || kind === 'ratings' ? latin1(r.bytes) : isUtf8(r.bytes) ? utf8.decode(r.bytes) : null;
    let ok = text !== null && !hasControl(text, release === 'ml-csv' && kind === 'movies');
    // The first line read is the header (movies.csv: the first one decoded without control characters).
    if (header && (ok || kind === 'ratings')) {
      header = false;
      if (text !== (kind === 'ratings' ? RATINGS_HEADER : MOVIES_HEADER)) bad.push(r.line);
      continue;
    }
    if (ok && kind === 'ratings') {
      const f = text!.split(release === 'ml-1m' ? '::' : release === 'ml-100k' ? '\t' : ',');
      const stars = Number(f[2]);
      const scaleOk = release === 'ml-csv' ? stars >= 0.5 && Number.isInteger(stars * 2) : stars >= 1 && Number.isInteger(stars);
      ok = f.length === 4 && id(f[0]) && id(f[1]) && /^\d+(\.\d+)?$/.test(f[2]) && f[2].length <= 12 && scaleOk && stars <= 5 && /^\d{1,10}$/.test(f[3]) && Number(f[3]) <= 4294967295;
      ok &&= (known.movies === null || known.movies.has(Number(f[1]))) && (known.users === null || known.users.has(Number(f[0])));
      if (ok) pairs.add(`${Number(f[0])}/${Number(f[1])}`);
    } else if (ok) {
      const key = kind === 'movies' ? movieLine(text!, release) : userLine(text!, release);
      ok = key !== null && id(key) && !accepted.has(Number(key));
      if (ok) accepted.add(Number(key));
    }
    if (!ok) bad.push(r.line);
  }
  bad.sort((a, b) => a - b);
  return { lines: split.lines, bad, encoding, accepted, pairs };
}

/** The expected outcome of ingesting `files` with `mode` and `maxErrors` over `current`. */
export function expectedOutcome(files: readonly RefFile[], mode: 'replace' | 'append', maxErrors: number, current: RefCurrent | null): RefOutcome {
  const refuse = (file: string, lines: Iterable<number>, why: string): RefOutcome => ({ outcome: 'refused', file, lines: new Set(lines), why });
  const kinds = new Map<FileKind, { file: RefFile; release: Release }>();
  for (const file of files) {
    const [kind, release] = NAMES[file.name];
    const seen = looksLike(file.bytes);
    if (seen !== null && seen !== `${kind} ${release}`) return refuse(file.name, [1], `content looks like ${seen}`);
    kinds.set(kind, { file, release });
  }
  if (mode === 'replace' && !kinds.has('ratings')) return refuse(files[0].name, [0], 'no ratings file');
  if (mode === 'append' && current !== null) {
    const foreign = files.find((f) => NAMES[f.name][1] !== current.release);
    if (foreign !== undefined) return refuse(foreign.name, [0], 'another release');
  }
  const same = current !== null && current.mode === mode && current.files.length === files.length;
  if (same && files.every((f) => current.files.some((c) => c.name === f.name && c.sha256 === f.sha256 && c.hasEncoding && c.skipped <= maxErrors))) return { outcome: 'unchanged' };

  const base = mode === 'append' ? current : null;
  const results = new Map<string, RefFileResult>();
  const accepted: Partial<Record<FileKind, Set<number>>> = {};
  let pairs = new Set<string>();
  for (const kind of ['movies', 'users', 'ratings'] as const) {
    const input = kinds.get(kind);
    if (input === undefined) continue;
    const union = (mine: Set<number> | undefined, theirs: ReadonlySet<number> | null | undefined) =>
      mine === undefined && (theirs ?? null) === null ? null : new Set([...(mine ?? []), ...(theirs ?? [])]);
    const known = { movies: union(accepted.movies, base?.movieIds), users: union(accepted.users, base?.userIds) };
    const r = parse(input.file.bytes, kind, input.release, known);
    if ('fatal' in r) return refuse(input.file.name, r.fatal, 'whole file');
    if (r.bad.length > maxErrors) return refuse(input.file.name, r.bad, `${r.bad.length} bad lines`);
    const count = kind === 'ratings' ? r.pairs.size : r.accepted.size;
    if (count === 0 && r.bad.length === 0) return refuse(input.file.name, [0], 'no records');
    if (kind === 'ratings' && count === 0 && base === null) return refuse(input.file.name, [...r.bad, 0], 'no valid ratings');
    accepted[kind] = r.accepted;
    if (kind === 'ratings') pairs = r.pairs;
    results.set(input.file.name, { kind, lines: r.lines, bad: r.bad, encoding: r.encoding });
  }
  if (!kinds.has('ratings') && base === null) return refuse(files[0].name, [0], 'no ratings at all');
  return { outcome: 'accepted', read: { ratings: pairs.size, movies: accepted.movies?.size ?? 0, users: accepted.users?.size ?? 0 }, files: results };
}
