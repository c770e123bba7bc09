/**
 * Streaming movies parser: movies.dat (`id::Title (Year)::A|B`), u.item (24 `|` fields, 19
 * genre flags), both UTF-8 or Latin-1 decided per file, and movies.csv (RFC 4180, UTF-8,
 * header). Genres are checked against the release's list (genres.ts).
 */
import { InputError } from '../errors';
import { GENRES_ML100K } from './codes';
import { CSV_MOVIES_HEADER } from './detect';
import { parseGenreField } from './genres';
import type { ParserOptions, ParseSummary, StreamParser } from './parser-options';
import { isId, splitCsvRecord, TextLineReader } from './text-lines';
import { splitTitle } from './title';
import type { Movie } from './types';

/** What createMoviesParser().end() returns. */
export interface MoviesResult extends ParseSummary {
  /** Valid movies in file order; ids are unique. */
  movies: Movie[];
}

/** Fields of one line, or a reason it is malformed. */
type Fields = { id: string; title: string; genres: string[] } | string;

function fieldsDat(text: string): Fields {
  const f = text.split('::');
  if (f.length !== 3) return `expected 3 fields separated by '::', found ${f.length}`;
  const genres = parseGenreField(f[2], 'ml-1m');
  return typeof genres === 'string' ? genres : { id: f[0], title: f[1], genres };
}

function fieldsItem(text: string): Fields {
  const f = text.split('|');
  if (f.length !== 5 + GENRES_ML100K.length) return `expected ${5 + GENRES_ML100K.length} fields separated by '|', found ${f.length}`;
  const genres: string[] = [];
  for (let g = 0; g < GENRES_ML100K.length; g++) {
    const flag = f[5 + g];
    if (flag !== '0' && flag !== '1') return `genre flag ${g + 1} (${GENRES_ML100K[g]}) is '${flag}', expected 0 or 1`;
    if (flag === '1') genres.push(GENRES_ML100K[g]);
  }
  if (genres.length === 0) return "no genre flag is set (u.item marks a movie without genres as 'unknown')";
  return { id: f[0], title: f[1], genres };
}

function fieldsCsv(text: string): Fields {
  const f = splitCsvRecord(text);
  if (typeof f === 'string') return f;
  if (f.length !== 3) return `expected 3 comma-separated fields, found ${f.length}`;
  const genres = parseGenreField(f[2], 'ml-csv');
  return typeof genres === 'string' ? genres : { id: f[0], title: f[1], genres };
}

/** Creates a streaming parser of a movies file (movies.dat, u.item, movies.csv). */
export function createMoviesParser(options: ParserOptions): StreamParser<MoviesResult> {
  const { file } = options;
  if (file.kind !== 'movies') throw new InputError(`${file.fileName}: not a movies file (it holds ${file.kind})`);
  const fields = file.release === 'ml-1m' ? fieldsDat : file.release === 'ml-100k' ? fieldsItem : fieldsCsv;
  const movies: Movie[] = [];
  const firstLine = new Map<number, number>();
  let needHeader = file.release === 'ml-csv';
  const reader = new TextLineReader(file, options.maxErrors ?? 0, (text, line) => {
    if (needHeader) {
      needHeader = false;
      return text === CSV_MOVIES_HEADER ? undefined : `expected the header '${CSV_MOVIES_HEADER}'`;
    }
    const f = fields(text);
    if (typeof f === 'string') return f;
    if (!isId(f.id)) return `movie id '${f.id.slice(0, 24)}' is not a positive integer`;
    const id = Number(f.id);
    const first = firstLine.get(id);
    if (first !== undefined) return `duplicate movie id ${id} (first on line ${first})`;
    if (f.title.trim() === '') return `movie ${id} has an empty title`;
    firstLine.set(id, line);
    movies.push({ id, ...splitTitle(f.title), genres: f.genres });
    return undefined;
  });
  return {
    push: (chunk) => reader.push(chunk),
    end: () => ({ movies, ...reader.end('movies', () => movies.length) }),
  };
}
