/**
 * Decoding the lines of one movies or users file with the file's own encoding, decided per file
 * while it streams:
 *
 * - CSV releases: strict UTF-8; a line that is not valid UTF-8 is a bad line.
 * - `.dat`, u.item, u.user: UTF-8 when every line with a byte above 0x7F is valid UTF-8,
 *   otherwise Latin-1 (the real ML-1M movies.dat and ML-100K u.item are ISO-8859-1, and Latin-1
 *   text with accents is almost never valid UTF-8). ASCII lines are handed on at once; from the
 *   first non-ASCII line on, lines are held back (copied) until a line that is not UTF-8 decides
 *   Latin-1, or the end of the file decides UTF-8. Then the held lines are handed on in file
 *   order, so results, line numbers and the order of bad lines are those of a plain pass.
 *
 * Held lines are bounded: past MAX_UNDECIDED_BYTES of them (real movies files are < 4 MB) the
 * file is taken as UTF-8, and a later line that is not UTF-8 becomes a bad line saying so.
 */
import { decodeLatin1, decodeUtf8, invalidUtf8Reason, isAscii, utf8ErrorAt, type TextEncoding } from './text-encoding';

/** Bytes of lines held back before a `.dat` / u.item / u.user file is taken as UTF-8 (16 MiB). */
export const MAX_UNDECIDED_BYTES = 16 * 1024 * 1024;

/** Options of LineDecoder. */
export interface LineDecoderOptions {
  /** True for CSV releases: strict UTF-8 from the first byte. False: UTF-8 or Latin-1 as above. */
  strictUtf8: boolean;
  /** Receives each decoded line, in file order. */
  onText: (text: string, line: number) => void;
  /** Receives each bad line (invalid UTF-8, or one passed in through skip()), in file order. */
  onBadLine: (line: number, reason: string) => void;
  /** Held-back bytes before UTF-8 is assumed; default MAX_UNDECIDED_BYTES. */
  maxUndecidedBytes?: number;
}

/** A line held back until the encoding is known: its bytes, or the reason it was skipped. */
type Held = { line: number; bytes: Uint8Array } | { line: number; reason: string };

/** Decodes lines with an encoding decided per file; see the module comment. */
export class LineDecoder {
  /** The decoding in force; null while undecided (held lines waiting). */
  private decided: 'utf-8' | 'latin-1' | null;
  private nonAscii = false;
  private held: Held[] = [];
  private heldBytes = 0;
  private readonly maxUndecidedBytes: number;
  private readonly utf8Hint: string;

  constructor(private readonly options: LineDecoderOptions) {
    this.decided = options.strictUtf8 ? 'utf-8' : null;
    this.maxUndecidedBytes = options.maxUndecidedBytes ?? MAX_UNDECIDED_BYTES;
    this.utf8Hint = options.strictUtf8 ? 'CSV files are UTF-8' : `read as UTF-8: the ${mib(this.maxUndecidedBytes)} from its first non-ASCII line on were UTF-8`;
  }

  /** How the file was decoded: `ascii` when no line had a byte above 0x7F. Final after end(). */
  get encoding(): TextEncoding {
    return this.nonAscii ? (this.decided ?? 'utf-8') : 'ascii';
  }

  /** Decodes one line (bytes [start, end) of `buf`, which may be reused after the call). */
  line(buf: Uint8Array, start: number, end: number, line: number): void {
    const ascii = isAscii(buf, start, end);
    if (!ascii) this.nonAscii = true;
    if (this.decided === 'latin-1' || (ascii && this.decided === null && this.held.length === 0)) {
      this.options.onText(decodeLatin1(buf, start, end), line);
    } else if (this.decided === 'utf-8') {
      this.emitUtf8(buf, start, end, line);
    } else if (!ascii && utf8ErrorAt(buf, start, end) >= 0) {
      this.decide('latin-1');
      this.options.onText(decodeLatin1(buf, start, end), line);
    } else {
      this.held.push({ line, bytes: buf.slice(start, end) });
      this.heldBytes += end - start;
      if (this.heldBytes > this.maxUndecidedBytes) this.decide('utf-8');
    }
  }

  /** A line skipped before decoding (too long): reported in its place in the file order. */
  skip(line: number, reason: string): void {
    if (this.held.length > 0) this.held.push({ line, reason });
    else this.options.onBadLine(line, reason);
  }

  /** Ends the file: lines still held are UTF-8 (every non-ASCII one was valid). */
  end(): void {
    if (this.held.length > 0) this.decide('utf-8');
  }

  /** Fixes the encoding and hands on the held lines in order. */
  private decide(encoding: 'utf-8' | 'latin-1'): void {
    this.decided = encoding;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const h of held) {
      if ('reason' in h) this.options.onBadLine(h.line, h.reason);
      else if (encoding === 'latin-1') this.options.onText(decodeLatin1(h.bytes, 0, h.bytes.length), h.line);
      else this.emitUtf8(h.bytes, 0, h.bytes.length, h.line);
    }
  }

  private emitUtf8(buf: Uint8Array, start: number, end: number, line: number): void {
    const bad = utf8ErrorAt(buf, start, end);
    if (bad >= 0) this.options.onBadLine(line, `${invalidUtf8Reason(buf, start, bad)} (${this.utf8Hint})`);
    else this.options.onText(decodeUtf8(buf, start, end), line);
  }
}

/** A byte count for messages: `16 MiB`, or `100 bytes` below 1 MiB. */
function mib(bytes: number): string {
  return bytes >= 1048576 ? `${+(bytes / 1048576).toFixed(2)} MiB` : `${bytes} bytes`;
}
