import { describe, expect, it } from 'vitest';
import type { LineIssue } from '../errors';
import { detectFile, type DetectedFile } from './detect';
import type { ParserOptions } from './parser-options';
import { bytesOf, feed, feedRandomly, inputError } from './parsers.fixtures';
import { createRatingsParser, type RatingsResult } from './ratings.parser';

const ml1m = detectFile('ratings.dat', new Uint8Array());
const ml100k = detectFile('u.data', new Uint8Array());
const csv = detectFile('ratings.csv', new Uint8Array());

function parse(file: DetectedFile, text: string, options: Omit<ParserOptions, 'file'> = {}): RatingsResult {
  return feed(createRatingsParser({ file, ...options }), bytesOf(text));
}

/** Parses `text` holding one bad line among good ones and returns that line's issue. */
function issueOf(file: DetectedFile, text: string, options: Omit<ParserOptions, 'file'> = {}): LineIssue {
  const result = parse(file, text, { maxErrors: 1, ...options });
  expect(result.skipped).toHaveLength(1);
  return result.skipped[0];
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const ok1m = '1::10::5::978300760\n';

describe('createRatingsParser', () => {
  it('parses the three formats into columns', () => {
    const a = parse(ml1m, '1::1193::5::978300760\n1::661::3::978302109\n');
    expect(a.table.length).toBe(2);
    expect([...a.table.users]).toEqual([1, 1]);
    expect([...a.table.movies]).toEqual([1193, 661]);
    expect([...a.table.ratings]).toEqual([5, 3]);
    expect([...a.table.timestamps]).toEqual([978300760, 978302109]);
    expect(a.lines).toBe(2);
    const b = parse(ml100k, '196\t242\t3\t881250949\r\n186\t302\t3\t891717742');
    expect([...b.table.movies]).toEqual([242, 302]);
    const c = parse(csv, '\uFEFFuserId,movieId,rating,timestamp\n1,296,5.0,1147880044\n1,307,3.5,1147868828\n2,1,0.5,1\n');
    expect([...c.table.ratings]).toEqual([5, 3.5, 0.5]);
    expect(c.lines).toBe(4);
  });

  it('copes with CRLF, a missing final newline, a BOM and blank lines', () => {
    const r = parse(ml1m, '\uFEFF1::1::4::100\r\n\r\n2::2::5::200');
    expect(r.table.length).toBe(2);
    expect([...r.table.timestamps]).toEqual([100, 200]);
  });

  it('reports wrong field counts (truncated line, extra field)', () => {
    expect(issueOf(ml1m, `${ok1m}1::10::5\n`)).toEqual({ file: 'ratings.dat', line: 2, reason: "expected 4 fields separated by '::', found 3" });
    expect(issueOf(ml1m, `1::10::5::1::9\n${ok1m}`)).toEqual({ file: 'ratings.dat', line: 1, reason: "expected 4 fields separated by '::', found 5" });
    expect(issueOf(ml100k, '1\t2\t3\n1\t2\t3\t4\n').reason).toBe('expected 4 fields separated by tabs, found 3');
    expect(issueOf(csv, 'userId,movieId,rating,timestamp\n1,2,3.5,4,5\n1,2,3,4\n').line).toBe(2);
  });

  it('reports non-numeric and non-positive ids', () => {
    expect(issueOf(ml1m, `${ok1m}x::10::5::1\n`)).toEqual({ file: 'ratings.dat', line: 2, reason: "user id 'x' is not a positive integer" });
    expect(issueOf(ml1m, `${ok1m}0::10::5::1\n`).reason).toBe("user id '0' is not a positive integer");
    expect(issueOf(ml1m, `${ok1m}-3::10::5::1\n`).reason).toBe("user id '-3' is not a positive integer");
    expect(issueOf(ml1m, `${ok1m}1::1.5::5::1\n`).reason).toBe("movie id '1.5' is not a positive integer");
    expect(issueOf(ml1m, `${ok1m}1::99999999999::5::1\n`).reason).toBe("movie id '99999999999' is not a positive integer");
  });

  it('reports ratings outside the release scale', () => {
    expect(issueOf(ml1m, `${ok1m}1::10::0::1\n`).reason).toBe('rating 0 is outside the ML-1M scale 1..5 in steps of 1');
    expect(issueOf(ml1m, `${ok1m}1::10::6::1\n`).reason).toBe('rating 6 is outside the ML-1M scale 1..5 in steps of 1');
    expect(issueOf(ml1m, `${ok1m}1::10::3.5::1\n`).reason).toBe('rating 3.5 is outside the ML-1M scale 1..5 in steps of 1');
    expect(issueOf(ml100k, '1\t1\t6\t1\n1\t2\t3\t1\n')).toEqual({ file: 'u.data', line: 1, reason: 'rating 6 is outside the ML-100K scale 1..5 in steps of 1' });
    const head = 'userId,movieId,rating,timestamp\n1,1,4.0,1\n';
    expect(issueOf(csv, `${head}1,2,3.7,1\n`)).toEqual({ file: 'ratings.csv', line: 3, reason: 'rating 3.7 is outside the CSV scale 0.5..5 in steps of 0.5' });
    expect(issueOf(csv, `${head}1,2,0,1\n`).reason).toBe('rating 0 is outside the CSV scale 0.5..5 in steps of 0.5');
    expect(issueOf(csv, `${head}1,2,5.5,1\n`).reason).toBe('rating 5.5 is outside the CSV scale 0.5..5 in steps of 0.5');
    expect(issueOf(csv, `${head}1,2,four,1\n`).reason).toBe("rating 'four' is not a number");
    expect(issueOf(csv, `${head}1,2,.5,1\n`).reason).toBe("rating '.5' is not a number");
    // Near a step is not on it: 2.9999999999 is refused, not stored as 3; 4.50 is 4.5.
    expect(issueOf(ml1m, `${ok1m}1::11::2.9999999999::1\n`).reason).toBe('rating 2.9999999999 is outside the ML-1M scale 1..5 in steps of 1');
    expect(issueOf(csv, `${head}1,2,3.5000000001,1\n`).reason).toBe('rating 3.5000000001 is outside the CSV scale 0.5..5 in steps of 0.5');
    expect([...parse(csv, `${head}1,3,4.50,1\n`).table.ratings]).toEqual([4, 4.5]);
  });

  it('reports bad timestamps', () => {
    expect(issueOf(ml1m, `${ok1m}1::10::5::yesterday\n`).reason).toBe("bad timestamp 'yesterday' (expected seconds since 1970)");
    expect(issueOf(ml1m, `${ok1m}1::10::5::\n`).reason).toBe("bad timestamp '' (expected seconds since 1970)");
    expect(issueOf(ml1m, `${ok1m}1::10::5::99999999999\n`).reason).toBe("bad timestamp '99999999999' (expected seconds since 1970)");
  });

  it('reports ratings of unknown movies and by unknown users when those are known', () => {
    const knownMovies = new Set([10]);
    const knownUsers = new Set([1]);
    expect(issueOf(ml1m, `${ok1m}1::11::5::1\n`, { knownMovies, knownUsers })).toEqual({
      file: 'ratings.dat',
      line: 2,
      reason: 'unknown movie 11 (not in the movies file)',
    });
    expect(issueOf(ml1m, `${ok1m}2::10::5::1\n`, { knownMovies, knownUsers }).reason).toBe('unknown user 2 (not in the users file)');
  });

  it('rejects an empty file as a whole-file issue', () => {
    const err = inputError(() => parse(ml1m, ''));
    expect(err.message).toBe('ratings.dat: empty file');
    expect(err.issues).toEqual([{ file: 'ratings.dat', line: 0, reason: 'empty file' }]);
    expect(inputError(() => parse(csv, 'userId,movieId,rating,timestamp\n')).message).toBe('ratings.csv: no ratings in the file');
  });

  it('rejects binary data and UTF-16 text', () => {
    const zip = Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0]);
    const err = inputError(() => feed(createRatingsParser({ file: ml1m, maxErrors: 1000 }), zip));
    expect(err.issues).toEqual([{ file: 'ratings.dat', line: 1, reason: 'a zip archive, not a MovieLens text file (decompress it first)' }]);
    const later = inputError(() => parse(ml1m, `${ok1m}${ok1m}1::1\u0000::5::1\n`, { maxErrors: 10 }));
    expect(later.issues[0]).toEqual({ file: 'ratings.dat', line: 3, reason: 'binary data, not a MovieLens text file' });
    const gzipish = Uint8Array.from([0x1f, 0x8b, 8, 0x89, 0x50, 10]);
    expect(inputError(() => feed(createRatingsParser({ file: ml1m }), gzipish)).issues).toEqual([
      { file: 'ratings.dat', line: 1, reason: 'gzip-compressed data, not a MovieLens text file (decompress it first)' },
    ]);
    const binary = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(inputError(() => feed(createRatingsParser({ file: ml1m, maxErrors: 5 }), binary)).issues[0].reason).toBe('binary data, not a MovieLens text file');
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(bytesOf(ok1m)).flatMap((b) => [b, 0])]);
    expect(inputError(() => feed(createRatingsParser({ file: ml1m }), utf16)).message).toBe(
      'ratings.dat: UTF-16 text; MovieLens files are ASCII, UTF-8 or Latin-1',
    );
    const noBom = Uint8Array.from(Array.from(bytesOf(ok1m)).flatMap((b) => [b, 0]));
    expect(inputError(() => feed(createRatingsParser({ file: ml1m }), noBom)).issues[0].reason).toBe(
      'UTF-16 text; MovieLens files are ASCII, UTF-8 or Latin-1 (no BOM)',
    );
  });

  it('caps line length: a 10 MB single line is reported, not buffered', () => {
    const huge = new Uint8Array(10 * 1024 * 1024).fill(0x31);
    huge[huge.length - 1] = 10;
    const parser = createRatingsParser({ file: ml1m, maxErrors: 1 });
    parser.push(bytesOf(ok1m));
    for (let i = 0; i < huge.length; i += 65536) parser.push(huge.subarray(i, i + 65536));
    parser.push(bytesOf(ok1m));
    const r = parser.end();
    expect(r.skipped).toEqual([{ file: 'ratings.dat', line: 2, reason: 'line longer than 65536 bytes' }]);
    expect(r.table.length).toBe(1);
    expect(r.lines).toBe(3);
    // The same line in one chunk, and at the end of the file without a newline.
    const once = feed(createRatingsParser({ file: ml1m, maxErrors: 1 }), join(bytesOf(ok1m), huge));
    expect(once.skipped[0].line).toBe(2);
    const tail = feed(createRatingsParser({ file: ml1m, maxErrors: 1 }), join(bytesOf(ok1m), huge.subarray(0, 70000)), 4096);
    expect(tail.skipped[0]).toEqual({ file: 'ratings.dat', line: 2, reason: 'line longer than 65536 bytes' });
  });

  it('throws once the bad lines exceed maxErrors, listing them; skips them below', () => {
    const bad = `${ok1m}1::10::6::1\n2::10::0::1\n3::10::9::1\n4::10::4::1\n`;
    const err = inputError(() => parse(ml1m, bad));
    expect(err.message).toBe('ratings.dat: 1 bad line (max 0); first at line 2: rating 6 is outside the ML-1M scale 1..5 in steps of 1');
    const two = inputError(() => parse(ml1m, bad, { maxErrors: 2 }));
    expect(two.message.startsWith('ratings.dat: 3 bad lines (max 2)')).toBe(true);
    expect(two.issues.map((i) => i.line)).toEqual([2, 3, 4]);
    const ok = parse(ml1m, bad, { maxErrors: 3 });
    expect(ok.skipped.map((i) => i.line)).toEqual([2, 3, 4]);
    expect([...ok.table.users]).toEqual([1, 4]);
  });

  it('fails fast: a huge bad file throws at the first bad line past the limit', () => {
    const parser = createRatingsParser({ file: ml1m, maxErrors: 5 });
    const junk = bytesOf('junk line\n'.repeat(1000));
    expect(() => parser.push(junk)).toThrow('ratings.dat: 6 bad lines (max 5)');
  });

  it('keeps the last of duplicate (user, movie) ratings and reports them', () => {
    const r = parse(ml1m, '1::10::1::100\n2::10::2::200\n1::11::3::300\n1::10::4::400\n2::10::5::500\n');
    expect([...r.table.users]).toEqual([1, 1, 2]);
    expect([...r.table.movies]).toEqual([11, 10, 10]);
    expect([...r.table.ratings]).toEqual([3, 4, 5]);
    expect(r.skipped).toEqual([]);
    expect(r.duplicates.count).toBe(2);
    expect(r.duplicates.examples).toEqual([
      { file: 'ratings.dat', line: 4, reason: 'user 1 rated movie 10 again; replaces line 1' },
      { file: 'ratings.dat', line: 5, reason: 'user 2 rated movie 10 again; replaces line 2' },
    ]);
  });

  it('gives identical results for any chunking of the same bytes', () => {
    const lines: string[] = ['userId,movieId,rating,timestamp'];
    for (let i = 0; i < 3000; i++) lines.push(`${(i % 97) + 1},${(i * 7919) % 1000 + 1},${((i % 10) + 1) / 2},${1e9 + i}`);
    lines.push('1,x,3,4', '5,5,5,5,5');
    const bytes = bytesOf(`\uFEFF${lines.join('\r\n')}`);
    const whole = feed(createRatingsParser({ file: csv, maxErrors: 2 }), bytes);
    expect(whole.table.length).toBeGreaterThan(2000);
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const max of [2, 64, 65536]) {
        expect(feedRandomly(createRatingsParser({ file: csv, maxErrors: 2 }), bytes, seed, max)).toEqual(whole);
      }
    }
    expect(feed(createRatingsParser({ file: csv, maxErrors: 2 }), bytes, 1)).toEqual(whole);
  });
});
