/** Pure text formatting for the page: numbers, ratings, labels. No DOM. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1234567` -> `"1,234,567"`. Null or non-finite -> `"–"` (absent is shown, never as 0). */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : integer.format(n);
}

/** A mean rating on the 1..5 star scale with `digits` decimals (default 2): `3.8712` -> `"3.87"`. */
export function formatRating(mean: number | null | undefined, digits = 2): string {
  return mean === null || mean === undefined || !Number.isFinite(mean) ? '–' : mean.toFixed(digits);
}

/** A model score (unitless, higher is better) with 3 significant decimals: `0.87123` -> `"0.871"`. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '–';
  return Math.abs(score) >= 100 ? score.toFixed(0) : score.toFixed(3);
}

/** A signed difference in stars: `0.42` -> `"+0.42"`, `-0.3` -> `"−0.30"` (true minus sign). */
export function formatSigned(delta: number, digits = 2): string {
  const text = Math.abs(delta).toFixed(digits);
  if (Number(text) === 0) return text;
  return delta > 0 ? `+${text}` : `\u2212${text}`;
}

/** A fraction 0..1 or a percentage 0..100 shown as a whole percent, clamped to 0..100. */
export function formatPercent(value: number, isFraction = false): string {
  const pct = isFraction ? value * 100 : value;
  return `${Math.round(Math.min(100, Math.max(0, pct)))}%`;
}

/** `pluralize(1, 'rating')` -> `"1 rating"`, `pluralize(2, 'movie')` -> `"2 movies"` (counts formatted). */
export function pluralize(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** `"Toy Story"`, 1995 -> `"Toy Story (1995)"`; no year -> the title alone. */
export function titleWithYear(title: string, year: number | null | undefined): string {
  return year === null || year === undefined ? title : `${title} (${year})`;
}

/** Readable gender: `F` -> `"Woman"`, `M` -> `"Man"`, anything else -> `"Not given"`. */
export function genderLabel(gender: string | null | undefined): string {
  if (gender === 'F') return 'Woman';
  if (gender === 'M') return 'Man';
  return 'Not given';
}

/**
 * A file size in bytes as `"12.3 MB"` (decimal units, like browsers' download lists).
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A timestamp (ms since the epoch) as `"2026-11-25 14:52 UTC"`; stable across time zones. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Stars as text for screen readers and compact lists: `4` -> `"★★★★☆"`; half stars
 * round to the nearest whole star (the chart and the number carry the exact value).
 */
export function starsText(rating: number, max = 5): string {
  const full = Math.min(max, Math.max(0, Math.round(rating)));
  return '★'.repeat(full) + '☆'.repeat(max - full);
}

/**
 * A cosine similarity (-1..1) as a whole percent: `0.615` -> `"62%"`, `0.537` -> `"54%"`.
 * 100% = the same taste profile; negative values keep their sign.
 */
export function formatSimilarity(cosine: number): string {
  return Number.isFinite(cosine) ? `${Math.round(cosine * 100)}%` : '–';
}

/**
 * A predicted rating on the rating scale: the model's number clamped to `min..max` (a
 * reconstruction can pass 5 or fall under 1) with two decimals: `5.12` -> `"5.00"`.
 */
export function formatPredicted(score: number, min = 1, max = 5): string {
  return Number.isFinite(score) ? Math.min(max, Math.max(min, score)).toFixed(2) : '–';
}
