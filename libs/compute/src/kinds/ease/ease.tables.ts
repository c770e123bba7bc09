/**
 * Table names of the `ease` kind under its kind version (keys from store `KeySchema`:
 * `modelTable(ver, name)`); the layout is documented at the top of `ease.kind.ts`.
 */

/** Column table { movieIds Int32 (the catalogue, ascending), layout Int32 [movies, rowsPerPart, parts] }. */
export const EASE_MOVIES_TABLE = 'ease-movies';

/** Part `part` of B: rows `[part * rowsPerPart, ...)`, raw little-endian Float32, row-major. */
export const easePartTable = (part: number): string => `ease:${part}`;

/** Bytes per part of B at most (keeps every Redis command and reply small; parts load in parallel). */
export const EASE_PART_BYTES = 8 * 1024 * 1024;

/** Rows of B per part for a catalogue of `movies`. */
export function easeRowsPerPart(movies: number): number {
  return Math.max(1, Math.floor(EASE_PART_BYTES / (4 * Math.max(1, movies))));
}
