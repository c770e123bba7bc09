import { describe, expect, it } from 'vitest';
import { chartData, distributionBars, startingMinimum } from './chart-data';

const ranked = (over: Record<string, number>) => ({ movieId: 1, title: 'A', value: 0, count: 10, mean: 3, ...over });

describe('chartData', () => {
  it('draws top rated as horizontal mean-rating bars on the 1..5 scale', () => {
    const data = chartData('top-rated', { model: 'm', movies: [ranked({ mean: 4.5, value: 4.5 })] });
    expect(data).toMatchObject({ labels: ['A'], horizontal: true, kind: 'rating', min: 1, max: 5 });
    expect(data.series[0].values).toEqual([4.5]);
    expect(data.counts).toEqual([10]);
  });

  it('labels a movie the catalogue lacks (title null, as the API may send) by its id', () => {
    const data = chartData('most-rated', { model: 'm', movies: [{ ...ranked({ movieId: 7 }), title: null }] });
    expect(data.labels).toEqual(['movie 7']);
  });

  it('draws most rated as counts', () => {
    const data = chartData('most-rated', { model: 'm', movies: [ranked({ count: 583, value: 583 })] });
    expect(data).toMatchObject({ kind: 'count', min: 0 });
    expect(data.series[0].values).toEqual([583]);
  });

  it('draws divisive movies by their standard deviation (the ranking value)', () => {
    expect(chartData('divisive', { model: 'm', movies: [ranked({ value: 1.42 })] }).series[0].values).toEqual([1.42]);
  });

  it("draws the gender gap as women's and men's means side by side", () => {
    const data = chartData('gender-gap', { model: 'm', movies: [ranked({ meanWomen: 4.1, meanMen: 3.2, value: 0.9 })] });
    expect(data.series.map((s) => [s.label, s.values[0]])).toEqual([
      ['Women', 4.1],
      ['Men', 3.2],
    ]);
  });

  it('draws group tables under their own name, with a missing mean as NaN (no bar), not 0', () => {
    const answer = { model: 'm', 'by-age': [{ group: '18-24', count: 5, mean: 3.5 }, { group: '56+', count: 0, mean: null }] };
    const data = chartData('by-age', answer);
    expect(data.labels).toEqual(['18-24', '56+']);
    expect(data.series[0].values[0]).toBe(3.5);
    expect(data.series[0].values[1]).toBeNaN();
    expect(data.horizontal).toBe(false);
    expect(data.counts).toEqual([5, 0]);
    expect(chartData('by-genre', { model: 'm', 'by-genre': [{ group: 'Drama', count: 9, mean: 3.9 }] }).horizontal).toBe(true);
  });

  it('shows nothing (not a crash) for an answer without rows', () => {
    expect(chartData('top-rated', { model: 'm' }).labels).toEqual([]);
    expect(chartData('by-genre', null).labels).toEqual([]);
  });
});

describe('distributionBars', () => {
  const whole = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5].map((stars) => ({ stars, count: Number.isInteger(stars) ? stars * 10 : 0 }));

  it('drops the empty half-star bins of a whole-star release', () => {
    expect(distributionBars(whole).map((b) => b.stars)).toEqual([1, 2, 3, 4, 5]);
    expect(chartData('distribution', { model: 'm', distribution: whole }).labels).toEqual(['1 ★', '2 ★', '3 ★', '4 ★', '5 ★']);
  });

  it('keeps every bin when some half star was used', () => {
    const half = whole.map((b) => (b.stars === 3.5 ? { ...b, count: 1 } : b));
    expect(distributionBars(half)).toHaveLength(10);
  });
});

describe('startingMinimum', () => {
  it('keeps the API default on a big dataset and scales down on a small one', () => {
    // ML-1M: 1,000,209 ratings over 3,706 rated movies = 270 per movie, above the cap.
    expect(startingMinimum(1_000_209, 3_706, 100, 1)).toBe(100);
    // 8,000 ratings over 115 movies = 69.6 per movie; a quarter of it for each gender.
    expect(startingMinimum(8_000, 115, 100, 1)).toBe(70);
    expect(startingMinimum(8_000, 115, 50, 0.25)).toBe(17);
    expect(startingMinimum(3, 1_000, 100, 1)).toBe(1);
  });

  it('uses the cap when the dataset size is unknown', () => {
    expect(startingMinimum(null, 10, 100, 1)).toBe(100);
    expect(startingMinimum(10, 0, 50, 1)).toBe(50);
  });
});
