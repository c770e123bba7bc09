import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../movielens/parse-file';
import { sharedData, skipMessage } from '../movielens/parsers.fixtures';
import { generateDataset } from './generate';
import { SHAPES } from './shapes';
import { isGeneratedTitle, isSyntheticCatalogue } from './titles';

describe('recognizing the synthetic catalogue (the page says when its data is made up)', () => {
  it('recognizes every title of every shape, sequels and CSV quoting included', () => {
    for (const shape of SHAPES) {
      const { movies } = generateDataset({ shape, seed: 9, ratings: 20_000, users: 300, movies: 400 });
      expect(movies.filter((m) => !isGeneratedTitle(m.title)).map((m) => m.title), shape).toEqual([]);
      expect(isSyntheticCatalogue(movies.map((m) => m.title)), shape).toBe(true);
    }
  });

  it('does not take a few generator-like titles, or a tiny catalogue, for a synthetic one', () => {
    expect(isGeneratedTitle('Dark City')).toBe(true);
    expect(isGeneratedTitle('Toy Story')).toBe(false);
    expect(isSyntheticCatalogue(['Dark City', 'Toy Story', 'GoldenEye', 'Heat'])).toBe(false);
    expect(isSyntheticCatalogue(Array.from({ length: 10 }, () => 'Dark City'))).toBe(false);
  });

  for (const [release, file] of [['ml-100k', 'u.item'], ['ml-1m', 'movies.dat']] as const) {
    const dir = sharedData(release);
    it.skipIf(!dir)(`does not take the real ${release} catalogue for a synthetic one`, async () => {
      const parsed = await parseFile(file, createReadStream(join(dir!, file)));
      if (parsed.kind !== 'movies') throw new Error('expected movies');
      const titles = parsed.result.movies.map((m) => m.title);
      expect(isSyntheticCatalogue(titles)).toBe(false);
      // Only a handful of real titles are made of the generator's words.
      expect(titles.filter(isGeneratedTitle).length).toBeLessThan(0.05 * titles.length);
    });
    if (!dir) console.log(skipMessage(release));
  }
});
