/**
 * Genre names are checked against the release's list (issue 12, finding 5): a name outside it,
 * an empty genre field, an empty name, `(no genres listed)` beside other genres and a repeated
 * genre are bad lines under the maxErrors policy. Lists: codes.ts (ML-1M / ML-10M READMEs and
 * data, CSV data).
 */
import { describe, expect, it } from 'vitest';
import type { DetectedFile } from './detect';
import { detectFile } from './detect';
import { createMoviesParser } from './movies.parser';
import { bytesOf, feed } from './parsers.fixtures';

const moviesDat = detectFile('movies.dat', new Uint8Array());
const uItem = detectFile('u.item', new Uint8Array());
const moviesCsv = detectFile('movies.csv', new Uint8Array());

const parse = (file: DetectedFile, text: string, maxErrors = 0) => feed(createMoviesParser({ file, maxErrors }), bytesOf(text));
const good = '1::A (1999)::Drama\n';

/** The reason of the only bad line of a movies.dat holding `good` and then `line`. */
function reasonOf(line: string, file = moviesDat, head = good): string {
  const r = parse(file, `${head}${line}\n`, 1);
  expect(r.skipped).toHaveLength(1);
  expect(r.skipped[0].line).toBe(head.split('\n').length);
  return r.skipped[0].reason;
}

describe('genres of movies.dat', () => {
  it('rejects a genre outside the list, naming it', () => {
    expect(reasonOf('2::B (1999)::Drama|Cyberpunk')).toMatch(/^unknown genre 'Cyberpunk' \(expected one of: Action, Adventure, .*, Western, Children, IMAX\)$/);
    expect(() => parse(moviesDat, `${good}2::B (1999)::Cyberpunk\n`)).toThrow("movies.dat: 1 bad line (max 0); first at line 2: unknown genre 'Cyberpunk'");
    expect(reasonOf('2::B (1999)::drama')).toMatch(/^unknown genre 'drama'/);
  });

  it('rejects an empty genre field, an empty name and a repeated genre', () => {
    expect(reasonOf('2::B (1999)::')).toBe("no genres: the genre field is empty (a movie without genres is written '(no genres listed)')");
    expect(reasonOf('2::B (1999)::Drama||Comedy')).toBe("empty genre name in 'Drama||Comedy'");
    expect(reasonOf('2::B (1999)::Drama|')).toBe("empty genre name in 'Drama|'");
    expect(reasonOf('2::B (1999)::Drama|Comedy|Drama')).toBe("genre 'Drama' listed twice");
    expect(reasonOf('2::B (1999)::(no genres listed)|Drama')).toBe("'(no genres listed)' together with other genres");
  });

  it("accepts what ML-1M and ML-10M write: Children's and Children, IMAX, (no genres listed)", () => {
    const r = parse(moviesDat, "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Toy Story (1995)::Adventure|Animation|Children|Comedy|Fantasy\n3::X (2000)::IMAX\n4::Pull My Daisy (1958)::(no genres listed)\n");
    expect(r.movies.map((m) => m.genres)).toEqual([['Animation', "Children's", 'Comedy'], ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'], ['IMAX'], []]);
  });
});

describe('genres of movies.csv and u.item', () => {
  const head = 'movieId,title,genres\n1,A (1999),Drama\n';

  it("accepts the CSV releases' names, with both Children spellings", () => {
    const r = parse(moviesCsv, `${head}2,B (1999),Children|IMAX\n3,C (1999),Children's\n4,D (1999),(no genres listed)\n`);
    expect(r.movies.map((m) => m.genres)).toEqual([['Drama'], ['Children', 'IMAX'], ["Children's"], []]);
  });

  it('rejects unknown, empty and repeated CSV genres', () => {
    expect(reasonOf('2,B (1999),Cyberpunk', moviesCsv, head)).toMatch(/^unknown genre 'Cyberpunk'/);
    expect(reasonOf('2,B (1999),', moviesCsv, head)).toMatch(/^no genres: the genre field is empty/);
    expect(reasonOf('2,B (1999),Drama|Drama', moviesCsv, head)).toBe("genre 'Drama' listed twice");
  });

  it("rejects a u.item line without any genre flag (ML-100K marks those 'unknown')", () => {
    const flags = (on: number[]) => Array.from({ length: 19 }, (_, g) => (on.includes(g) ? '1' : '0')).join('|');
    const itemHead = `1|A (1995)||||${flags([8])}\n`;
    expect(reasonOf(`2|B (1995)||||${flags([])}`, uItem, itemHead)).toBe("no genre flag is set (u.item marks a movie without genres as 'unknown')");
  });
});
