import { describe, expect, it } from 'vitest';
import { ApiError, withQuery } from './api-client';
import type { ServedAlgorithm } from './recs-filters';
import { algorithmOptions, formatRecsFilters, nextOffset, noRecsFilters, pageRanks, parseRecsFilters, previousOffset, recsProblem, recsQuery, scoresAreStars } from './recs-filters';

const served = (algorithm: string, kind: string, isServed: boolean, isDefault = false): ServedAlgorithm => ({ algorithm, kind, scoreUnit: 'x', served: isServed, default: isDefault });

describe('recommendation filters in the route', () => {
  it('formats only the chosen filters, and parses them back', () => {
    expect(formatRecsFilters(noRecsFilters)).toBe('');
    const filters = { algorithm: 'ials', genre: "Children's", offset: 20 };
    expect(formatRecsFilters(filters)).toBe('algorithm=ials&genre=Children%27s&offset=20');
    expect(parseRecsFilters(new URLSearchParams(formatRecsFilters(filters)))).toEqual(filters);
  });

  it('drops a malformed algorithm, an overlong genre and a non-integer offset', () => {
    expect(parseRecsFilters(new URLSearchParams('algorithm=Pure%20SVD&genre=' + 'x'.repeat(51) + '&offset=1.5'))).toEqual(noRecsFilters);
  });
});

describe('recsQuery', () => {
  it('asks for k explained entries and leaves unchosen filters out, so the API default applies', () => {
    expect(withQuery('/users/3/recommendations', recsQuery(noRecsFilters, 20))).toBe('/users/3/recommendations?k=20&explain=1');
    expect(withQuery('/users/3/recommendations', recsQuery({ algorithm: 'ease', genre: 'Drama', offset: 40 }, 20))).toBe('/users/3/recommendations?k=20&explain=1&algorithm=ease&genre=Drama&offset=40');
  });
});

describe('paging', () => {
  it('continues at offset + k until the answer is exhausted', () => {
    expect(nextOffset({ offset: 0, exhausted: false }, 20)).toBe(20);
    expect(nextOffset({ offset: 40, exhausted: false }, 20)).toBe(60);
    expect(nextOffset({ offset: 40, exhausted: true }, 20)).toBeNull();
  });

  it('goes back by k, not below the first page', () => {
    expect(previousOffset(0, 20)).toBeNull();
    expect(previousOffset(40, 20)).toBe(20);
    expect(previousOffset(5, 20)).toBe(0);
  });

  it('names the ranks a page shows', () => {
    expect(pageRanks(0, 20)).toBe('1–20');
    expect(pageRanks(20, 7)).toBe('21–27');
    expect(pageRanks(40, 1)).toBe('41');
  });
});

describe('algorithmOptions', () => {
  const status = [served('puresvd', 'svd', true), served('ease', 'ease', true, true), served('mf', 'mf', false)];

  it('offers the selection first (naming its winner), then the served algorithms in registry order', () => {
    expect(algorithmOptions(status, '')).toEqual([
      { value: '', label: 'Chosen by model selection (ease)' },
      { value: 'puresvd', label: 'puresvd' },
      { value: 'ease', label: 'ease' },
    ]);
  });

  it('keeps an asked algorithm the set lacks, marked, and an asked one before the status is known', () => {
    expect(algorithmOptions(status, 'mf').at(-1)).toEqual({ value: 'mf', label: 'mf (not trained)' });
    expect(algorithmOptions(undefined, 'ials')).toEqual([
      { value: '', label: 'Chosen by model selection' },
      { value: 'ials', label: 'ials' },
    ]);
  });
});

describe('scoresAreStars', () => {
  it("reads the star kinds from the registry's score units", () => {
    expect(scoresAreStars('predicted stars (PureSVD)')).toBe(true);
    expect(scoresAreStars('sum of EASE item weights B[rated][movie]')).toBe(false);
  });
});

describe('recsProblem', () => {
  it('says a chosen algorithm is not trained on 503 NOT_READY', () => {
    const problem = recsProblem(new ApiError(503, 'NOT_READY', 'Model m1 has no mf kind'), { algorithm: 'mf', genre: '', offset: 0 });
    expect(problem?.title).toBe('mf is not trained yet');
  });

  it("passes a 400's reason on, and leaves other failures (no model at all, network) to the usual state", () => {
    const refused = new ApiError(400, 'BAD_REQUEST', 'query.genre: unknown genre "Western"');
    expect(recsProblem(refused, noRecsFilters)).toEqual({ title: 'These filters were refused', hint: 'query.genre: unknown genre "Western"' });
    expect(recsProblem(new ApiError(503, 'NOT_READY', 'no model'), noRecsFilters)).toBeNull();
    expect(recsProblem(new ApiError(0, 'NETWORK', 'offline'), { algorithm: 'ease', genre: '', offset: 0 })).toBeNull();
  });
});
