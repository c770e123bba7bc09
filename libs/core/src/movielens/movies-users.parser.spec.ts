import { describe, expect, it } from 'vitest';
import { InputError, type LineIssue } from '../errors';
import { detectFile, type DetectedFile } from './detect';
import { createMoviesParser, type MoviesResult } from './movies.parser';
import { bytesOf, feed, feedRandomly } from './parsers.fixtures';
import { createUsersParser, type UsersResult } from './users.parser';

const moviesDat = detectFile('movies.dat', new Uint8Array());
const uItem = detectFile('u.item', new Uint8Array());
const moviesCsv = detectFile('movies.csv', new Uint8Array());
const usersDat = detectFile('users.dat', new Uint8Array());
const uUser = detectFile('u.user', new Uint8Array());

const movies = (file: DetectedFile, bytes: Uint8Array, maxErrors = 0): MoviesResult => feed(createMoviesParser({ file, maxErrors }), bytes);
const users = (file: DetectedFile, text: string, maxErrors = 0): UsersResult => feed(createUsersParser({ file, maxErrors }), bytesOf(text));

/** The only skipped line when parsing with one bad line tolerated. */
function oneIssue(result: { skipped: LineIssue[] }): LineIssue {
  expect(result.skipped).toHaveLength(1);
  return result.skipped[0];
}

const flags = (on: number[]) => Array.from({ length: 19 }, (_, g) => (on.includes(g) ? '1' : '0')).join('|');

describe('createMoviesParser', () => {
  it('decodes movies.dat as Latin-1 and splits title, year and genres', () => {
    const r = movies(moviesDat, bytesOf('73::Mis\u00e9rables, Les (1995)::Drama|Musical\r\n1::Toy Story (1995)::Animation|Children\'s|Comedy', true));
    expect(r.movies).toEqual([
      { id: 73, title: 'Misérables, Les', year: 1995, genres: ['Drama', 'Musical'] },
      { id: 1, title: 'Toy Story', year: 1995, genres: ['Animation', "Children's", 'Comedy'] },
    ]);
  });

  it('reads u.item genre flags in u.genre order and keeps a title without year', () => {
    const text = `543|Mis\u00e9rables, Les (1995)|01-Jan-1995||http://x|${flags([8, 12])}\n267|unknown||||${flags([0])}\n`;
    const r = movies(uItem, bytesOf(text, true));
    expect(r.movies).toEqual([
      { id: 543, title: 'Misérables, Les', year: 1995, genres: ['Drama', 'Musical'] },
      { id: 267, title: 'unknown', year: null, genres: ['unknown'] },
    ]);
    expect(oneIssue(movies(uItem, bytesOf(`1|A (1990)||||${flags([8])}\n2|B (1991)||||${flags([8]).replace(/^0/, '2')}\n`), 1))).toEqual({
      file: 'u.item',
      line: 2,
      reason: "genre flag 1 (unknown) is '2', expected 0 or 1",
    });
  });

  it('parses RFC 4180 quoted CSV titles as UTF-8 and maps (no genres listed) to none', () => {
    const text = 'movieId,title,genres\n11,"American President, The (1995)",Comedy|Drama|Romance\n2,"Quote ""Me"" (2001)",(no genres listed)\n3,Amélie (2001),Comedy\n';
    expect(movies(moviesCsv, bytesOf(text)).movies).toEqual([
      { id: 11, title: 'American President, The', year: 1995, genres: ['Comedy', 'Drama', 'Romance'] },
      { id: 2, title: 'Quote "Me"', year: 2001, genres: [] },
      { id: 3, title: 'Amélie', year: 2001, genres: ['Comedy'] },
    ]);
  });

  it('reports each malformed movies line with its number and reason', () => {
    const head = 'movieId,title,genres\n1,A (1999),Drama\n';
    expect(oneIssue(movies(moviesCsv, bytesOf(`${head}2,"Broken (1999),Drama\n`), 1)).reason).toBe('unterminated quoted field');
    expect(oneIssue(movies(moviesCsv, bytesOf(`${head}2,"A"x,Drama\n`), 1)).reason).toBe("unexpected 'x' after a closing quote");
    expect(oneIssue(movies(moviesCsv, bytesOf(`${head}2,A,B,Drama\n`), 1)).reason).toBe('expected 3 comma-separated fields, found 4');
    expect(oneIssue(movies(moviesCsv, bytesOf(`${head}x,A (1999),Drama\n`), 1))).toEqual({ file: 'movies.csv', line: 3, reason: "movie id 'x' is not a positive integer" });
    expect(oneIssue(movies(moviesCsv, bytesOf(`${head}1,B (1999),Drama\n`), 1))).toEqual({ file: 'movies.csv', line: 3, reason: 'duplicate movie id 1 (first on line 2)' });
    expect(oneIssue(movies(moviesDat, bytesOf('1::A (1999)::Drama\n2::B (1999)\n'), 1)).reason).toBe("expected 3 fields separated by '::', found 2");
    expect(oneIssue(movies(moviesDat, bytesOf('1::A (1999)::Drama\n2::::Drama\n'), 1)).reason).toBe('movie 2 has an empty title');
  });

  it('reports invalid UTF-8 in movies.csv but accepts any byte in Latin-1 movies.dat', () => {
    const bad = new Uint8Array([...bytesOf('movieId,title,genres\n1,A (1999),Drama\n2,Am'), 0xe9, ...bytesOf('lie (2001),Comedy\n')]);
    expect(oneIssue(movies(moviesCsv, bad, 1))).toEqual({ file: 'movies.csv', line: 3, reason: 'invalid UTF-8: byte 0xE9 at column 5 (CSV files are UTF-8)' });
    const latin = new Uint8Array([...bytesOf('2::Am'), 0xe9, 0x80, ...bytesOf('lie (2001)::Comedy\n')]);
    expect(movies(moviesDat, latin).movies[0].title).toBe('Am\u00e9\u0080lie');
  });

  it('names control characters, even in Latin-1 files', () => {
    const bad = new Uint8Array([...bytesOf('1::A (1999)::Drama\n2::B'), 0x1b, 0x03, ...bytesOf(' (1999)::Drama\n')]);
    expect(oneIssue(movies(moviesDat, bad, 1))).toEqual({ file: 'movies.dat', line: 2, reason: 'control character U+001B (ESC) at column 5' });
  });

  it('handles a quoted line break inside a CSV title across chunk boundaries', () => {
    const bytes = bytesOf('movieId,title,genres\r\n1,"Two\nLines (1999)",Drama\r\n2,B (2000),Comedy');
    const whole = movies(moviesCsv, bytes);
    expect(whole.movies.map((m) => m.title)).toEqual(['Two\nLines', 'B']);
    expect(whole.lines).toBe(4);
    for (const seed of [1, 2, 3]) expect(feedRandomly(createMoviesParser({ file: moviesCsv }), bytes, seed, 8)).toEqual(whole);
  });

  it('rejects an empty movies file and a UTF-16 one', () => {
    expect(() => movies(moviesDat, new Uint8Array())).toThrow('movies.dat: empty file');
    expect(() => movies(moviesCsv, new Uint8Array([0xfe, 0xff, 0, 0x31]))).toThrow(InputError);
  });
});

