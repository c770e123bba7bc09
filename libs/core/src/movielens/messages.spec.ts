/**
 * Messages name the actual cause (issue 12, finding 10): a control character is named with its
 * code and column (an ANSI escape in a title is not "binary data"), and a file with CR-only line
 * endings (old Mac) says so instead of failing on one giant line. Every error names file and line.
 */
import { describe, expect, it } from 'vitest';
import { detectFile } from './detect';
import { createMoviesParser } from './movies.parser';
import { bytesOf, feed, inputError } from './parsers.fixtures';
import { createRatingsParser } from './ratings.parser';
import { createUsersParser } from './users.parser';

const ratingsDat = detectFile('ratings.dat', new Uint8Array());
const moviesDat = detectFile('movies.dat', new Uint8Array());
const moviesCsv = detectFile('movies.csv', new Uint8Array());
const usersDat = detectFile('users.dat', new Uint8Array());

describe('control characters', () => {
  it('names an ANSI escape in a title with its code and column', () => {
    const bytes = bytesOf('1::A (1999)::Drama\n2::B\u001b[31mred (1999)::Drama\n');
    const r = feed(createMoviesParser({ file: moviesDat, maxErrors: 1 }), bytes);
    expect(r.skipped).toEqual([{ file: 'movies.dat', line: 2, reason: 'control character U+001B (ESC) at column 5' }]);
    expect(() => feed(createMoviesParser({ file: moviesDat }), bytes)).toThrow('movies.dat: 1 bad line (max 0); first at line 2: control character U+001B (ESC) at column 5');
  });

  it('counts the column in characters, not bytes, in a UTF-8 title', () => {
    const r = feed(createMoviesParser({ file: moviesCsv, maxErrors: 1 }), bytesOf('movieId,title,genres\n1,Amélie\u0007 (2001),Comedy\n'));
    expect(r.skipped[0]).toEqual({ file: 'movies.csv', line: 2, reason: 'control character U+0007 (BEL) at column 9' });
  });

  it('names control characters in ratings and users lines, and a CR inside a line', () => {
    const ratings = feed(createRatingsParser({ file: ratingsDat, maxErrors: 2 }), bytesOf('1::1::5::1\n2::1::5\u001b::1\n3::1\r::5::1\n'));
    expect(ratings.skipped.map((i) => i.reason)).toEqual(['control character U+001B (ESC) at column 8', 'control character U+000D (CR) at column 5']);
    const users = feed(createUsersParser({ file: usersDat, maxErrors: 1 }), bytesOf('1::F::1::10::48067\n2::F::1::10::480\u000c67\n'));
    expect(users.skipped[0]).toEqual({ file: 'users.dat', line: 2, reason: 'control character U+000C (FF) at column 17' });
  });

  it('still calls a NUL byte binary data, for the whole file', () => {
    const err = inputError(() => feed(createRatingsParser({ file: ratingsDat, maxErrors: 10 }), bytesOf('1::1::5::1\n2::1\u0000::5::1\n')));
    expect(err.issues).toEqual([{ file: 'ratings.dat', line: 2, reason: 'binary data, not a MovieLens text file' }]);
  });
});

describe('CR-only line endings', () => {
  const crOnly = '1::1::5::978300760\r2::1::4::978300761\r3::1::3::978300762\r';

  it('are named as the cause, with file and line, for a small and a large file', () => {
    const small = inputError(() => feed(createRatingsParser({ file: ratingsDat, maxErrors: 1000 }), bytesOf(crOnly)));
    expect(small.message).toBe('ratings.dat:1: CR-only line endings (old Mac format); convert to LF or CR LF');
    expect(small.issues).toEqual([{ file: 'ratings.dat', line: 1, reason: 'CR-only line endings (old Mac format); convert to LF or CR LF' }]);
    const large = inputError(() => feed(createRatingsParser({ file: ratingsDat, maxErrors: 1000 }), bytesOf(crOnly.repeat(5000)), 4096));
    expect(large.issues.map((i) => i.reason)).toEqual(['CR-only line endings (old Mac format); convert to LF or CR LF']);
    const movies = inputError(() => feed(createMoviesParser({ file: moviesDat, maxErrors: 10 }), bytesOf('1::A (1999)::Drama\r2::B (1999)::Drama\r')));
    expect(movies.message).toBe('movies.dat:1: CR-only line endings (old Mac format); convert to LF or CR LF');
  });

  it('are recognized by content detection too', () => {
    expect(detectFile('upload.txt', bytesOf(crOnly))).toMatchObject({ kind: 'ratings', release: 'ml-1m' });
  });

  it('do not confuse a one-line file ending in CR, or CR LF files', () => {
    expect(feed(createRatingsParser({ file: ratingsDat }), bytesOf('1::1::5::978300760\r')).table.length).toBe(1);
    expect(feed(createRatingsParser({ file: ratingsDat }), bytesOf('1::1::5::1\r\n2::1::5::1\r\n'), 1).table.length).toBe(2);
  });
});

describe('line numbers across quoted CSV line breaks', () => {
  const head = 'movieId,title,genres\n1,A (1999),Drama\n';

  it('count the line breaks of a quoted record skipped as too long', () => {
    // A stray quote on line 3 runs the field over 40,000 lines (over 64 KiB) up to the quote on line 40,004.
    const body = `2,"Broken (1999),Drama\n${'3,B (1999),Drama\n'.repeat(40_000)}4,C" (1999),Drama\nx,D (1999),Drama\n5,E (1999),Drama\n`;
    const r = feed(createMoviesParser({ file: moviesCsv, maxErrors: 2 }), bytesOf(`${head}${body}`), 4096);
    expect(r.skipped.map((i) => `${i.line}: ${i.reason}`)).toEqual(['3: line longer than 65536 bytes', "40005: movie id 'x' is not a positive integer"]);
    expect(r.movies.map((m) => m.id)).toEqual([1, 5]);
    expect(r.lines).toBe(40006);
  });

  it('place a NUL byte on its own line when a quoted record spans chunks', () => {
    const bytes = bytesOf(`${head}2,"Two\nLines\nHere\u0000 (1999)",Drama\n`);
    for (const size of [5, 40, bytes.length]) {
      expect(inputError(() => feed(createMoviesParser({ file: moviesCsv, maxErrors: 5 }), bytes, size)).issues.at(-1)).toEqual({
        file: 'movies.csv',
        line: 5,
        reason: 'binary data, not a MovieLens text file',
      });
    }
  });
});
