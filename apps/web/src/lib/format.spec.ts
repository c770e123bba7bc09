import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatPercent, formatPredicted, formatRating, formatScore, formatSigned, formatSimilarity, formatTimestamp, genderLabel, pluralize, starsText, titleWithYear } from './format';

describe('format', () => {
  it('groups thousands and shows absent counts as a dash, never as 0', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('–');
    expect(formatCount(Number.NaN)).toBe('–');
  });

  it('rounds mean ratings to two decimals', () => {
    expect(formatRating(3.8712)).toBe('3.87');
    expect(formatRating(4, 1)).toBe('4.0');
    expect(formatRating(undefined)).toBe('–');
  });

  it('shows scores with three decimals and large scores whole', () => {
    expect(formatScore(0.87123)).toBe('0.871');
    expect(formatScore(-0.5)).toBe('-0.500');
    expect(formatScore(1234.5)).toBe('1235');
  });

  it('signs differences with a true minus and no sign on zero', () => {
    expect(formatSigned(0.42)).toBe('+0.42');
    expect(formatSigned(-0.3)).toBe('\u22120.30');
    expect(formatSigned(0.001)).toBe('0.00');
  });

  it('clamps percentages and accepts fractions', () => {
    expect(formatPercent(42.4)).toBe('42%');
    expect(formatPercent(0.5, true)).toBe('50%');
    expect(formatPercent(130)).toBe('100%');
    expect(formatPercent(-3)).toBe('0%');
  });

  it('pluralizes with formatted counts', () => {
    expect(pluralize(1, 'rating')).toBe('1 rating');
    expect(pluralize(1500, 'movie')).toBe('1,500 movies');
    expect(pluralize(0, 'person', 'people')).toBe('0 people');
  });

  it('appends the year only when known', () => {
    expect(titleWithYear('Toy Story', 1995)).toBe('Toy Story (1995)');
    expect(titleWithYear('Untitled', null)).toBe('Untitled');
  });

  it('labels genders and treats anything else as not given', () => {
    expect(genderLabel('F')).toBe('Woman');
    expect(genderLabel('M')).toBe('Man');
    expect(genderLabel(null)).toBe('Not given');
  });

  it('formats bytes in decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
  });

  it('formats timestamps in UTC whatever the local zone', () => {
    expect(formatTimestamp(Date.UTC(2026, 10, 25, 14, 52, 31))).toBe('2026-11-25 14:52 UTC');
  });

  it('draws whole stars, clamped to 0..5', () => {
    expect(starsText(4)).toBe('★★★★☆');
    expect(starsText(3.5)).toBe('★★★★☆');
    expect(starsText(9)).toBe('★★★★★');
  });

  it('shows a cosine similarity as a whole percent, so 0.615 and 0.537 read differently (issue 16)', () => {
    expect(formatSimilarity(0.615)).toBe('62%');
    expect(formatSimilarity(0.537)).toBe('54%');
    expect(formatSimilarity(-0.2)).toBe('-20%');
    expect(formatSimilarity(Number.NaN)).toBe('–');
  });

  it('shows a predicted rating on the rating scale with two decimals', () => {
    expect(formatPredicted(4.354)).toBe('4.35');
    expect(formatPredicted(5.547)).toBe('5.00');
    expect(formatPredicted(0.4)).toBe('1.00');
    expect(formatPredicted(4.2, 0.5, 5)).toBe('4.20');
  });
});
