import { describe, expect, it } from 'vitest';
import type { RatedMovie } from './rate-state';
import { maxRated, rateReducer, restoreRated, sessionPicks, toFoldInBody } from './rate-state';

describe('rateReducer', () => {
  it('adds, updates in place and removes movies', () => {
    let state: RatedMovie[] = [];
    state = rateReducer(state, { type: 'rate', movieId: 1, title: 'A', rating: 4 });
    state = rateReducer(state, { type: 'like', movieId: 2, title: 'B' });
    state = rateReducer(state, { type: 'rate', movieId: 1, title: 'A', rating: 2 });
    expect(state).toEqual([
      { movieId: 1, title: 'A', rating: 2 },
      { movieId: 2, title: 'B', rating: 'like' },
    ]);
    expect(rateReducer(state, { type: 'remove', movieId: 1 })).toEqual([{ movieId: 2, title: 'B', rating: 'like' }]);
    expect(rateReducer(state, { type: 'clear' })).toEqual([]);
  });

  it('clamps stars to whole values 1..5', () => {
    expect(rateReducer([], { type: 'rate', movieId: 1, title: 'A', rating: 9 })[0].rating).toBe(5);
    expect(rateReducer([], { type: 'rate', movieId: 1, title: 'A', rating: 0 })[0].rating).toBe(1);
    expect(rateReducer([], { type: 'rate', movieId: 1, title: 'A', rating: 3.6 })[0].rating).toBe(4);
  });

  it('does not mutate the previous state', () => {
    const before: RatedMovie[] = [{ movieId: 1, title: 'A', rating: 3 }];
    rateReducer(before, { type: 'rate', movieId: 1, title: 'A', rating: 5 });
    expect(before[0].rating).toBe(3);
  });

  it(`keeps at most ${maxRated} movies but still updates existing ones`, () => {
    let state: RatedMovie[] = [];
    for (let id = 1; id <= maxRated + 5; id++) state = rateReducer(state, { type: 'like', movieId: id, title: `M${id}` });
    expect(state).toHaveLength(maxRated);
    state = rateReducer(state, { type: 'rate', movieId: 1, title: 'M1', rating: 2 });
    expect(state[0].rating).toBe(2);
  });
});

describe('toFoldInBody', () => {
  it('sends nothing for an empty list', () => {
    expect(toFoldInBody([])).toBeNull();
  });

  it('sends liked ids when every movie is a like', () => {
    expect(toFoldInBody([{ movieId: 3, title: 'C', rating: 'like' }, { movieId: 1, title: 'A', rating: 'like' }])).toEqual({ liked: [3, 1] });
  });

  it('sends ratings with likes counted as five stars when mixed', () => {
    expect(toFoldInBody([{ movieId: 3, title: 'C', rating: 'like' }, { movieId: 1, title: 'A', rating: 2 }])).toEqual({
      ratings: [
        { movieId: 3, rating: 5 },
        { movieId: 1, rating: 2 },
      ],
    });
  });
});

describe('restoreRated', () => {
  it('restores a saved list and drops malformed entries', () => {
    const saved = JSON.stringify([{ movieId: 1, title: 'A', rating: 4 }, { movieId: 'x', title: 'B', rating: 3 }, null, { movieId: 2, title: 'C', rating: 'like' }, { movieId: 3, title: 'D', rating: 'meh' }]);
    expect(restoreRated(saved)).toEqual([
      { movieId: 1, title: 'A', rating: 4 },
      { movieId: 2, title: 'C', rating: 'like' },
    ]);
  });

  it('starts empty on missing or corrupt storage', () => {
    expect(restoreRated(null)).toEqual([]);
    expect(restoreRated('{not json')).toEqual([]);
    expect(restoreRated('{"a":1}')).toEqual([]);
  });
});

describe('sessionPicks', () => {
  it('keeps likes and ratings of 3 stars or more, in pick order: a 1- or 2-star movie does not drive "more like this"', () => {
    const state: RatedMovie[] = [
      { movieId: 1, title: 'A', rating: 5 },
      { movieId: 2, title: 'B', rating: 'like' },
      { movieId: 3, title: 'C', rating: 3 },
      { movieId: 4, title: 'D', rating: 1 },
      { movieId: 5, title: 'E', rating: 2 },
    ];
    expect(sessionPicks(state).map((m) => m.movieId)).toEqual([1, 2, 3]);
    expect(sessionPicks([{ movieId: 4, title: 'D', rating: 1 }])).toEqual([]);
  });
});
