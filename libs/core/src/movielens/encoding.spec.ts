/**
 * Per-file encoding of the movies and users files (issue 12, finding 3): a `.dat` / u.item /
 * u.user file whose non-ASCII lines are all valid UTF-8 is UTF-8, otherwise Latin-1 (the real
 * ML-1M movies.dat and ML-100K u.item are ISO-8859-1); CSV files are strict UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineIssue } from '../errors';
import { detectFile } from './detect';
import { LineDecoder } from './line-decoder';
import { createMoviesParser } from './movies.parser';
import { bytesOf, feed, feedRandomly } from './parsers.fixtures';
import { utf8ErrorAt } from './text-encoding';
import { createUsersParser } from './users.parser';

const moviesDat = detectFile('movies.dat', new Uint8Array());
const uItem = detectFile('u.item', new Uint8Array());
const uUser = detectFile('u.user', new Uint8Array());
const moviesCsv = detectFile('movies.csv', new Uint8Array());

const dat = (bytes: Uint8Array, maxErrors = 0) => feed(createMoviesParser({ file: moviesDat, maxErrors }), bytes);
const lines = (...ls: string[]) => `${ls.join('\n')}\n`;
const flags = (on: number) => Array.from({ length: 19 }, (_, g) => (g === on ? '1' : '0')).join('|');

describe('encoding of movies.dat, u.item and u.user', () => {
  it('decodes a UTF-8 movies.dat as UTF-8 (Misérables stays Misérables) and says so', () => {
    const r = dat(bytesOf(lines('1::Toy Story (1995)::Animation', '73::Misérables, Les (1995)::Drama|Musical', '74::Amélie (2001)::Comedy')));
    expect(r.movies.map((m) => m.title)).toEqual(['Toy Story', 'Misérables, Les', 'Amélie']);
    expect(r.encoding).toBe('utf-8');
  });

  it('decodes a Latin-1 movies.dat as Latin-1, also when a UTF-8-looking line came first', () => {
    const latin = bytesOf(lines('73::Misérables, Les (1995)::Drama|Musical', '74::Amélie (2001)::Comedy'), true);
    const r = dat(latin);
    expect(r.movies.map((m) => m.title)).toEqual(['Misérables, Les', 'Amélie']);
    expect(r.encoding).toBe('latin-1');
    // 0xC3 0xA9 is valid UTF-8 (é), but the file's second line is not: the whole file is Latin-1.
    const mixed = new Uint8Array([...bytesOf('1::Caf\u00c3\u00a9 (1990)::Drama\n', true), ...bytesOf('2::No\u00ebl (1991)::Drama\n', true)]);
    expect(dat(mixed).movies.map((m) => m.title)).toEqual(['Caf\u00c3\u00a9', 'No\u00ebl']);
  });

  it('reports an all-ASCII file as ascii', () => {
    expect(dat(bytesOf(lines('1::Toy Story (1995)::Animation'))).encoding).toBe('ascii');
  });

  it('keeps line order and line numbers of bad lines after the first non-ASCII line', () => {
    const text = lines('1::A (1990)::Drama', '2::Amélie (2001)::Comedy', '3::B (1990)', '2::Dup (1990)::Drama', '4::C (1990)::Drama');
    const r = dat(bytesOf(text), 2);
    expect(r.movies.map((m) => m.id)).toEqual([1, 2, 4]);
    expect(r.skipped.map((i: LineIssue) => `${i.line}: ${i.reason}`)).toEqual([
      "3: expected 3 fields separated by '::', found 2",
      '4: duplicate movie id 2 (first on line 2)',
    ]);
    expect(() => dat(bytesOf(text), 1)).toThrow("movies.dat: 2 bad lines (max 1); first at line 3: expected 3 fields separated by '::', found 2");
  });

  it('gives the same result for any chunking, including a UTF-8 character cut between chunks', () => {
    const bytes = bytesOf(lines('1::A (1990)::Drama', '2::Amélie (2001)::Comedy', '3::Señor (1990)::Drama'));
    const whole = dat(bytes);
    for (const seed of [1, 2, 3, 4]) expect(feedRandomly(createMoviesParser({ file: moviesDat }), bytes, seed, 5)).toEqual(whole);
  });

  it('detects the encoding of u.item and u.user too', () => {
    const item = (title: string) => `1|${title} (1995)|01-Jan-1995||http://x|${flags(8)}\n`;
    expect(feed(createMoviesParser({ file: uItem }), bytesOf(item('Misérables, Les'))).movies[0].title).toBe('Misérables, Les');
    const latin = feed(createMoviesParser({ file: uItem }), bytesOf(item('Misérables, Les'), true));
    expect([latin.movies[0].title, latin.encoding]).toEqual(['Misérables, Les', 'latin-1']);
    const users = feed(createUsersParser({ file: uUser }), bytesOf('1|24|M|technician|Zürich\n'));
    expect([users.users[0].zip, users.encoding]).toEqual(['Zürich', 'utf-8']);
  });

  it('drops only the file\'s own BOM: a second one stays in line 1 (a bad id), not silently removed', () => {
    const twice = new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...bytesOf('1|24|M|technician|85711\n2|25|F|writer|1\n')]);
    const r = feed(createUsersParser({ file: uUser, maxErrors: 1 }), twice);
    expect(r.users.map((u) => u.id)).toEqual([2]);
    expect(r.skipped).toEqual([{ file: 'u.user', line: 1, reason: "user id '\uFEFF1' is not a positive integer" }]);
    const csv = feed(createMoviesParser({ file: moviesCsv, maxErrors: 1 }), bytesOf('\uFEFFmovieId,title,genres\n\uFEFF1,A (1999),Drama\n2,B (1999),Drama\n'));
    expect(csv.skipped.map((i) => i.line)).toEqual([2]);
  });

  it('reads CSV as strict UTF-8 and reports the column of an invalid byte', () => {
    const ok = feed(createMoviesParser({ file: moviesCsv }), bytesOf('movieId,title,genres\n1,Amélie (2001),Comedy\n'));
    expect(ok.encoding).toBe('utf-8');
    const bad = new Uint8Array([...bytesOf('movieId,title,genres\n1,A (1999),Drama\n2,Am'), 0xe9, ...bytesOf('lie (2001),Comedy\n')]);
    const r = feed(createMoviesParser({ file: moviesCsv, maxErrors: 1 }), bad);
    expect(r.skipped).toEqual([{ file: 'movies.csv', line: 3, reason: 'invalid UTF-8: byte 0xE9 at column 5 (CSV files are UTF-8)' }]);
  });
});

describe('utf8ErrorAt', () => {
  it("agrees with Node's isUtf8 on any bytes (no overlongs, surrogates or > U+10FFFF)", () => {
    const bytes = fc.uint8Array({ maxLength: 12 }).map((b) => b.map((x) => (x & 1 ? x : 0x80 | (x & 0x3f)) | (x > 200 ? 0xc0 : 0)));
    fc.assert(fc.property(fc.oneof(bytes, fc.uint8Array({ maxLength: 12 })), (b) => {
        expect(utf8ErrorAt(b, 0, b.length) < 0).toBe(isUtf8(b));
      }), { numRuns: 3000 });
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe9], [0x41, 0xc3]]) {
      expect(utf8ErrorAt(Uint8Array.from(bad), 0, bad.length)).toBe(bad[0] === 0x41 ? 1 : 0);
    }
  });
});

describe('LineDecoder', () => {
  it('takes a file as UTF-8 once the held lines pass the bound, and reports a later non-UTF-8 line', () => {
    const texts: string[] = [];
    const bad: string[] = [];
    const decoder = new LineDecoder({ strictUtf8: false, maxUndecidedBytes: 8, onText: (t) => texts.push(t), onBadLine: (l, r) => bad.push(`${l}: ${r}`) });
    const line = (b: Uint8Array, n: number) => decoder.line(b, 0, b.length, n);
    line(bytesOf('Café'), 1);
    expect(texts).toEqual([]);
    line(bytesOf('Noël!'), 2);
    expect(texts).toEqual(['Café', 'Noël!']);
    line(bytesOf('Caf\u00e9', true), 3);
    decoder.end();
    expect(bad).toEqual(['3: invalid UTF-8: byte 0xE9 at column 4 (read as UTF-8: the 8 bytes from its first non-ASCII line on were UTF-8)']);
    expect(decoder.encoding).toBe('utf-8');
  });
});
