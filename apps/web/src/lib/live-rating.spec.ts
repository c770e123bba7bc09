import { describe, expect, it } from 'vitest';
import { parseLiveRating } from './live-rating';

describe('parseLiveRating', () => {
  it('reads a movie id and stars, trimming spaces', () => {
    expect(parseLiveRating(' 50 ', '4')).toEqual({ movieId: 50, rating: 4 });
    expect(parseLiveRating('7', '3.5')).toEqual({ movieId: 7, rating: 3.5 });
  });

  it('says what is wrong with a bad movie id or stars', () => {
    for (const id of ['', 'x', '0', '-3', '2.5']) expect(parseLiveRating(id, '4')).toMatch(/movie id/);
    for (const stars of ['', '0', '6', '3.25', 'many']) expect(parseLiveRating('1', stars)).toMatch(/stars/);
  });
});
