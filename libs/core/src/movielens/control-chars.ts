/**
 * Naming control characters in messages. A line holding ESC (an ANSI colour code pasted into a
 * title) is reported as `control character U+001B (ESC) at column 5`, not as "binary data": only
 * a NUL byte makes a whole file binary (see line-splitter.ts). Tab is allowed everywhere (the
 * ML-100K separator); a line's own CR LF terminator is stripped before these checks.
 */

/** ASCII abbreviations of the C0 control codes 0x00..0x1F. */
const C0_NAMES = ['NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI', 'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US'];

const TAB = 9;
const LF = 10;
const CR = 13;

/** `control character U+001B (ESC) at column 5` for C0 code `code` at 1-based `column`. */
export function controlCharReason(code: number, column: number): string {
  return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} (${C0_NAMES[code]}) at column ${column}`;
}

/** Index of the first C0 control byte other than tab in [start, end), or -1. */
export function findControlByte(buf: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if (buf[i] < 32 && buf[i] !== TAB) return i;
  return -1;
}

/**
 * The reason a decoded line holds a control character, or undefined when it holds none. The
 * column counts characters (code points), not bytes. `csv`: a quoted CSV field may hold a line
 * break (LF, or CR LF), so those are allowed there.
 */
export function controlCharIssue(text: string, csv: boolean): string | undefined {
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A low surrogate continues the character its high surrogate started.
    if (c < 0xdc00 || c > 0xdfff) column++;
    if (c >= 32 || c === TAB) continue;
    if (csv && (c === LF || (c === CR && text.charCodeAt(i + 1) === LF))) continue;
    return controlCharReason(c, column);
  }
  return undefined;
}
