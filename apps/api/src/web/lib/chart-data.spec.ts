import { describe, expect, it } from 'vitest';
import { chartData, labelOf, numberField, rowsOf } from './chart-data';

describe('rowsOf', () => {
  it('finds the rows of an answer: the array itself or its first array of objects', () => {
    expect(rowsOf([{ a: 1 }])).toEqual([{ a: 1 }]);
    expect(rowsOf({ model: 'm1', buckets: [1, 2], movies: [{ id: 1 }] })).toEqual([{ id: 1 }]);
    expect(rowsOf({ model: 'm1' })).toEqual([]);
    expect(rowsOf(null)).toEqual([]);
  });
});

describe('labels and numbers', () => {
  it('labels movies by title and year, groups by their own name', () => {
    expect(labelOf({ movieId: 1, title: 'Toy Story', year: 1995 })).toBe('Toy Story (1995)');
    expect(labelOf({ genre: 'Drama' })).toBe('Drama');
    expect(labelOf({ ageGroup: '25-34' })).toBe('25-34');
  });

  it('reads the first finite number and gives NaN (never 0) when absent', () => {
    expect(numberField({ meanRating: 4.2 }, ['mean', 'meanRating'])).toBe(4.2);
    expect(numberField({ mean: null }, ['mean'])).toBeNaN();
  });
});

describe('chartData', () => {
  it('draws top rated as horizontal mean-rating bars on the 1..5 scale', () => {
    const data = chartData('top-rated', { movies: [{ movieId: 1, title: 'A', year: 1990, mean: 4.5, count: 120 }] });
    expect(data).toMatchObject({ labels: ['A (1990)'], horizontal: true, kind: 'rating', min: 1, max: 5 });
    expect(data.series[0].values).toEqual([4.5]);
  });

  it('draws most rated as counts', () => {
    expect(chartData('most-rated', { movies: [{ title: 'A', count: 583 }] }).series[0].values).toEqual([583]);
  });

  it("draws the gender gap as women's and men's means side by side", () => {
    const data = chartData('gender-gap', { movies: [{ title: 'A', meanF: 4.1, meanM: 3.2 }] });
    expect(data.series.map((s) => [s.label, s.values[0]])).toEqual([
      ['Women', 4.1],
      ['Men', 3.2],
    ]);
  });

  it('draws the distribution from a star histogram, labelled 1..5 stars', () => {
    const data = chartData('distribution', { histogram: [6110, 11370, 27145, 34174, 21201] });
    expect(data.labels).toEqual(['1 ★', '2 ★', '3 ★', '4 ★', '5 ★']);
    expect(data.series[0].values).toEqual([6110, 11370, 27145, 34174, 21201]);
  });
});
