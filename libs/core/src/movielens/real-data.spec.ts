/**
 * The parsers against the real GroupLens files in ../shared/data (never committed). Expected
 * counts come from the data README (ml-100k: 100,000 ratings, 943 users, 1,682 items; ml-1m:
 * 3,883 movies, 6,040 users) and the titles from the files themselves.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile } from './parse-file';
import { sharedData, skipMessage } from './parsers.fixtures';

const ml100k = sharedData('ml-100k');
const ml1m = sharedData('ml-1m');
if (ml100k === undefined) console.warn(skipMessage('ml-100k'));
if (ml1m === undefined) console.warn(skipMessage('ml-1m'));

describe.skipIf(ml100k === undefined)('real ML-100K files', () => {
  const path = (name: string) => join(ml100k ?? '', name);

  it('reads u.data: exactly 100,000 ratings by 943 users of 1,682 movies, no duplicates', async () => {
    const parsed = await parseFile('u.data', createReadStream(path('u.data')));
    if (parsed.kind !== 'ratings') throw new Error('expected ratings');
    const { table, duplicates, skipped } = parsed.result;
    expect(table.length).toBe(100_000);
    expect(new Set(table.users).size).toBe(943);
    expect(new Set(table.movies).size).toBe(1682);
    expect(duplicates.count).toBe(0);
    expect(skipped).toEqual([]);
    // First line of u.data: 196 242 3 881250949.
    expect([table.users[0], table.movies[0], table.ratings[0], table.timestamps[0]]).toEqual([196, 242, 3, 881250949]);
  });

  it('reads u.item as Latin-1: item 543 is "Misérables, Les" (1995)', async () => {
    const parsed = await parseFile('u.item', createReadStream(path('u.item')));
    if (parsed.kind !== 'movies') throw new Error('expected movies');
    expect(parsed.result.movies).toHaveLength(1682);
    expect(parsed.result.movies.find((m) => m.id === 543)).toEqual({ id: 543, title: 'Misérables, Les', year: 1995, genres: ['Drama', 'Musical'] });
    expect(parsed.result.movies[0]).toEqual({ id: 1, title: 'Toy Story', year: 1995, genres: ['Animation', "Children's", 'Comedy'] });
    expect(parsed.result.encoding).toBe('latin-1');
  });

  it('reads u.user: 943 users with age groups, the ratings check against them', async () => {
    const parsed = await parseFile('u.user', createReadStream(path('u.user')));
    if (parsed.kind !== 'users') throw new Error('expected users');
    expect(parsed.result.users).toHaveLength(943);
    expect(parsed.result.users[0]).toEqual({ id: 1, gender: 'M', age: 24, ageGroup: '18-24', occupation: 'technician', zip: '85711' });
    const knownUsers = new Set(parsed.result.users.map((u) => u.id));
    const base = await parseFile('u1.base', createReadStream(path('u1.base')), { knownUsers });
    expect(base.kind === 'ratings' && base.result.table.length).toBe(80_000);
  });
});

describe.skipIf(ml1m === undefined)('real ML-1M files', () => {
  const path = (name: string) => join(ml1m ?? '', name);

  it('reads movies.dat: 3,883 movies with Latin-1 titles and genres', async () => {
    const parsed = await parseFile('movies.dat', createReadStream(path('movies.dat')));
    if (parsed.kind !== 'movies') throw new Error('expected movies');
    const byId = new Map(parsed.result.movies.map((m) => [m.id, m]));
    expect(byId.size).toBe(3883);
    expect(byId.get(1)).toEqual({ id: 1, title: 'Toy Story', year: 1995, genres: ['Animation', "Children's", 'Comedy'] });
    expect(byId.get(73)).toEqual({ id: 73, title: 'Misérables, Les', year: 1995, genres: ['Drama', 'Musical'] });
    expect(byId.get(3952)).toEqual({ id: 3952, title: 'Contender, The', year: 2000, genres: ['Drama', 'Thriller'] });
    expect(parsed.result.movies.every((m) => m.year !== null && !m.title.includes('\uFFFD'))).toBe(true);
    expect(parsed.result.encoding).toBe('latin-1');
  });

  it('reads movies.dat re-encoded as UTF-8 into the same movies, and says it was UTF-8', async () => {
    const latin = await parseFile('movies.dat', createReadStream(path('movies.dat')));
    const utf8 = Buffer.from(readFileSync(path('movies.dat')).toString('latin1'), 'utf8');
    const parsed = await parseFile('movies.dat', [utf8]);
    if (parsed.kind !== 'movies' || latin.kind !== 'movies') throw new Error('expected movies');
    expect(parsed.result.encoding).toBe('utf-8');
    expect(parsed.result.movies).toEqual(latin.result.movies);
  });

  it('reads users.dat: 6,040 users with age and occupation labels', async () => {
    const parsed = await parseFile('users.dat', createReadStream(path('users.dat')));
    if (parsed.kind !== 'users') throw new Error('expected users');
    const { users } = parsed.result;
    expect(users).toHaveLength(6040);
    expect(users[0]).toEqual({ id: 1, gender: 'F', age: 1, ageGroup: 'Under 18', occupation: 'K-12 student', zip: '48067' });
    // Reference: `grep -c '::F::' users.dat` gives 1,709.
    expect(users.filter((u) => u.gender === 'F')).toHaveLength(1709);
    expect(parsed.result.encoding).toBe('ascii');
  });
});
