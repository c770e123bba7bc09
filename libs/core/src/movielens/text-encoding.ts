/**
 * Byte-level text encodings of MovieLens files: ASCII, UTF-8 and ISO-8859-1 (Latin-1). The
 * ML-1M movies.dat and ML-100K u.item are Latin-1 (`Misérables` is `Mis\xE9rables`), the CSV
 * releases are UTF-8, and later `::` files (ML-10M) or re-saved copies can be UTF-8 too.
 */

/** How a file's text was decoded; `ascii` when it holds no byte above 0x7F. */
export type TextEncoding = 'ascii' | 'utf-8' | 'latin-1';

/** Keeps a U+FEFF at the start of a line: only the file's own BOM is dropped (line-splitter.ts). */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** True when every byte in [start, end) is ASCII (below 0x80). */
export function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

/**
 * Index of the first byte in [start, end) that does not begin a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence),
 * or -1 when the whole range is valid UTF-8.
 */
export function utf8ErrorAt(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const trail = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (trail === 0 || i + trail >= end) return i;
    // The second byte's range is narrower after E0 (overlong), ED (surrogates), F0 and F4.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (buf[i + 1] < lo || buf[i + 1] > hi) return i;
    for (let k = 2; k <= trail; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    i += trail + 1;
  }
  return -1;
}

/** `invalid UTF-8: byte 0xE9 at column 5` for the bad byte at `at` of the line starting at `start`. */
export function invalidUtf8Reason(buf: Uint8Array, start: number, at: number): string {
  // [start, at) is valid UTF-8, so its characters are its bytes that are not continuations.
  let column = 1;
  for (let i = start; i < at; i++) if ((buf[i] & 0xc0) !== 0x80) column++;
  return `invalid UTF-8: byte 0x${buf[at].toString(16).toUpperCase().padStart(2, '0')} at column ${column}`;
}

/** Decodes valid UTF-8 (check with utf8ErrorAt first). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end));
}

/**
 * ISO-8859-1: byte b is U+00b. (TextDecoder's `latin1` label is windows-1252, which remaps
 * 0x80..0x9F, so it is not used.)
 */
export function decodeLatin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode(...buf.subarray(i, Math.min(end, i + 8192)));
  }
  return s;
}