describe('createUsersParser', () => {
  it('maps ML-1M age and occupation codes to labels', () => {
    expect(users(usersDat, '1::F::1::10::48067\n2::M::56::16::70072\n').users).toEqual([
      { id: 1, gender: 'F', age: 1, ageGroup: 'Under 18', occupation: 'K-12 student', zip: '48067' },
      { id: 2, gender: 'M', age: 56, ageGroup: '56+', occupation: 'self-employed', zip: '70072' },
    ]);
  });

  it('gives ML-100K users an age group from their age in years', () => {
    expect(users(uUser, '1|24|M|technician|85711\n2|53|F|other|94043\n3|17|M|student|1\n4|25|F|writer|2\n').users.map((u) => u.ageGroup)).toEqual([
      '18-24',
      '50-55',
      'Under 18',
      '25-34',
    ]);
  });

  it('reports unknown gender, age and occupation codes, bad ids and duplicates', () => {
    const ok = '1::F::1::10::48067\n';
    const cases: [string, string][] = [
      ['2::X::1::10::1', "unknown gender 'X' (expected M or F)"],
      ['2::F::2::10::1', "unknown age code '2' (expected 1, 18, 25, 35, 45, 50 or 56)"],
      ['2::F::1::21::1', "unknown occupation code '21' (expected 0..20)"],
      ['2::F::1::10', "expected 5 fields separated by '::', found 4"],
      ['0::F::1::10::1', "user id '0' is not a positive integer"],
      ['1::M::25::1::1', 'duplicate user id 1 (first on line 1)'],
    ];
    for (const [line, reason] of cases) expect(oneIssue(users(usersDat, `${ok}${line}\n`, 1))).toEqual({ file: 'users.dat', line: 2, reason });
    expect(oneIssue(users(uUser, '1|24|M|technician|85711\n2|200|F|other|1\n', 1)).reason).toBe("bad age '200' (expected years 1..120)");
    expect(oneIssue(users(uUser, '1|24|M|technician|85711\n2|20|F|astronaut|1\n', 1)).reason).toBe("unknown occupation 'astronaut'");
  });

  it('throws past maxErrors and refuses a CSV users file', () => {
    expect(() => users(usersDat, '1::F::1::10::1\n2::F::99::10::1\n')).toThrow("users.dat: 1 bad line (max 0); first at line 2: unknown age code '99'");
    expect(() => createUsersParser({ file: { kind: 'users', release: 'ml-csv', fileName: 'users.csv' } })).toThrow('users.csv: not a users file');
  });
});
