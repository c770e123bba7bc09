/**
 * Number parsing straight from bytes (ASCII digits), so ratings never become strings:
 * these run once per field of 25M-line files.
 */

const ZERO = 48;
const DOT = 46;

/** Largest id accepted: ids are stored in Int32Array columns. */
export const MAX_ID = 2147483647;

/** Parses unsigned decimal digits in [start, end); -1 when empty, not all digits, or above `max`. */
export function parseUint(buf: Uint8Array, start: number, end: number, max: number): number {
  if (start >= end || end - start > 10) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v > max ? -1 : v;
}

/** Parses `digits[.digits]` in [start, end); NaN when malformed. Exact for ratings like 3.5. */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  if (start >= end || end - start > 12) return NaN;
  let v = 0;
  let i = start;
  for (; i < end; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === end) return v;
  if (buf[i] !== DOT || i === start || i + 1 === end) return NaN;
  let scale = 1;
  let frac = 0;
  for (i++; i < end; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return NaN;
    frac = frac * 10 + d;
    scale *= 10;
  }
  return v + frac / scale;
}

/** A field's bytes as text for an error message (Latin-1, at most 24 characters). */
export function fieldText(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  const stop = Math.min(end, start + 24);
  for (let i = start; i < stop; i++) s += String.fromCharCode(buf[i]);
  return end > stop ? `${s}...` : s;
}

/** True when the bytes in [start, end) equal the ASCII string `text`. */
export function bytesEqual(buf: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
  return true;
}
